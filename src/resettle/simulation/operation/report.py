"""The forecast and the lever ranking in words: what the CLI prints and the figures' text
alternatives."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from resettle.simulation.operation.calibration import Calibration
from resettle.simulation.operation.forecast import Forecast
from resettle.simulation.operation.levers import LeverEffect


def forecast_lines(forecast: Forecast) -> list[str]:
    f = forecast
    last = f.last_departure_days
    lines = [f"{f.persons_waiting:,} persons still in the camp on {f.start}; "
             f"{f.replications} replications, seed {f.seed}."]
    if f.share_everyone_left == 1.0:
        lines.append(f"Last person departs: {f.on(last.median)} (median); 90% interval "
                     f"{f.on(last.low)} – {f.on(last.high)}.")
    else:
        years = f.horizon_days / 365.0
        lines.append(
            f"Everyone left within {years:.0f} years in {f.share_everyone_left:.0%} of the "
            f"replications: {f.left_behind.median:,.0f} persons (90% interval "
            f"{f.left_behind.low:,.0f}–{f.left_behind.high:,.0f}) find no place in the pledges "
            f"known today; of them {f.refused_where_room.median:,.0f} were refused by every "
            "state that still has places, the others find none left: new pledges are needed.")
        flight = f.last_flight_days
        lines.append(f"The last departure on today's pledges: {f.on(flight.median)} (median); "
                     f"90% interval {f.on(flight.low)} – {f.on(flight.high)}.")
    pd, deaths = f.person_days, f.expected_deaths
    until = "then" if f.share_everyone_left == 1.0 else f"the horizon ({f.on(f.horizon_days)})"
    lines.append(f"Person-days at risk until {until}: {pd.median:,.0f} (90% interval "
                 f"{pd.low:,.0f}–{pd.high:,.0f}).")
    lines.append(f"Expected deaths at {f.risk_per_100k_person_days:g} per 100,000 person-days: "
                 f"{deaths.median:.1f} ({deaths.low:.1f}–{deaths.high:.1f}); in the simulated "
                 f"attacks: {f.simulated_deaths.median:.0f} "
                 f"({f.simulated_deaths.low:.0f}–{f.simulated_deaths.high:.0f}).")
    return lines


def band_lines(forecast: Forecast, every_days: int = 182) -> list[str]:
    """The band of persons in the camp, every half year: the figure's text alternative."""
    f = forecast
    lines = ["Persons in the camp (median, 90% band):"]
    spacing = float(f.days[1] - f.days[0]) if len(f.days) > 1 else 1.0
    step = max(round(every_days / max(spacing, 1.0)), 1)
    for at in range(0, len(f.days), step):
        low, median, high = f.in_camp[:, at]
        lines.append(f"  {f.on(f.days[at])}: {median:,.0f} ({low:,.0f}–{high:,.0f})")
    return lines


def lever_lines(effects: Sequence[LeverEffect], baseline_everyone_left: float = 1.0) -> list[str]:
    lines = ["What helps most (paired differences against the baseline, 95% intervals):"]
    if baseline_everyone_left < 1.0:
        lines.append(f"  (only {baseline_everyone_left:.0%} of the baseline replications get "
                     "everyone out; in the others the last departure is only the horizon, so "
                     "levers are ranked by person-days at risk saved)")
    for number, e in enumerate(effects, start=1):
        d, p, b = e.days_saved, e.person_days_saved, e.left_behind_saved
        days = ("" if baseline_everyone_left < 1.0 else
                f"{d.mean:+,.0f} days on the last departure [{d.low:+,.0f}, {d.high:+,.0f}]; ")
        line = (f"  {number}. {e.name}: {days}{p.mean:+,.0f} person-days at risk "
                f"[{p.low:+,.0f}, {p.high:+,.0f}]")
        if b.mean:
            line += f"; {b.mean:+,.0f} persons more find a place [{b.low:+,.0f}, {b.high:+,.0f}]"
        lines.append(line)
    return lines


def share(values: np.ndarray) -> str:
    return f"{float(np.mean(values)):.0%}"


def calibration_lines(calibration: Calibration) -> list[str]:
    """The replay against the record as a Markdown table (the figure's text alternative)."""
    c = calibration
    lines = [f"Replay from 25 Dec 2011, {c.replications} replications (seed {c.seed}); free "
             f"parameters: host decision {c.free.host_decision_days:g} days (median), "
             f"pre-departure {c.free.pre_departure_days:g} days, Albania "
             f"{c.free.seats_per_week:g} seats a week.", "",
             "| date | record (persons departed) | model median | model 90% | error | source |",
             "|---|---:|---:|---:|---:|---|"]
    for row in c.rows:
        record = (f"all ({row.observed:,.0f})" if row.observation.departed is None
                  else f"{row.observed:,.0f}")
        lines.append(f"| {row.observation.on} | {record} | {row.simulated:,.0f} | "
                     f"{row.low:,.0f}–{row.high:,.0f} | {row.relative_error:.1%} | "
                     f"{row.observation.source} |")
    verdict = "meets" if c.meets_targets else "MISSES"
    lines += ["", f"Mean absolute relative error {c.mare:.1%} (target ≤ 15%); closure "
              f"{c.closure} against 9 Sep 2016: {c.closure_error_days:+d} days (target ±60; "
              f"90% interval {c.closure_low} – {c.closure_high}). The replay {verdict} the "
              "targets."]
    return lines


def summary_line(forecast: Forecast, effects: Sequence[LeverEffect]) -> str:
    """One line for a summary: the closure (or who is left), and what helps most."""
    f = forecast
    if f.share_everyone_left == 1.0:
        head = (f"{f.persons_waiting:,} persons waiting on {f.start}; last departure "
                f"{f.on(f.last_departure_days.median)} (median)")
    else:
        head = (f"{f.persons_waiting:,} persons waiting on {f.start}; "
                f"{f.left_behind.median:,.0f} find no place in today's pledges; the last "
                f"departure on them {f.on(f.last_flight_days.median)} (median)")
    best = f"; what helps most: {effects[0].name}" if effects else ""
    return head + best
