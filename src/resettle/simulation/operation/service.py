"""The simulator's use cases, the one place CLI and web call: forecast from the registry as it
stands, the levers compared on it, runs stored with their inputs and seed, and the latest stored
forecast for the report (``StoredForecast``, reporting's ``ForecastSource``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from resettle.errors import NotFoundError, ResettleError
from resettle.reporting.records import ForecastBand
from resettle.simulation.operation.forecast import Forecast, Progress, forecast_operation
from resettle.simulation.operation.levers import (
    Lever,
    LeverEffect,
    compare_levers,
    standard_levers,
)
from resettle.simulation.operation.params import OperationParams
from resettle.simulation.operation.ports import ForecastRunStore, OperationStore, StoredRun
from resettle.simulation.operation.runs import (
    ForecastRequest,
    RunResults,
    forecast_band,
    results_from_record,
    results_record,
)
from resettle.simulation.operation.snapshot import StartingPoint, read_starting_point


@dataclass(frozen=True)
class OperationRun:
    """A forecast with everything needed to reproduce it (inputs, seed)."""

    starting_point: StartingPoint
    params: OperationParams
    forecast: Forecast
    levers: tuple[LeverEffect, ...] = ()
    run_id: int | None = None  # when stored


def params_for(point: StartingPoint, **changes: Any) -> OperationParams:
    """The default model from the day of the snapshot, with its open pledges and ``changes``."""
    return replace(OperationParams(start=point.as_of, pledges=point.pledges), **changes)


def simulate_operation(store: OperationStore, *, replications: int, seed: int,
                       as_of: date | None = None, jobs: int = 1, with_levers: bool = False,
                       progress: Progress | None = None, scheduler: str | None = None,
                       places_in: str | None = None,
                       levers: Callable[[OperationParams], Sequence[Lever]] | None = None,
                       **changes: Any) -> OperationRun:
    """``with_levers``: compare the standard levers; ``levers``: these instead."""
    point = read_starting_point(store, as_of)
    if not point.cases:
        raise NotFoundError(
            f"no case is waiting in the registry on {point.as_of}: nothing to forecast. Load "
            "the cases first (resettle import, or resettle scenario ashraf --load), or choose "
            "another day with --on", code="nothing_to_simulate")
    params = params_for(point, **changes)
    forecast = forecast_operation(params, point.cases, replications=replications, seed=seed,
                                  jobs=jobs, progress=progress, scheduler=scheduler)
    effects: tuple[LeverEffect, ...] = ()
    chosen = (levers(params) if levers is not None
              else standard_levers(params, places_in) if with_levers else ())
    if chosen:
        _, ranked = compare_levers(params, point.cases, chosen,
                                   replications=replications, seed=seed, jobs=jobs,
                                   progress=progress, base=forecast.metrics,
                                   scheduler=scheduler)
        effects = tuple(ranked)
    return OperationRun(point, params, forecast, effects)


def replications_needed(replications: int, with_levers: bool) -> int:
    """How many replications a run makes in all (for a progress bar)."""
    levers = len(standard_levers(OperationParams(date.min))) if with_levers else 0
    return replications * (1 + levers)


def run_forecast(store: OperationStore, request: ForecastRequest, *, jobs: int = 1,
                 progress: Progress | None = None,
                 scheduler: str | None = None) -> OperationRun:
    """The forecast ``request`` asks for, with the levers it names compared."""
    return simulate_operation(store, replications=request.replications, seed=request.seed,
                              as_of=request.as_of, jobs=jobs, progress=progress,
                              scheduler=scheduler, levers=request.levers_for,
                              **request.changes())


def start_stored_run(runs: ForecastRunStore, request: ForecastRequest, *, started_by: str,
                     now: datetime) -> int:
    """Record that a run was asked for (before it runs: a web run goes on in the background)."""
    return runs.add_run(started_by=started_by, started_at=now, as_of=request.as_of,
                        replications=request.replications, seed=request.seed,
                        inputs=request.to_record())


def execute_stored_run(store: OperationStore, runs: ForecastRunStore, run_id: int,
                       request: ForecastRequest, *, clock: Callable[[], datetime],
                       jobs: int = 1, progress: Progress | None = None,
                       scheduler: str | None = None) -> OperationRun:
    """Run a stored run and keep its progress, then its results (or why it failed)."""
    replications_done = 0
    total = request.replications * (1 + len(request.levers))
    every = max(total // 20, 1)

    def advance(done: int) -> None:
        nonlocal replications_done
        replications_done += done
        if replications_done % every == 0 or replications_done == total:
            runs.record_progress(run_id, replications_done)
        if progress:
            progress(done)

    try:
        run = run_forecast(store, request, jobs=jobs, progress=advance, scheduler=scheduler)
    except ResettleError as error:
        runs.fail_run(run_id, finished_at=clock(), error=error.message)
        raise
    runs.finish_run(run_id, finished_at=clock(), as_of=run.starting_point.as_of,
                    results=results_record(run.forecast, run.levers))
    return run


INTERRUPTED = ("interrupted: the server stopped before this run finished; start it again "
               "(the same inputs and seed give the same numbers)")


def close_interrupted_runs(runs: ForecastRunStore, *, now: datetime) -> list[int]:
    """Mark failed every run still RUNNING when no run can be going on (a server starting,
    before its processes take requests): a run lives in a server process's thread, so one
    left RUNNING was cut off by a stop and would otherwise say "running" for ever. The ids."""
    interrupted = [run.run_id for run in runs.unfinished_runs()]
    for run_id in interrupted:
        runs.fail_run(run_id, finished_at=now, error=INTERRUPTED)
    return interrupted


def stored_results(run: StoredRun) -> RunResults:
    """A finished run's forecast and levers, from the store alone (to draw its figures)."""
    if run.results is None:
        raise NotFoundError(f"forecast run {run.run_id} has no results yet (it is "
                            f"{run.status})")
    return results_from_record(run.results)


class StoredForecast:
    """Reporting's ``ForecastSource`` over the stored runs: the newest finished run that starts
    on or before the report's day (a report never shows a forecast made after its month)."""

    def __init__(self, runs: ForecastRunStore) -> None:
        self.runs = runs

    def forecast_band(self, as_of: date) -> ForecastBand | None:
        run = self.runs.latest_done(on_or_before=as_of)
        if run is None or run.results is None:
            return None
        source = (f"Stored forecast run {run.run_id} of {run.started_at:%d %B %Y}: "
                  f"{run.replications} replications, seed {run.seed}; run it again with the "
                  f"same inputs for the same numbers.")
        return forecast_band(results_from_record(run.results), source=source)
