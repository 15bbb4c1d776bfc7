"""Calibration against the historical record: replay 2011–2016 and compare departures.

The replay starts on 25 Dec 2011 with the residents arriving at Liberty as the convoys did and
the offers arriving as in ``history.PLEDGES``; the free parameters (``history.FreeParameters``)
are fitted with ``scipy.optimize`` to the cumulative departures and the closure date. Targets
(issue 13): mean absolute relative error at most 15%, closure within 60 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import optimize

from resettle.simulation.operation.forecast import Progress, simulate_replications
from resettle.simulation.operation.history import (
    CLOSURE,
    FITTED,
    OBSERVED,
    START,
    FreeParameters,
    Observation,
    history_cases,
    history_params,
)
from resettle.simulation.operation.model import Replication

MARE_TARGET = 0.15
CLOSURE_TARGET_DAYS = 60


@dataclass(frozen=True)
class Row:
    observation: Observation
    observed: float  # persons (for "everyone": all who left in the replay)
    simulated: float  # median over replications
    low: float
    high: float

    @property
    def relative_error(self) -> float:
        return abs(self.simulated - self.observed) / self.observed


@dataclass(frozen=True)
class Calibration:
    free: FreeParameters
    replications: int
    seed: int
    rows: tuple[Row, ...]
    closure: date  # median last departure in the replay
    closure_low: date
    closure_high: date
    runs: tuple[Replication, ...]

    @property
    def mare(self) -> float:
        return float(np.mean([r.relative_error for r in self.rows]))

    @property
    def closure_error_days(self) -> int:
        return (self.closure - CLOSURE).days

    @property
    def meets_targets(self) -> bool:
        return self.mare <= MARE_TARGET and abs(self.closure_error_days) <= CLOSURE_TARGET_DAYS


def departed_by(run: Replication, on: date) -> float:
    day = (on - START).days
    return float(run.departures[run.departures[:, 0] <= day, 1].sum())


def evaluate_history(free: FreeParameters = FITTED, *, replications: int, seed: int,
                     jobs: int = 1, progress: Progress | None = None) -> Calibration:
    runs = simulate_replications(history_params(free), history_cases(), replications, seed,
                                 jobs=jobs, progress=progress)
    return compare(free, runs, seed)


def compare(free: FreeParameters, runs: Sequence[Replication], seed: int) -> Calibration:
    rows = []
    for observation in OBSERVED:
        simulated = np.array([departed_by(r, observation.on) for r in runs])
        observed = (np.array([float(r.departed) for r in runs]) if observation.departed is None
                    else np.full(len(runs), float(observation.departed)))
        low, median, high = np.percentile(simulated, [5.0, 50.0, 95.0])
        rows.append(Row(observation, float(np.median(observed)), float(median), float(low),
                        float(high)))
    ends = np.percentile([r.end_day for r in runs], [5.0, 50.0, 95.0])
    low_day, median_day, high_day = (START + timedelta(days=round(float(d))) for d in ends)
    return Calibration(free, len(runs), seed, tuple(rows), median_day, low_day, high_day,
                       tuple(runs))


def loss(calibration: Calibration) -> float:
    """MARE plus the closure error as a share of the target (both must be met)."""
    return calibration.mare + 0.1 * abs(calibration.closure_error_days) / CLOSURE_TARGET_DAYS


def fit_history(*, replications: int, seed: int, start: FreeParameters = FITTED,
                max_evaluations: int = 60, jobs: int = 1) -> FreeParameters:
    """Nelder–Mead on the free parameters, every evaluation on the same random numbers."""
    def objective(x: np.ndarray) -> float:
        if np.any(x <= 1.0):
            return 10.0
        free = FreeParameters(*(float(v) for v in x))
        return loss(evaluate_history(free, replications=replications, seed=seed, jobs=jobs))

    result = optimize.minimize(objective, start.as_array(), method="Nelder-Mead",
                               options={"maxfev": max_evaluations, "xatol": 1.0,
                                        "fatol": 1e-3})
    return FreeParameters(*(round(float(v), 1) for v in result.x))
