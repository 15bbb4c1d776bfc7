"""Exact solver: a MIP over the allowed pairs on HiGHS, tier after tier, proven optimal.

Variables: one per allowed pair; interchangeable cases are merged first (see ``_aggregate``),
so a variable counts how many cases of a class go to a locality. Rows: each class at most its
size; per locality and dimension, used <= capacity (only rows that can bind); group floors.
Locks fix columns. The lexicographic objective (:mod:`resettle.placement.objective`) is
optimised preemptively: maximise tier 1, hold ``tier1 >= best`` as a row, maximise tier 2, and
so on; each tier is solved by LP, an LP-guided incumbent, reduced-cost fixing and HiGHS's MIP
on what is left (see ``_tiers``). Person-count tiers are integers and are proven to within
less than one person; the outcome tier to the requested relative ``gap`` (default 1e-6).
A tier whose trivial upper bound (every case at its best pair) is already met is skipped.

Where capacities are tiny (a locality takes a few cases: a tight weekly batch), the pair LP
splits families and its bound is weak; there each tier is first solved over *fillings* (what
one locality can take whole: a Dantzig–Wolfe bound by column generation, see ``_dantzig``),
and the pair model only continues a tier the fillings could not prove in time.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import find_floor_conflicts, find_lock_conflicts
from resettle.placement.objective import fairness_shortfalls, report_result, tier_coefficients
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus
from resettle.placement.solvers._aggregate import (
    Aggregated,
    aggregate_assignment,
    aggregate_cases,
    disaggregate,
)
from resettle.placement.solvers._dantzig import FillingsModel, tiny_capacities
from resettle.placement.solvers._highs import SolverStuckError, build_rows
from resettle.placement.solvers._tiers import TierModel, TierOutcome
from resettle.placement.solvers.base import register_solver
from resettle.placement.solvers.greedy import GreedySolver

DEFAULT_GAP = 1e-6


class ExactSolver:
    name = "exact"
    _fillings: FillingsModel | None = None  # per solve: the fillings model, if it applies

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
        agg = aggregate_cases(problem)
        model = TierModel(agg.problem, build_rows(agg.problem, multiplicity=agg.multiplicity),
                          agg.multiplicity, seed)
        self._fillings = _fillings_model(agg, seed)
        incumbent = _greedy_start(problem, agg, seed)
        tiers = tier_coefficients(agg.problem)
        self._outcome = tiers[-1]  # the tie-break of the person-count tiers over fillings
        bounds: list[float | None] = []
        proven_all = True
        for level, coef in enumerate(tiers):
            last = level == len(tiers) - 1
            try:
                outcome = self._solve_tier(model, coef, incumbent, deadline=deadline,
                                           rel_gap=(DEFAULT_GAP if gap is None else gap)
                                           if last else None)
            except SolverStuckError:  # keep the incumbent, prove nothing more
                outcome = TierOutcome(None, None, False)
            if outcome.solution is None and incumbent is None:
                if outcome.infeasible:
                    return self._infeasible(problem, seed, started, [
                        "the group floors and locks cannot all be met within capacity"])
                return self._timed_out(problem, seed, started)
            incumbent = outcome.solution if outcome.solution is not None else incumbent
            assert incumbent is not None
            bounds.append(outcome.bound)
            proven_all &= outcome.proven
            if not outcome.proven or last:
                break
            for held in (model, self._fillings):
                if held is not None:
                    held.hold_tier(coef, float(coef @ incumbent))
        bounds.extend([None] * (len(tiers) - len(bounds)))
        assignment = None if incumbent is None else disaggregate(agg, incumbent)
        return self._report(problem, assignment, bounds=bounds, proven=proven_all, seed=seed,
                            started=started)

    def _solve_tier(self, model: TierModel, coef: NDArray[np.float64],
                    incumbent: NDArray[np.float64] | None, *, deadline: float | None,
                    rel_gap: float | None) -> TierOutcome:
        trivial = _trivial_bound(model.problem, coef, model.mult)
        if incumbent is not None and coef @ incumbent >= trivial - 1e-9:
            return TierOutcome(incumbent, trivial, True)
        bounds = [trivial]
        if self._fillings is not None and incumbent is not None:
            outcome = self._by_fillings(model, coef, incumbent, deadline=deadline,
                                        rel_gap=rel_gap)
            if outcome.bound is not None:
                bounds.append(outcome.bound)
            if outcome.proven:
                outcome.bound = min(bounds)
                return outcome
            incumbent = outcome.solution
        outcome = model.solve(coef, incumbent, deadline=deadline, rel_gap=rel_gap)
        if outcome.bound is not None:
            outcome.bound = min([outcome.bound, *bounds])
        return outcome

    def _by_fillings(self, model: TierModel, coef: NDArray[np.float64],
                     incumbent: NDArray[np.float64], *, deadline: float | None,
                     rel_gap: float | None) -> TierOutcome:
        """The tier over fillings (tiny capacities), started from the pair LP's duals."""
        assert self._fillings is not None
        search = self._fillings.search_objective(coef, self._outcome, rel_gap)
        start = model.lp_duals(search, deadline)
        return self._fillings.solve(coef, search, incumbent, deadline=deadline,
                                    rel_gap=rel_gap, start=start)

    def _report(
        self,
        problem: PlacementProblem,
        assignment: NDArray[np.int64] | None,
        *,
        bounds: list[float | None],
        proven: bool,
        seed: int,
        started: float,
    ) -> PlacementResult:
        status = SolveStatus.TIME_LIMIT if not proven else SolveStatus.OPTIMAL
        stats = {} if self._fillings is None else {"fillings": float(len(self._fillings.pool))}
        result = report_result(
            problem, assignment, status=status, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started, tier_bounds=tuple(bounds), stats=stats,
        )
        # same yardstick as HiGHS: the gap relative to max(1, |bound|)
        if (proven and result.bound is not None
                and result.bound - result.objective > DEFAULT_GAP * max(1.0, abs(result.bound))):
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


def _fillings_model(agg: Aggregated, seed: int) -> FillingsModel | None:
    """The fillings model where localities are tiny (built only then: it is per pair)."""
    if not tiny_capacities(agg.problem, agg.multiplicity):
        return None
    fillings = FillingsModel(agg.problem, agg.multiplicity, seed)
    return fillings if fillings.applicable() else None


def _greedy_start(
    problem: PlacementProblem, agg: Aggregated, seed: int
) -> NDArray[np.float64] | None:
    """The greedy placement as a MIP start (class counts), if it meets the group floors."""
    result = GreedySolver().solve(problem, seed=seed)
    if not result.status.has_solution or fairness_shortfalls(problem, result.assignment):
        return None
    return aggregate_assignment(agg, result.assignment)


def _trivial_bound(
    problem: PlacementProblem, coef: NDArray[np.float64], mult: NDArray[np.int64]
) -> float:
    """Every case at its best pair (or nowhere if all are negative), capacity ignored."""
    if problem.n_pairs == 0:
        return 0.0
    best = np.full(problem.n_cases, -np.inf)
    np.maximum.at(best, problem.pair_case, coef)
    free = np.maximum(best, 0.0)
    for case, loc in problem.locks.items():
        at = problem.pair_index(case, loc)
        free[case] = coef[at] if at >= 0 else 0.0
    return float((free * mult).sum())


register_solver(ExactSolver.name, ExactSolver)
