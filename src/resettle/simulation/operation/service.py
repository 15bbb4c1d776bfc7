"""The simulator's use cases, the one place CLI (and later web) call: forecast from the registry
as it stands, and the levers compared on it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from resettle.errors import NotFoundError
from resettle.simulation.operation.forecast import Forecast, Progress, forecast_operation
from resettle.simulation.operation.levers import LeverEffect, compare_levers, standard_levers
from resettle.simulation.operation.params import OperationParams
from resettle.simulation.operation.ports import OperationStore
from resettle.simulation.operation.snapshot import StartingPoint, read_starting_point


@dataclass(frozen=True)
class OperationRun:
    """A forecast with everything needed to reproduce it (inputs, seed)."""

    starting_point: StartingPoint
    params: OperationParams
    forecast: Forecast
    levers: tuple[LeverEffect, ...] = ()


def params_for(point: StartingPoint, **changes: Any) -> OperationParams:
    """The default model from the day of the snapshot, with its open pledges and ``changes``."""
    return replace(OperationParams(start=point.as_of, pledges=point.pledges), **changes)


def simulate_operation(store: OperationStore, *, replications: int, seed: int,
                       as_of: date | None = None, jobs: int = 1, with_levers: bool = False,
                       progress: Progress | None = None, scheduler: str | None = None,
                       places_in: str | None = None, **changes: Any) -> OperationRun:
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
    if with_levers:
        _, ranked = compare_levers(params, point.cases, standard_levers(params, places_in),
                                   replications=replications, seed=seed, jobs=jobs,
                                   progress=progress, base=forecast.metrics,
                                   scheduler=scheduler)
        effects = tuple(ranked)
    return OperationRun(point, params, forecast, effects)


def replications_needed(replications: int, with_levers: bool) -> int:
    """How many replications a run makes in all (for a progress bar)."""
    levers = len(standard_levers(OperationParams(date.min))) if with_levers else 0
    return replications * (1 + levers)
