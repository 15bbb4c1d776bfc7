"""Figures of the simulator (PNG). Each has a text alternative in ``report.py``.

The forecast and tornado figures are drawn on matplotlib's object API (no pyplot state), so a
web server's threads can draw them at once; ``*_png`` give the bytes for a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in the field or in CI
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from resettle.simulation.operation.calibration import Calibration
from resettle.simulation.operation.forecast import Forecast
from resettle.simulation.operation.history import CLOSURE, PLEDGES, START
from resettle.simulation.operation.levers import LeverEffect
from resettle.simulation.operation.model import Replication


def _dates(start: date, days: Iterable[float]) -> list[date]:
    return [start + timedelta(days=float(d)) for d in days]


def _days64(days: Iterable[date]) -> np.ndarray:
    return np.array(list(days), dtype="datetime64[D]")


def _forecast_drawing(forecast: Forecast) -> Figure:
    f = forecast
    fig = Figure(figsize=(11, 4.2))
    band, ends = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    when = _dates(f.start, f.days)
    band.fill_between(when, f.in_camp[0], f.in_camp[2], alpha=0.3, label="90% band")
    band.plot(when, f.in_camp[1], label="median")
    band.set_title("Persons still in the camp")
    band.set_ylabel("persons")
    band.legend()
    band.grid(alpha=0.3)
    finished = f.metrics.end_day[f.metrics.everyone_left]
    values = finished if len(finished) else f.metrics.last_flight
    values = values[~np.isnan(values)]
    ends.hist([f.start + timedelta(days=float(d)) for d in values], bins=20)
    ends.set_title("Last departure" if len(finished) else "Last departure on today's pledges")
    ends.set_ylabel("replications")
    fig.autofmt_xdate()
    fig.suptitle(f"Forecast from {f.start}: {f.replications} replications (seed {f.seed})")
    fig.tight_layout()
    return fig


def forecast_figure(forecast: Forecast, path: Path) -> Path:
    _forecast_drawing(forecast).savefig(path, dpi=110)
    return path


def forecast_png(forecast: Forecast) -> bytes:
    return _png(_forecast_drawing(forecast))


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=90)
    return out.getvalue()


def _tornado_drawing(effects: Sequence[LeverEffect]) -> Figure:
    reverse = list(reversed(effects))
    panels = [([e.days_saved for e in reverse], "days saved on the last departure"),
              ([e.person_days_saved for e in reverse], "person-days at risk saved")]
    if all(e.days_saved.mean == e.days_saved.low == e.days_saved.high == 0 for e in effects):
        panels = panels[1:]
    fig = Figure(figsize=(5.5 * len(panels) + 2.5, 0.6 * len(effects) + 1.6))
    axes = fig.subplots(1, len(panels), sharey=True)
    for axis, (values, title) in zip(np.atleast_1d(axes), panels, strict=True):
        means = [v.mean for v in values]
        errors = [[v.mean - v.low for v in values], [v.high - v.mean for v in values]]
        axis.barh([e.name for e in reverse], means, xerr=errors, capsize=3,
                  color=["C2" if m > 0 else "C3" for m in means])
        axis.axvline(0, color="black", linewidth=0.8)
        axis.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
        axis.set_title(title)
        axis.grid(axis="x", alpha=0.3)
    fig.suptitle("What helps most (paired differences, common random numbers)")
    fig.tight_layout()
    return fig


def tornado_figure(effects: Sequence[LeverEffect], path: Path) -> Path:
    """Levers by days saved on the last departure and person-days at risk saved, with 95%
    intervals; most helpful on top. Without any day saved (nobody gets everyone out), only
    person-days are drawn."""
    _tornado_drawing(effects).savefig(path, dpi=110)
    return path


def tornado_png(effects: Sequence[LeverEffect]) -> bytes:
    return _png(_tornado_drawing(effects))


def calibration_figure(calibration: Calibration, path: Path) -> Path:
    """Cumulative departures of the replay (median, 90% band) against the record and offers."""
    days = np.arange(0.0, (CLOSURE - START).days + 120.0, 7.0)
    curves = np.array([[departed_by_day(run, d) for d in days] for run in calibration.runs])
    low, median, high = np.percentile(curves, [5.0, 50.0, 95.0], axis=0)
    when = _days64(_dates(START, days))
    fig, axis = plt.subplots(figsize=(10, 4.5))
    axis.fill_between(when, low, high, alpha=0.3, label="model, 90% band")
    axis.plot(when, median, label="model, median")
    offered = np.cumsum([p.persons for p in PLEDGES])
    axis.step(_days64(p.on for p in PLEDGES), offered, where="post", linestyle="--", color="grey",
              label="places offered (cumulative)")
    for row in calibration.rows:
        axis.plot(_days64([row.observation.on]), [row.observed], "o", color="C3")
    axis.plot([], [], "o", color="C3", label="record")
    axis.plot(_days64([CLOSURE, CLOSURE]), [0, offered[-1]], color="C3", linewidth=0.8,
              linestyle=":")
    axis.set_ylabel("persons departed")
    axis.set_title(f"Replay 2011–2016 against the record: MARE {calibration.mare:.1%}, "
                   f"closure {calibration.closure} ({calibration.closure_error_days:+d} days)")
    axis.legend(loc="upper left")
    axis.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def departed_by_day(run: Replication, day: float) -> float:
    return float(run.departures[run.departures[:, 0] <= day, 1].sum())
