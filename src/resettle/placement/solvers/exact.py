"""Exact solver: a binary MIP over the allowed pairs on HiGHS, tier after tier.

Variables: x_p in {0, 1} per allowed pair. Rows: each case at most once; per locality and
dimension, used <= capacity (only rows that can bind); group floors. Locks fix columns.
The lexicographic objective (:mod:`resettle.placement.objective`) is optimised preemptively:
maximise tier 1, add ``tier1 >= best``, maximise tier 2 warm-started from the previous
solution, and so on. Person-count tiers are integers, so they are solved to an absolute gap
below one person; the outcome tier uses the requested relative ``gap`` (default 1e-6).
A tier whose trivial upper bound (every case at its best pair) is already met by the
incumbent is skipped without a solve.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import find_floor_conflicts, find_lock_conflicts
from resettle.placement.objective import fairness_shortfalls, report_result, tier_coefficients
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus
from resettle.placement.solvers._highs import build_rows, new_model, run_guarded
from resettle.placement.solvers.base import register_solver
from resettle.placement.solvers.greedy import GreedySolver

DEFAULT_GAP = 1e-6
Stage = tuple[NDArray[np.float64] | None, float | None, bool]  # solution, bound, proven


class ExactSolver:
    name = "exact"

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        started = time.perf_counter()
        conflicts = find_lock_conflicts(problem) + find_floor_conflicts(problem)
        if conflicts:
            return self._infeasible(problem, seed, started, conflicts)
        deadline = None if time_limit is None else started + time_limit
        outcome_gap = DEFAULT_GAP if gap is None else gap
        rows = build_rows(problem)
        highs = new_model(problem, rows, integer=True, seed=seed)
        incumbent = _greedy_start(problem, seed)
        bounds: list[float | None] = []
        proven_all = True
        tiers = tier_coefficients(problem)
        for level, coef in enumerate(tiers):
            last = level == len(tiers) - 1
            solution, bound, proven = self._solve_tier(
                highs, problem, coef, incumbent=incumbent, deadline=deadline,
                rel_gap=outcome_gap if last else None,
            )
            if solution is None and incumbent is None:
                if proven:  # HiGHS proved the rows (capacity + floors) cannot hold together
                    return self._infeasible(problem, seed, started, [
                        "the group floors and locks cannot all be met within capacity"])
                return self._timed_out(problem, seed, started)
            best = solution if solution is not None else incumbent
            assert best is not None  # both None returned above
            incumbent = best
            bounds.append(bound)
            proven_all &= proven
            if not proven or last:
                break
            _fix_tier(highs, problem, coef, float(coef @ best))
        bounds.extend([None] * (len(tiers) - len(bounds)))
        return self._report(
            problem, incumbent, bounds=bounds, proven=proven_all, seed=seed, started=started
        )

    def _solve_tier(
        self,
        highs: highspy.Highs,
        problem: PlacementProblem,
        coef: NDArray[np.float64],
        *,
        incumbent: NDArray[np.float64] | None,
        deadline: float | None,
        rel_gap: float | None,
    ) -> Stage:
        trivial = _trivial_bound(problem, coef)
        if incumbent is not None and coef @ incumbent >= trivial - 1e-9:
            return incumbent, trivial, True
        highs.changeColsCost(problem.n_pairs, np.arange(problem.n_pairs, dtype=np.int32), coef)
        if rel_gap is None:  # integer tier: prove to within less than one person
            highs.setOptionValue("mip_rel_gap", 0.0)
            highs.setOptionValue("mip_abs_gap", 0.999)
        else:
            highs.setOptionValue("mip_rel_gap", float(rel_gap))
            highs.setOptionValue("mip_abs_gap", 1e-9)
        if incumbent is not None:
            highs.setSolution(_solution(incumbent))
        remaining = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        finished = run_guarded(highs, remaining, problem.n_pairs)
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, None, True
        info = highs.getInfo()
        has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
        solution = np.round(np.asarray(highs.getSolution().col_value)) if has_solution else None
        proven = finished and status == highspy.HighsModelStatus.kOptimal
        bound = float(info.mip_dual_bound)
        achieved = float(coef @ solution) if solution is not None else -np.inf
        if not np.isfinite(bound) or bound < achieved - 1e-6:
            bound = trivial  # HiGHS stopped before it had a dual bound (e.g. in presolve)
        if rel_gap is None:
            bound = float(np.floor(bound + 1e-6))
        return solution, min(bound, trivial), proven

    def _report(
        self,
        problem: PlacementProblem,
        x: NDArray[np.float64] | None,
        *,
        bounds: list[float | None],
        proven: bool,
        seed: int,
        started: float,
    ) -> PlacementResult:
        assignment = np.full(problem.n_cases, -1, dtype=np.int64)
        if x is not None:
            chosen = np.flatnonzero(x > 0.5)
            assignment[problem.pair_case[chosen]] = problem.pair_locality[chosen]
        status = SolveStatus.TIME_LIMIT if not proven else SolveStatus.OPTIMAL
        result = report_result(
            problem, assignment, status=status, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started, tier_bounds=tuple(bounds),
        )
        if proven and result.gap is not None and result.gap > DEFAULT_GAP:
            object.__setattr__(result, "status", SolveStatus.WITHIN_GAP)
        return result

    def _infeasible(
        self, problem: PlacementProblem, seed: int, started: float, conflicts: list[str]
    ) -> PlacementResult:
        return report_result(
            problem, None, status=SolveStatus.INFEASIBLE, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started, conflicts=tuple(conflicts),
            message="no placement can meet every constraint; see conflicts",
        )

    def _timed_out(self, problem: PlacementProblem, seed: int, started: float) -> PlacementResult:
        return report_result(
            problem, None, status=SolveStatus.ERROR, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started,
            message="the time limit ran out before any valid placement was found",
        )


def _greedy_start(problem: PlacementProblem, seed: int) -> NDArray[np.float64] | None:
    """The greedy placement as a MIP start, if it meets the group floors."""
    result = GreedySolver().solve(problem, seed=seed)
    if not result.status.has_solution or fairness_shortfalls(problem, result.assignment):
        return None
    x = np.zeros(problem.n_pairs)
    chosen = problem.pairs_of_assignment(result.assignment)
    x[chosen[chosen >= 0]] = 1.0
    return x


def _trivial_bound(problem: PlacementProblem, coef: NDArray[np.float64]) -> float:
    """Every case at its best pair (or nowhere if all are negative), capacity ignored."""
    if problem.n_pairs == 0:
        return 0.0
    best = np.full(problem.n_cases, -np.inf)
    np.maximum.at(best, problem.pair_case, coef)
    locked = np.zeros(problem.n_cases, dtype=bool)
    locked[list(problem.locks)] = True
    free = np.where(locked, best, np.maximum(best, 0.0))
    for case, loc in problem.locks.items():
        at = problem.pair_index(case, loc)
        free[case] = coef[at] if at >= 0 else 0.0
    return float(free[np.isfinite(free)].sum())


def _fix_tier(
    highs: highspy.Highs, problem: PlacementProblem, coef: NDArray[np.float64], value: float
) -> None:
    nz = np.flatnonzero(coef).astype(np.int32)
    if len(nz):
        highs.addRow(value - 1e-6, highspy.kHighsInf, len(nz), nz, coef[nz])


def _solution(x: NDArray[np.float64]) -> highspy.HighsSolution:
    solution = highspy.HighsSolution()
    solution.col_value = x.tolist()
    solution.value_valid = True
    return solution


register_solver(ExactSolver.name, ExactSolver)
