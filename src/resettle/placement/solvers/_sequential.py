"""Place cases one at a time in a given order: the shared loop of the baseline solvers."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import lock_conflict_result
from resettle.placement.objective import report_result
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus

# Given the indices of the pairs that still fit, return the one to take.
Chooser = Callable[[NDArray[np.int64]], int]


def place_in_order(
    problem: PlacementProblem,
    order: NDArray[np.int64],
    choose: Chooser,
    *,
    solver: str,
    seed: int,
) -> PlacementResult:
    """Locked cases first (where locked), then ``order``; each case takes ``choose``'s pick."""
    started = time.perf_counter()
    infeasible = lock_conflict_result(problem, solver=solver, seed=seed, started=started)
    if infeasible is not None:
        return infeasible
    remaining = problem.capacity.copy()
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    for case, loc in problem.locks.items():
        assignment[case] = loc
        remaining[loc] -= problem.needs[case]
    indptr = problem.case_indptr
    for case in order.tolist():
        if assignment[case] >= 0:
            continue
        pairs = np.arange(indptr[case], indptr[case + 1], dtype=np.int64)
        fits = (remaining[problem.pair_locality[pairs]] >= problem.needs[case]).all(axis=1)
        if not fits.any():
            continue
        pair = choose(pairs[fits])
        loc = int(problem.pair_locality[pair])
        assignment[case] = loc
        remaining[loc] -= problem.needs[case]
    return report_result(
        problem, assignment, status=SolveStatus.FEASIBLE, solver=solver, seed=seed,
        seconds=time.perf_counter() - started,
    )
