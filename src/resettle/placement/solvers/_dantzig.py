"""A tier solved over fillings: Dantzig–Wolfe bound by column generation, then a proof.

The pair model's LP is weak when localities hold two or three persons and families are of one
to eight: it places fractions of families. Reformulated over *fillings* (:mod:`._fillings`),
each locality picks one whole set of cases that fits, and the LP over fillings keeps only what
the pair LP and the capacities together cannot express — its bound is close to the optimum.

For one tier with coefficients c, rows L <= Gx <= U linking the localities (each class at most
its size, group floors, the earlier tiers held) and the knapsacks of the localities:

1. column generation: the restricted master LP (HiGHS, under the caller's deadline) gives
   duals y; each locality's best filling under profits ``c - G^T y`` is found exactly, so
   ``D(y) = sum_r max(y_r U_r, y_r L_r) + sum_l best_l`` is a valid upper bound at *every*
   round (Lagrangian duality), not only at convergence. Rounds stop when no filling improves
   the master, when ``D`` proves the incumbent, or at the deadline;
2. incumbent: a MIP over the generated fillings (HiGHS, a share of the time left); if it
   reaches ``D`` within the tolerance, the tier is proven;
3. proof: any solution worth more than the incumbent z uses, in each locality, a filling whose
   profit is within ``D - z`` of that locality's best (the chosen fillings' profits sum to at
   least ``z - sum_r max(y_r U_r, y_r L_r)``, each at most its locality's best). Every such
   filling is enumerated and a MIP over them finds the best — the tier's optimum, proven. If
   there are too many (or time runs out), ``D`` and the incumbent are returned unproven.

Person-count tiers are searched with a tie-break (:meth:`FillingsModel.search_objective`):
counting persons alone, thousands of fillings tie and column generation crawls.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.problem import PlacementProblem
from resettle.placement.solvers._fillings import Filling, Knapsacks
from resettle.placement.solvers._highs import (
    build_highs,
    deadline_share,
    floor_rows,
    lock_bounds,
    run_guarded,
    time_left,
)
from resettle.placement.solvers._tiers import INTEGRAL, TierOutcome, _set_gap

TINY_CASES = 3.0  # mean locality capacity, in mean case sizes, up to which fillings are used
GRID_LIMIT = 4096  # largest capacity grid (product over dimensions) a knapsack may walk
ENUMERATION_CAP = 200_000  # fillings the proof MIP may hold
MAX_ROUNDS = 500
POOL_SHARE = 0.4  # of the time left: the MIP over the generated fillings (an incumbent)
TIEBREAK = 0.25  # most the tie-break can add to a person-count tier
STALL = 8  # rounds without the bound and the master closing in (1e-4 relative) end it
SMOOTHING = 0.7  # weight of the best bound's duals in the smoothed duals


def tiny_capacities(problem: PlacementProblem, mult: NDArray[np.int64]) -> bool:
    """A locality takes a few cases on average: the pair LP splits families there. Cheap,
    so that large instances skip building the fillings model."""
    open_ = problem.capacity[:, 0] > 0
    if not open_.any():
        return False
    mean_size = float((problem.sizes * mult).sum()) / max(float(mult.sum()), 1.0)
    return float(problem.capacity[open_, 0].mean()) <= TINY_CASES * mean_size


class FillingsModel:
    """Linking rows over the pairs, the localities' knapsacks and a pool of fillings."""

    def __init__(self, problem: PlacementProblem, mult: NDArray[np.int64], seed: int) -> None:
        self.problem, self.seed, self.mult = problem, seed, mult
        lower, upper = lock_bounds(problem)
        self.lower, self.upper = lower, upper * mult[problem.pair_case]
        self.sacks = Knapsacks(problem, self.lower, self.upper)
        k = problem.n_pairs
        rows = [sparse.csr_matrix((np.ones(k), (problem.pair_case, np.arange(k))),
                                  shape=(problem.n_cases, k))]
        lo, hi = [np.full(problem.n_cases, -np.inf)], [mult.astype(np.float64)]
        for coef, rhs, _ in floor_rows(problem, mult):
            rows.append(sparse.csr_matrix(coef))
            lo.append(np.array([rhs]))
            hi.append(np.array([np.inf]))
        self.link = sparse.vstack(rows).tocsr()
        self.link_lower, self.link_upper = np.concatenate(lo), np.concatenate(hi)
        self.pool: list[Filling] = []

    def applicable(self) -> bool:
        """Fillings pay where capacities are tiny (see :func:`tiny_capacities`) and every
        knapsack's grid is small."""
        return (tiny_capacities(self.problem, self.mult) and self.sacks.feasible
                and self.sacks.grid_size() <= GRID_LIMIT)

    def hold_tier(self, coef: NDArray[np.float64], value: float) -> None:
        """Later tiers keep this one at ``value``; a zero tier adds no row (as the pair
        model's, so that the two models' linking rows line up for the start duals)."""
        if not coef.any():
            return
        self.link = sparse.vstack([self.link, sparse.csr_matrix(coef)]).tocsr()
        self.link_lower = np.append(self.link_lower, value - 1e-6)
        self.link_upper = np.append(self.link_upper, np.inf)

    def search_objective(self, coef: NDArray[np.float64], tiebreak: NDArray[np.float64],
                         rel_gap: float | None) -> NDArray[np.float64]:
        """What a person-count tier maximises here: its coefficients plus a small multiple of
        ``tiebreak`` (the outcome), at most ``TIEBREAK`` in all, so the best of the sum is
        a best of the tier. Counting persons alone, thousands of fillings tie: column
        generation crawls and the pool rarely holds an optimal combination."""
        if rel_gap is not None:
            return coef
        worth = np.zeros(self.problem.n_cases)
        np.maximum.at(worth, self.problem.pair_case, np.maximum(tiebreak, 0.0))
        total = float(worth @ self.mult)
        return coef + (TIEBREAK / total) * np.maximum(tiebreak, 0.0) if total > 0 else coef

    def solve(self, coef: NDArray[np.float64], search: NDArray[np.float64],
              incumbent: NDArray[np.float64], *, deadline: float | None,
              rel_gap: float | None, start: NDArray[np.float64] | None = None) -> TierOutcome:
        """The tier's optimum over fillings, proven if time allows; ``incumbent`` must be a
        feasible solution (class-pair counts) of the rows held so far; ``search``: see
        :meth:`search_objective`. ``start``: duals of the linking rows to start from (the
        pair LP's for ``search``: their bound is at most the pair LP's)."""
        tier = _Tier(self, coef, search, rel_gap)
        z_inc = float(coef @ incumbent)
        self.pool.extend(self.fillings_of(incumbent))
        bound = tier.generate(z_inc, deadline, start)
        if bound.value <= z_inc + tier.tolerance(bound.value):
            return TierOutcome(incumbent, tier.rounded(max(bound.value, z_inc)), True)
        return tier.prove(incumbent, bound, deadline)

    def bound(self, coef: NDArray[np.float64], *, deadline: float | None = None) -> float:
        """An upper bound over fillings of ``coef`` under the rows held so far: column
        generation from zero duals; the LP over fillings's optimum when it converges."""
        tier = _Tier(self, coef, coef, 1e-9)
        return tier.generate(-np.inf, deadline, None, stall=MAX_ROUNDS).value

    def fillings_of(self, x: NDArray[np.float64]) -> list[Filling]:
        """The fillings a solution (class-pair counts) uses beyond the fixed pairs."""
        extra = np.round(x - self.lower).astype(np.int64)
        pairs = np.flatnonzero(extra > 0)
        locs = self.problem.pair_locality[pairs]
        return [Filling(int(loc), pairs[locs == loc], extra[pairs[locs == loc]])
                for loc in np.unique(locs).tolist()]

    def solution_of(self, fillings: list[Filling], chosen: NDArray[np.float64]
                    ) -> NDArray[np.float64]:
        x = self.lower.copy()
        for f, take in zip(fillings, chosen.tolist(), strict=True):
            if take > 0.5:
                x[f.pairs] += f.counts
        return x


class _Bound:
    """A Lagrangian bound and the pair profits and per-locality bests it came from."""

    def __init__(self, value: float, y: NDArray[np.float64], profit: NDArray[np.float64],
                 best: NDArray[np.float64], fillings: list[Filling]) -> None:
        self.value, self.y, self.profit, self.best = value, y, profit, best
        self.fillings = fillings  # the best filling of each locality that beats the empty one


class _Tier:
    """Column generation and proof for one tier's coefficients."""

    def __init__(self, model: FillingsModel, coef: NDArray[np.float64],
                 search: NDArray[np.float64], rel_gap: float | None) -> None:
        self.model, self.coef, self.rel_gap = model, search, rel_gap
        self.true_coef = coef  # ``coef`` is what is searched: the tier plus its tie-break
        fixed = model.link @ model.lower
        self.row_lower = model.link_lower - fixed
        self.row_upper = model.link_upper - fixed
        self.constant = float(search @ model.lower)
        self.n_link = model.link.shape[0]

    def tolerance(self, bound: float) -> float:
        """How far below the bound the incumbent may be and still count as optimal."""
        if self.rel_gap is None:  # person counts: less than one person
            return 1.0 - INTEGRAL
        return 0.5 * self.rel_gap * max(1.0, abs(bound))

    def rounded(self, bound: float) -> float:
        return float(np.floor(bound + INTEGRAL)) if self.rel_gap is None else bound

    def columns(self, fillings: list[Filling]) -> sparse.csc_matrix:
        """Master columns: linking rows, then one convexity row per locality."""
        counts = self.model.sacks.matrix(fillings)
        locs = np.array([f.locality for f in fillings], dtype=np.int64)
        convexity = sparse.csr_matrix((np.ones(len(fillings)), (locs, np.arange(len(fillings)))),
                                      shape=(self.model.problem.n_localities, len(fillings)))
        return sparse.vstack([self.model.link @ counts, convexity]).tocsc()

    def costs(self, fillings: list[Filling]) -> NDArray[np.float64]:
        return np.asarray(self.model.sacks.matrix(fillings).T @ self.coef).reshape(-1)

    def row_bounds(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        m = self.model.problem.n_localities
        return (np.concatenate([self.row_lower, np.full(m, -np.inf)]),
                np.concatenate([self.row_upper, np.ones(m)]))

    def lagrangian(self, link_dual: NDArray[np.float64]) -> _Bound:
        """D(y) for duals of the linking rows, their signs made valid."""
        y = link_dual.copy()
        y[(y > 0) & ~np.isfinite(self.row_upper)] = 0.0
        y[(y < 0) & ~np.isfinite(self.row_lower)] = 0.0
        rows = np.where(y > 0, y * np.where(np.isfinite(self.row_upper), self.row_upper, 0.0),
                        y * np.where(np.isfinite(self.row_lower), self.row_lower, 0.0))
        profit = self.coef - np.asarray(self.model.link.T @ y).reshape(-1)
        best, fillings = self.model.sacks.best(profit)
        return _Bound(self.constant + float(rows.sum()) + float(best.sum()), y, profit, best,
                      fillings)

    def generate(self, z_inc: float, deadline: float | None,
                 start: NDArray[np.float64] | None, stall: int = STALL) -> _Bound:
        """Column generation with Wentges smoothing: price at a mix of the best bound's duals
        and the master's (the master's alone oscillate on this degenerate LP). Returns the
        smallest Lagrangian bound seen."""
        pool = self.model.pool
        master = build_highs(self.columns(pool), self.costs(pool),
                             (np.zeros(len(pool)), np.full(len(pool), np.inf)),
                             self.row_bounds(), integer=False, seed=self.model.seed)
        # any duals of valid sign give a bound: the start's, or zero (capacities alone)
        center = self.lagrangian(np.zeros(self.n_link) if start is None else start)
        self._add(master, center.fillings)
        stalled, closest = 0, np.inf
        for _ in range(MAX_ROUNDS):
            if (deadline is not None and time.perf_counter() >= deadline) or stalled >= stall:
                break
            if not run_guarded(master, time_left(deadline), 0, presolve=False) or \
                    master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            duals = np.asarray(master.getSolution().row_dual)
            lp_value = float(master.getInfo().objective_function_value) + self.constant
            new, center = self._price(duals, center)
            # progress: the bound falls or the master rises (its pool nears an LP optimum)
            gap = center.value - lp_value
            stalled = 0 if gap < closest - 1e-4 * max(1.0, abs(center.value)) else stalled + 1
            closest = min(closest, gap)
            if not new or center.value <= z_inc + self.tolerance(center.value) \
                    or center.value - lp_value <= 1e-9 * max(1.0, abs(lp_value)):
                break
            self._add(master, new)
        return center

    def _price(self, duals: NDArray[np.float64], center: _Bound
               ) -> tuple[list[Filling], _Bound]:
        """Fillings that improve the master, found at the smoothed duals, else at the
        master's own; and the best bound so far."""
        own = duals[: self.n_link]
        tries = [SMOOTHING * center.y + (1 - SMOOTHING) * own, own]
        new: list[Filling] = []
        for y in tries:
            bound = self.lagrangian(y)
            if bound.value < center.value:
                center = bound
            new = self._improving(bound.fillings, duals)
            if new:
                break
        return new, center

    def _improving(self, fillings: list[Filling], duals: NDArray[np.float64]
                   ) -> list[Filling]:
        """The fillings with a positive reduced cost in the master."""
        if not fillings:
            return []
        reduced = self.costs(fillings) - self.columns(fillings).T @ duals
        return [f for f, rc in zip(fillings, reduced.tolist(), strict=True) if rc > 1e-9]

    def _add(self, master: highspy.Highs, new: list[Filling]) -> None:
        if not new:
            return
        cols = self.columns(new)
        master.addCols(len(new), self.costs(new), np.zeros(len(new)),
                       np.full(len(new), np.inf), cols.nnz, cols.indptr[:-1].astype(np.int32),
                       cols.indices.astype(np.int32), cols.data)
        self.model.pool.extend(new)

    def prove(self, incumbent: NDArray[np.float64], bound: _Bound,
              deadline: float | None) -> TierOutcome:
        """The best solution over the generated fillings (a MIP over the pool); if the bound
        does not prove it, every filling an improving solution may use is enumerated and the
        MIP over those finds the tier's optimum."""
        pool = self.model.pool
        best = self._best_of(pool, incumbent, deadline_share(deadline, POOL_SHARE))[0]
        z = float(self.true_coef @ best)
        need = z + self.tolerance(bound.value)  # what a better solution must reach
        if bound.value <= need:
            return TierOutcome(best, self.rounded(max(bound.value, z)), True)
        fillings = self.model.sacks.enumerate(bound.profit, bound.best - (bound.value - need),
                                              ENUMERATION_CAP, deadline=deadline)
        if fillings is None:
            return TierOutcome(best, self.rounded(bound.value), False)
        best, mip_bound, proven = self._best_of(fillings, best, deadline)
        if not proven:
            return TierOutcome(best, self.rounded(bound.value), False)
        # a solution outside the enumeration is worth less than ``need``
        outside = z if self.rel_gap is None else need
        value = self.rounded(max(min(bound.value, max(outside, mip_bound)), z))
        # person counts: the MIP's gap leaves the bound below z + 1; the outcome: within gap
        return TierOutcome(best, value, self.rel_gap is not None or value <= z)

    def _best_of(self, fillings: list[Filling], incumbent: NDArray[np.float64],
                 deadline: float | None) -> tuple[NDArray[np.float64], float, bool]:
        """The MIP over ``fillings`` and the incumbent's: best solution, bound, proven."""
        start = self.model.fillings_of(incumbent)
        every = fillings + start
        chosen, mip_bound, proven = self._mip(every, start, deadline)
        best = incumbent
        if chosen is not None:
            x = self.model.solution_of(every, chosen)
            best = x if self.coef @ x > self.coef @ incumbent else incumbent
        return best, mip_bound, proven

    def _mip(self, fillings: list[Filling], start: list[Filling], deadline: float | None
             ) -> tuple[NDArray[np.float64] | None, float, bool]:
        """Binary choice of fillings over the linking and convexity rows."""
        n = len(fillings)
        mip = build_highs(self.columns(fillings), self.costs(fillings),
                          (np.zeros(n), np.ones(n)), self.row_bounds(), integer=True,
                          seed=self.model.seed)
        _set_gap(mip, self.rel_gap)
        if self.rel_gap is None:  # the tie-break adds < TIEBREAK: bound < persons + 1
            mip.setOptionValue("mip_abs_gap", 1.0 - 2 * TIEBREAK)
        warm = np.zeros(n)
        warm[n - len(start):] = 1.0  # the incumbent's fillings were appended last
        solution = highspy.HighsSolution()
        solution.col_value = warm.tolist()
        solution.value_valid = True
        mip.setSolution(solution)
        finished = run_guarded(mip, time_left(deadline), 0)
        status = mip.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, -np.inf, finished
        info = mip.getInfo()
        feasible = info.primal_solution_status == highspy.kSolutionStatusFeasible
        chosen = np.round(np.asarray(mip.getSolution().col_value)) if feasible else None
        proven = finished and status == highspy.HighsModelStatus.kOptimal
        return chosen, float(info.mip_dual_bound) + self.constant, proven


