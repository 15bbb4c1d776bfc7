"""One lexicographic tier, solved exactly: LP, LP-guided incumbent, reduced-cost fixing, MIP.

For a tier with coefficients c (the earlier tiers already held by rows):

1. solve the LP relaxation (simplex: an optimal basis and its reduced costs d);
   an integral LP optimum is the tier's optimum, done;
2. incumbent: fix every class the LP places integrally, solve the small MIP over the
   fractional ones (and keep the better of it and the previous incumbent);
3. reduced-cost fixing: a column at a bound in the LP optimum with ``|d_j| > z_lp - z_inc``
   (``- 1`` more for person-count tiers, whose values are integers) cannot move in any
   solution better than the incumbent, so it is fixed at that bound. This is exact;
4. the MIP over the remaining columns, started from the incumbent. The tier's optimum is the
   better of the incumbent and that MIP's; its bound the larger of the two bounds.

On Camp Ashraf-shaped caseloads step 3 fixes most columns, turning a MIP where HiGHS spends
seconds in cut separation into one it closes at the root.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.problem import PlacementProblem
from resettle.placement.solvers._highs import (
    Rows,
    SolverStuckError,
    build_highs,
    deadline_share,
    lock_bounds,
    new_model,
    run_guarded,
    time_left,
)

INTEGRAL = 1e-6


@dataclass
class TierOutcome:
    solution: NDArray[np.float64] | None
    bound: float | None
    proven: bool
    infeasible: bool = False


class TierModel:
    """The LP and MIP models of one problem, sharing rows; tiers are added one by one."""

    def __init__(self, problem: PlacementProblem, rows: Rows, mult: NDArray[np.int64],
                 seed: int) -> None:
        self.problem = problem
        self.mult = mult
        self.seed = seed
        self.lp = new_model(problem, rows, integer=False, seed=seed, multiplicity=mult)
        self.matrix = rows.matrix.tocsc()
        self.row_lower, self.row_upper = rows.lower.copy(), rows.upper.copy()
        lower, upper = lock_bounds(problem)
        self.lower, self.upper = lower, upper * mult[problem.pair_case]
        self.columns = np.arange(problem.n_pairs, dtype=np.int32)
        self.last_fixed = 0
        first = rows.first_capacity_row
        self.capacity_rows = np.arange(first, first + len(rows.capacity_rows))

    def hold_tier(self, coef: NDArray[np.float64], value: float) -> None:
        """Later tiers must keep this tier at ``value`` (minus a tolerance)."""
        nz = np.flatnonzero(coef).astype(np.int32)
        if len(nz):
            self.lp.addRow(value - 1e-6, highspy.kHighsInf, len(nz), nz, coef[nz])
            self.matrix = sparse.vstack([self.matrix, sparse.csr_matrix(coef)]).tocsc()
            self.row_lower = np.append(self.row_lower, value - 1e-6)
            self.row_upper = np.append(self.row_upper, np.inf)

    def lp_duals(self, coef: NDArray[np.float64], deadline: float | None
                 ) -> NDArray[np.float64] | None:
        """The row duals of the tier's pair LP but its capacity rows (None if it did not
        finish): the duals of the rows linking the localities, to start fillings from."""
        self.lp.changeColsCost(len(self.columns), self.columns, coef)
        ok = run_guarded(self.lp, time_left(deadline), self.problem.n_pairs)
        if not ok or self.lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.delete(np.asarray(self.lp.getSolution().row_dual), self.capacity_rows)

    def solve(self, coef: NDArray[np.float64], incumbent: NDArray[np.float64] | None, *,
              deadline: float | None, rel_gap: float | None) -> TierOutcome:
        self.lp.changeColsCost(len(self.columns), self.columns, coef)
        ok = run_guarded(self.lp, time_left(deadline), self.problem.n_pairs)
        if not ok or self.lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # infeasible (the MIP says so too, with its status) or the LP did not finish
            return self._plain_mip(coef, incumbent, deadline=deadline, rel_gap=rel_gap)
        solution = self.lp.getSolution()
        x = np.asarray(solution.col_value)
        z_true = float(coef @ x)  # reduced-cost fixing must use the unrounded LP value
        z_lp = float(np.floor(z_true + INTEGRAL)) if rel_gap is None else z_true
        if np.all(np.abs(x - np.round(x)) <= INTEGRAL):
            return TierOutcome(np.round(x), z_lp, True)
        duals = np.asarray(solution.col_dual)
        near = 0.5 if rel_gap is None else 1e-4 * max(abs(z_true), 1.0)
        incumbent = _better(coef, incumbent, self._safe_round(coef, x, deadline))
        if incumbent is not None and coef @ incumbent >= z_lp - _tolerance(z_lp, rel_gap):
            return TierOutcome(incumbent, z_lp, True)
        # Columns whose reduced cost exceeds ``near`` are fixed at their LP bound: a solution
        # moving one is worth less than z_true - near. If the MIP on the rest reaches at
        # least that value, it is optimal for the whole tier: one MIP finds and proves it.
        try:
            local = self._plain_mip(coef, incumbent, deadline=deadline_share(deadline, 0.5),
                                    rel_gap=rel_gap,
                                    bounds=self._fix_by_reduced_cost(x, duals, near))
        except SolverStuckError:
            local = TierOutcome(None, None, False)
        if (local.proven and local.solution is not None
                and coef @ local.solution >= z_true - near - INTEGRAL):
            bound = z_lp if local.bound is None else min(max(local.bound, z_true - near), z_lp)
            if rel_gap is None:
                bound = float(np.floor(bound + INTEGRAL))
            return TierOutcome(local.solution, bound, True)
        incumbent = _better(coef, incumbent, local.solution)
        if incumbent is None:
            return self._plain_mip(coef, None, deadline=deadline, rel_gap=rel_gap)
        return self._close_gap(coef, incumbent, x, duals, z_true=z_true, z_lp=z_lp,
                               deadline=deadline, rel_gap=rel_gap)

    def _close_gap(self, coef: NDArray[np.float64], incumbent: NDArray[np.float64],
                   x: NDArray[np.float64], duals: NDArray[np.float64], *, z_true: float,
                   z_lp: float, deadline: float | None, rel_gap: float | None) -> TierOutcome:
        """Reduced-cost fixing against the incumbent, then the MIP on what is left."""
        z_inc = float(coef @ incumbent)
        slack = z_true - z_inc - (1.0 - INTEGRAL if rel_gap is None else 0.0)
        fixed = self._fix_by_reduced_cost(x, duals, slack)
        self.last_fixed = int((fixed[0] == fixed[1]).sum())
        try:
            outcome = self._plain_mip(coef, incumbent, deadline=deadline, rel_gap=rel_gap,
                                      bounds=fixed)
        except SolverStuckError:  # the LP bound still holds
            return TierOutcome(incumbent, z_lp, False)
        if outcome.infeasible:  # nothing satisfies the fixings: nothing beats the incumbent
            return TierOutcome(incumbent, z_inc, True)
        bound = z_lp  # always valid; the MIP's bound only if it is a real one
        if outcome.bound is not None and outcome.bound >= z_inc - 1e-6:
            bound = max(min(outcome.bound, z_lp), z_inc)
        return TierOutcome(_better(coef, incumbent, outcome.solution), bound, outcome.proven)

    def _safe_round(self, coef: NDArray[np.float64], x: NDArray[np.float64],
                    deadline: float | None) -> NDArray[np.float64] | None:
        try:
            return self._round_lp(coef, x, deadline)
        except SolverStuckError:
            return None

    def _round_lp(self, coef: NDArray[np.float64], x: NDArray[np.float64],
                  deadline: float | None) -> NDArray[np.float64] | None:
        """Keep the LP's integral classes, solve the small MIP over the fractional ones."""
        frac_pairs = np.abs(x - np.round(x)) > INTEGRAL
        free = np.isin(self.problem.pair_case, np.unique(self.problem.pair_case[frac_pairs]))
        kept = np.floor(x + INTEGRAL)
        lower = np.where(free, self.lower, np.maximum(kept, self.lower))
        upper = np.where(free, self.upper, np.minimum(kept, self.upper))
        return self._plain_mip(coef, None, deadline=deadline_share(deadline, 0.25), rel_gap=1e-4,
                               bounds=(lower, upper), heuristic=True).solution

    def _fix_by_reduced_cost(
        self, x: NDArray[np.float64], d: NDArray[np.float64], slack: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        at_lower = (np.abs(x - self.lower) <= INTEGRAL) & (-d > slack + INTEGRAL)
        at_upper = (np.abs(x - self.upper) <= INTEGRAL) & (d > slack + INTEGRAL)
        lower = np.where(at_upper, self.upper, self.lower)
        upper = np.where(at_lower, self.lower, self.upper)
        return lower, upper

    def _plain_mip(
        self,
        coef: NDArray[np.float64],
        incumbent: NDArray[np.float64] | None,
        *,
        deadline: float | None,
        rel_gap: float | None,
        bounds: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
        heuristic: bool = False,
    ) -> TierOutcome:
        """The MIP over the columns ``bounds`` leave free, built as its own small model.

        Time-boxed heuristic MIPs run without presolve, the one phase where HiGHS does not
        watch its time limit; the proof MIP keeps presolve and the watchdog.
        """
        lower, upper = bounds if bounds is not None else (self.lower, self.upper)
        free = np.flatnonzero(lower < upper)
        fixed_part = self.matrix @ np.where(lower < upper, 0.0, lower)
        sub = self.matrix[:, free]
        used = np.flatnonzero(np.diff(sub.tocsr().indptr) > 0)
        rows_lower = (self.row_lower - fixed_part)[used]
        rows_upper = (self.row_upper - fixed_part)[used]
        if ((self.row_upper - fixed_part) < -1e-6).any() or _unmet(self, fixed_part, used):
            return TierOutcome(None, None, True, infeasible=True)
        mip = build_highs(sub[used, :].tocsc(), coef[free], (lower[free], upper[free]),
                          (rows_lower, rows_upper), integer=True, seed=self.seed)
        _set_gap(mip, rel_gap)
        if incumbent is not None and _fits(incumbent, lower, upper):
            mip.setSolution(_as_solution(incumbent[free]))
        finished = run_guarded(mip, time_left(deadline), len(free),
                               presolve=not (heuristic and deadline is not None))
        outcome = _read_mip(mip, coef[free], finished=finished, integer_tier=rel_gap is None)
        offset = float(coef @ np.where(lower < upper, 0.0, lower))
        if outcome.solution is not None:
            full = np.where(lower < upper, 0.0, lower)
            full[free] = outcome.solution
            outcome.solution = full
        if outcome.bound is not None:
            outcome.bound = float(outcome.bound + offset)
            if rel_gap is None:
                outcome.bound = float(np.floor(outcome.bound + INTEGRAL))
        return outcome


def _unmet(model: TierModel, fixed_part: NDArray[np.float64], used: NDArray[np.int64]) -> bool:
    """A row with no free column whose fixed activity misses its lower bound."""
    unused = np.ones(len(model.row_lower), dtype=bool)
    unused[used] = False
    return bool(((model.row_lower - fixed_part)[unused] > 1e-6).any())


def _fits(x: NDArray[np.float64], lower: NDArray[np.float64],
          upper: NDArray[np.float64]) -> bool:
    return bool(np.all(x >= lower - INTEGRAL) and np.all(x <= upper + INTEGRAL))


def _read_mip(highs: highspy.Highs, coef: NDArray[np.float64], *, finished: bool,
              integer_tier: bool) -> TierOutcome:
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return TierOutcome(None, None, True, infeasible=True)
    info = highs.getInfo()
    feasible = info.primal_solution_status == highspy.kSolutionStatusFeasible
    solution = np.round(np.asarray(highs.getSolution().col_value)) if feasible else None
    achieved = float(coef @ solution) if solution is not None else -np.inf
    bound: float | None = float(info.mip_dual_bound)
    if bound is None or not np.isfinite(bound) or bound < achieved - 1e-6:
        bound = None  # HiGHS stopped before it had a dual bound (e.g. in presolve)
    elif integer_tier:
        bound = float(np.floor(bound + INTEGRAL))
    proven = finished and status == highspy.HighsModelStatus.kOptimal
    return TierOutcome(solution, bound, proven)


def _set_gap(highs: highspy.Highs, rel_gap: float | None) -> None:
    if rel_gap is None:  # person-count tier: prove to within less than one person
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.setOptionValue("mip_abs_gap", 1.0 - INTEGRAL)
    else:
        highs.setOptionValue("mip_rel_gap", float(rel_gap))
        highs.setOptionValue("mip_abs_gap", 1e-9)


def _tolerance(value: float, rel_gap: float | None) -> float:
    return INTEGRAL if rel_gap is None else rel_gap * max(abs(value), 1e-9)


def _better(coef: NDArray[np.float64], a: NDArray[np.float64] | None,
            b: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
    if a is None or b is None:
        return a if b is None else b
    return a if coef @ a >= coef @ b else b


def _as_solution(x: NDArray[np.float64]) -> highspy.HighsSolution:
    solution = highspy.HighsSolution()
    solution.col_value = x.tolist()
    solution.value_valid = True
    return solution
