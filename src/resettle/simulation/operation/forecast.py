"""Many replications of the model, and what they say: when the last person leaves, how many
remain over time, person-days at risk and expected deaths.

Replications run through joblib (processes on one machine); each replication's random streams
come from ``SeedSequence(seed).spawn(n)[r]``, so the answer for a seed does not depend on how
replications were spread over workers, and two scenarios run with the same seed share their
random numbers (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from joblib import Parallel, delayed

from resettle.simulation.operation.model import Replication, run_replication
from resettle.simulation.operation.params import CaseStart, OperationParams
from resettle.simulation.operation.streams import replication_seeds

Progress = Callable[[int], None]  # called with the number of replications just finished
BAND = (5.0, 95.0)  # the 90% band and interval


@dataclass(frozen=True)
class Interval:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray) -> Interval:
        low, median, high = np.percentile(values, [BAND[0], 50.0, BAND[1]])
        return cls(float(median), float(low), float(high))


@dataclass(frozen=True)
class Metrics:
    """One number per replication, in replication order (paired across scenarios)."""

    end_day: np.ndarray  # last departure, or the horizon if someone never left
    person_days: np.ndarray
    deaths: np.ndarray  # killed in simulated attacks
    everyone_left: np.ndarray  # bool
    last_flight: np.ndarray  # the last departure that happened, everyone gone or not
    left_behind: np.ndarray  # persons still in the camp at the horizon
    refused_where_room: np.ndarray  # of them, refused by every state that still has room

    @classmethod
    def of(cls, runs: Sequence[Replication]) -> Metrics:
        return cls(np.array([r.end_day for r in runs]),
                   np.array([r.person_days() for r in runs]),
                   np.array([r.died for r in runs], dtype=float),
                   np.array([r.everyone_left for r in runs], dtype=bool),
                   np.array([r.last_flight_day for r in runs]),
                   np.array([r.in_camp for r in runs], dtype=float),
                   np.array([r.refused_where_room for r in runs], dtype=float))


@dataclass(frozen=True)
class Forecast:
    start: date
    replications: int
    seed: int
    persons_waiting: int
    metrics: Metrics
    last_departure_days: Interval
    person_days: Interval
    expected_deaths: Interval  # person-days × the configured risk rate
    simulated_deaths: Interval  # from the attack process
    risk_per_100k_person_days: float
    share_everyone_left: float
    last_flight_days: Interval  # the last departure within the horizon
    left_behind: Interval  # persons with no place when the run ends
    refused_where_room: Interval  # of them, refused by every state that still has room
    horizon_days: float
    days: np.ndarray  # grid of the population band
    in_camp: np.ndarray  # (3, len(days)): 5th percentile, median, 95th percentile

    def on(self, days: float) -> date:
        return self.start + timedelta(days=round(days))


def simulate_replications(params: OperationParams, cases: Sequence[CaseStart],
                          replications: int, seed: int, *, jobs: int = 1,
                          progress: Progress | None = None,
                          scheduler: str | None = None) -> list[Replication]:
    """Run ``replications`` replications; results in replication order.

    ``jobs`` > 1: joblib processes on this machine. ``scheduler``: the address of a Dask
    distributed scheduler (an analyst's cluster); the answer is the same either way.
    """
    seeds = replication_seeds(seed, replications)
    if scheduler is not None:
        return _on_dask(scheduler, params, cases, seeds, progress)
    if jobs == 1:
        runs = []
        for child in seeds:
            runs.append(run_replication(params, cases, child))
            if progress:
                progress(1)
        return runs
    parallel = Parallel(n_jobs=jobs, return_as="generator")
    runs = []
    for run in parallel(delayed(run_replication)(params, cases, child) for child in seeds):
        runs.append(run)
        if progress:
            progress(1)
    return runs


def _on_dask(scheduler: str, params: OperationParams, cases: Sequence[CaseStart],
             seeds: Sequence[np.random.SeedSequence],
             progress: Progress | None) -> list[Replication]:
    # Optional dependency (the "cluster" extra): imported only when a cluster is asked for.
    from dask.distributed import Client, as_completed  # noqa: PLC0415

    with Client(scheduler) as client:  # type: ignore[no-untyped-call]
        futures = client.map(run_replication, [params] * len(seeds), [tuple(cases)] * len(seeds),
                             list(seeds), pure=False)
        for _ in as_completed(futures):  # type: ignore[no-untyped-call]
            if progress:
                progress(1)
        return list(client.gather(futures))


def summarize(params: OperationParams, persons_waiting: int, runs: Sequence[Replication],
              seed: int, step_days: int = 7) -> Forecast:
    metrics = Metrics.of(runs)
    rate = params.risk_deaths_per_100k_person_days
    # The band stops half a year after the last departure seen (not at a far horizon).
    flights = np.nan_to_num(metrics.last_flight, nan=0.0)
    last = min(float(np.max(flights)) + 182.0, params.horizon_days) if len(runs) else 0.0
    days = np.arange(0.0, last + step_days, step_days)
    curves = np.array([in_camp_on(run, days) for run in runs]).reshape(len(runs), len(days))
    band = np.percentile(curves, [BAND[0], 50.0, BAND[1]], axis=0) if len(runs) else curves
    return Forecast(
        start=params.start, replications=len(runs), seed=seed, persons_waiting=persons_waiting,
        metrics=metrics, last_departure_days=Interval.of(metrics.end_day),
        person_days=Interval.of(metrics.person_days),
        expected_deaths=Interval.of(metrics.person_days * rate / 100_000.0),
        simulated_deaths=Interval.of(metrics.deaths), risk_per_100k_person_days=rate,
        share_everyone_left=float(np.mean(metrics.everyone_left)),
        last_flight_days=Interval.of(np.nan_to_num(metrics.last_flight, nan=0.0)),
        left_behind=Interval.of(metrics.left_behind),
        refused_where_room=Interval.of(metrics.refused_where_room),
        horizon_days=params.horizon_days,
        days=days, in_camp=band)


def in_camp_on(run: Replication, days: np.ndarray) -> np.ndarray:
    """Persons present on each of ``days`` in one replication (a step function)."""
    if not len(run.population):
        return np.zeros(len(days))
    at = np.searchsorted(run.population_days, days, side="right") - 1
    present = np.where(at >= 0, run.population[np.clip(at, 0, None)], 0.0)
    return np.asarray(present, dtype=float)


def forecast_operation(params: OperationParams, cases: Sequence[CaseStart], *,
                       replications: int, seed: int, jobs: int = 1,
                       progress: Progress | None = None,
                       scheduler: str | None = None) -> Forecast:
    runs = simulate_replications(params, cases, replications, seed, jobs=jobs,
                                 progress=progress, scheduler=scheduler)
    return summarize(params, sum(c.persons for c in cases), runs, seed)
