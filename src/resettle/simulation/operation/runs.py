"""Forecast runs as data: what was asked (inputs, seed), and what came out, in plain JSON.

A stored run's inputs are enough to run it again and get the same numbers (same seed, same
registry day, same model); its results hold every replication's metrics and the band, so any
figure can be drawn again from the store alone (``forecast_from_record``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from resettle.core.issues import Issue
from resettle.errors import ValidationError
from resettle.reporting.records import ForecastBand
from resettle.simulation.operation.forecast import Forecast, Interval, Metrics
from resettle.simulation.operation.levers import (
    Difference,
    Lever,
    LeverEffect,
    faster_vetting,
    largest_host,
    more_flights,
    more_interviewers,
    more_places,
    pledges_earlier,
)
from resettle.simulation.operation.params import OperationParams

RUNNING, DONE, FAILED = "running", "done", "failed"
MAX_REPLICATIONS = 2000


def _lever(key: str, params: OperationParams, places_in: str | None) -> Lever:
    if key == "interviewers":
        return more_interviewers(2)
    if key == "places":
        return more_places(500, places_in or largest_host(params))
    if key == "vetting":
        return faster_vetting(30)
    if key == "pledges_earlier":
        return pledges_earlier(90)
    return more_flights(2.0)


# The named levers a scenario may compare (the issue's questions), by key.
LEVER_NAMES: Mapping[str, str] = {
    "interviewers": "2 more interviewers",
    "places": "500 more places in the largest host (or the state named)",
    "vetting": "host vetting 30 days faster",
    "pledges_earlier": "future pledges 90 days earlier",
    "flights": "flights twice as often",
}


@dataclass(frozen=True)
class ForecastRequest:
    """What a forecast run is asked to do: everything needed to make it again."""

    replications: int = 20
    seed: int = 1
    as_of: date | None = None  # None: the registry's last recorded day
    interviewers: int = 8
    risk_rate: float = 2.3  # deaths per 100,000 person-days
    levers: tuple[str, ...] = ()  # keys of LEVER_NAMES, compared with the baseline
    places_in: str | None = None  # the state that gets the 500 places (default: largest host)

    def __post_init__(self) -> None:
        issues = []
        if not 2 <= self.replications <= MAX_REPLICATIONS:
            issues.append(Issue("bad_value", f"replications must be 2 to {MAX_REPLICATIONS}",
                                field="replications"))
        if self.interviewers < 1:
            issues.append(Issue("bad_value", "at least one interviewer", field="interviewers"))
        if not 0 <= self.risk_rate <= 1000:
            issues.append(Issue("bad_value", "risk rate must be 0 to 1,000", field="risk_rate"))
        unknown = [k for k in self.levers if k not in LEVER_NAMES]
        if unknown:
            issues.append(Issue("bad_value", f"unknown lever {', '.join(unknown)}",
                                field="levers"))
        if issues:
            raise ValidationError(issues, "; ".join(i.message for i in issues))

    def levers_for(self, params: OperationParams) -> tuple[Lever, ...]:
        return tuple(_lever(key, params, self.places_in) for key in self.levers)

    def changes(self) -> dict[str, Any]:
        """The parameters this request changes from the model's defaults."""
        return {"interviewers": self.interviewers,
                "risk_deaths_per_100k_person_days": self.risk_rate}

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["as_of"] = self.as_of.isoformat() if self.as_of else None
        record["levers"] = list(self.levers)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ForecastRequest:
        as_of = record.get("as_of")
        return cls(replications=int(record["replications"]), seed=int(record["seed"]),
                   as_of=date.fromisoformat(as_of) if as_of else None,
                   interviewers=int(record["interviewers"]),
                   risk_rate=float(record["risk_rate"]),
                   levers=tuple(record.get("levers", ())), places_in=record.get("places_in"))


def _floats(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _interval(i: Interval) -> dict[str, float]:
    return {"median": i.median, "low": i.low, "high": i.high}


def _difference(d: Difference) -> dict[str, float]:
    return {"mean": d.mean, "low": d.low, "high": d.high}


@dataclass(frozen=True)
class RunResults:
    """What a run produced: the forecast and, if asked, the levers ranked."""

    forecast: Forecast
    levers: tuple[LeverEffect, ...] = field(default=())


def results_record(forecast: Forecast, effects: Sequence[LeverEffect]) -> dict[str, Any]:
    """Plain JSON: every replication's metrics, the band, the intervals, the levers."""
    f, m = forecast, forecast.metrics
    return {
        "start": f.start.isoformat(), "replications": f.replications, "seed": f.seed,
        "persons_waiting": f.persons_waiting, "horizon_days": f.horizon_days,
        "risk_per_100k_person_days": f.risk_per_100k_person_days,
        "metrics": {name: _floats(getattr(m, name)) for name in METRIC_NAMES},
        "days": _floats(f.days), "in_camp": [_floats(row) for row in f.in_camp],
        "intervals": {name: _interval(getattr(f, name)) for name in INTERVAL_NAMES},
        "share_everyone_left": f.share_everyone_left,
        "levers": [{"name": e.name, "days_saved": _difference(e.days_saved),
                    "person_days_saved": _difference(e.person_days_saved),
                    "left_behind_saved": _difference(e.left_behind_saved),
                    "share_everyone_left": e.share_everyone_left} for e in effects],
    }


METRIC_NAMES = ("end_day", "person_days", "deaths", "everyone_left", "last_flight",
                "left_behind", "refused_where_room")
INTERVAL_NAMES = ("last_departure_days", "person_days", "expected_deaths", "simulated_deaths",
                  "last_flight_days", "left_behind", "refused_where_room")


def results_from_record(record: Mapping[str, Any]) -> RunResults:
    """The forecast and levers a run stored, as the objects figures and text are drawn from."""
    raw = record["metrics"]
    metrics = Metrics(**{name: _array(raw[name]) for name in METRIC_NAMES
                         if name != "everyone_left"},
                      everyone_left=np.array(raw["everyone_left"], dtype=bool))
    intervals = {name: Interval(**record["intervals"][name]) for name in INTERVAL_NAMES}
    forecast = Forecast(
        start=date.fromisoformat(record["start"]), replications=int(record["replications"]),
        seed=int(record["seed"]), persons_waiting=int(record["persons_waiting"]),
        metrics=metrics, risk_per_100k_person_days=float(record["risk_per_100k_person_days"]),
        share_everyone_left=float(record["share_everyone_left"]),
        horizon_days=float(record["horizon_days"]), days=_array(record["days"]),
        in_camp=np.array([_array(row) for row in record["in_camp"]]).reshape(3, -1),
        **intervals)
    effects = tuple(LeverEffect(e["name"], Difference(**e["days_saved"]),
                                Difference(**e["person_days_saved"]),
                                Difference(**e["left_behind_saved"]),
                                float(e["share_everyone_left"])) for e in record["levers"])
    return RunResults(forecast, effects)


def _month_ends(start: date, last: date) -> list[date]:
    ends: list[date] = []
    month = date(start.year, start.month, 1)
    while True:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end > last:
            return ends
        ends.append(end)
        month = following


def forecast_band(results: RunResults, *, source: str = "") -> ForecastBand:
    """The report's view of a forecast: the last departure's median and 90% interval, and
    persons still in the camp at the end of each month (median and 90% band)."""
    f = results.forecast
    everyone = f.share_everyone_left >= 1.0
    last = f.last_departure_days if everyone else f.last_flight_days
    grid_end = f.on(float(f.days[-1])) if len(f.days) else f.start
    remaining = []
    for end in _month_ends(f.start, grid_end):
        at = int(np.searchsorted(f.days, (end - f.start).days, side="right")) - 1
        if at >= 0:
            low, median, high = (round(float(v)) for v in f.in_camp[:, at])
            remaining.append((f"{end:%Y-%m}", low, median, high))
    return ForecastBand(
        as_of=f.start, last_departure_low=f.on(last.low), last_departure_median=f.on(last.median),
        last_departure_high=f.on(last.high), remaining=tuple(remaining), runs=f.replications,
        coverage=90, everyone_left_share=f.share_everyone_left,
        left_behind=round(f.left_behind.median), source=source)
