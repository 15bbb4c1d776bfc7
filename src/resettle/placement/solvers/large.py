"""Large solver: LP relaxation by column generation, rounding with a repair MIP, a proven bound.

For instances too big for the exact MIP (tens of thousands of cases, millions of allowed
pairs, several capacity dimensions). The lexicographic tiers are folded into one weighted
objective (each tier's weight per person dominates everything below it), because then the
whole problem is one LP whose prices give a bound in a single pass over the pairs:

1. LP relaxation by column generation (:mod:`resettle.placement.lagrange`);
2. fix the cases the LP places whole; re-place the split ones and a neighbourhood of whole
   ones by a small MIP; offer the leftovers every pair that still fits
   (:mod:`resettle.placement.rounding`);
3. bounds: on small instances the LP of every tier given the tiers above at their achieved
   values (the same quantity the common test suite checks); on large ones the Lagrangian bound
   at the LP's prices with the tier weights as multipliers (valid for any prices; equal to the
   LP bound when the LP was solved to completion).

The reported gap is therefore real: ``(bound - outcome) / bound`` with a bound no placement can
beat. See docs/placement-large.md.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import lock_conflict_result
from resettle.placement.lagrange import (
    Arrays,
    ColumnGeneration,
    MasterSolution,
    lagrangian_bound,
    solve_flow_relaxation,
)
from resettle.placement.objective import report_result, tier_coefficients
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus
from resettle.placement.rounding import fill_greedily, round_solution
from resettle.placement.solvers._dual_ascent import solve_dual
from resettle.placement.solvers._highs import build_rows, new_model, run_guarded
from resettle.placement.solvers._lagrangian_fill import priced_fill, repair_by_regions
from resettle.placement.solvers.base import register_solver

DEFAULT_TIME_LIMIT = 600.0
DEFAULT_GAP = 0.005
EXACT_BOUNDS_UP_TO_PAIRS = 50_000  # below this, per-tier LP bounds are cheap and exact
PRICES_ABOVE_PAIRS = 50_000  # above this, prices from the smoothed dual instead of the LP
DUAL_SHARE = 0.4  # of the time before rounding must end, for the smoothed dual's prices
FLOW_SHARE = 0.25  # of the time limit, for the priced persons flow (bound + start)
LP_SHARE = 0.6  # of the time limit, for flow and LP together; the rest for the repair
DOMINANCE = 2.0  # tier weight per person over the most a person can add to the tiers below
TAIL_PASSES = 10  # passes over the pairs after the rounding: tier bounds, checker (~5 measured)
TAIL_SHARE = 0.08  # of the time limit, kept for them at least


def tier_weights(
    problem: PlacementProblem, coefs: list[NDArray[np.float64]] | None = None
) -> NDArray[np.float64]:
    """A weight per tier so each person of a tier outweighs everything in the tiers below
    (``coefs``: the problem's tier coefficients, when the caller has them already)."""
    coefs = tier_coefficients(problem) if coefs is None else coefs
    sizes = np.maximum(problem.sizes[problem.pair_case], 1).astype(np.float64)
    outcome = np.abs(coefs[-1]) / sizes
    scale = float(outcome.max()) if len(outcome) else 1.0
    scale = max(scale, 1e-6)
    weights = [1.0]
    below = scale  # the largest value per person of everything below the next tier
    for _ in coefs[:-1]:
        weights.append(DOMINANCE * below)
        below += weights[-1]
    return np.array([*weights[1:][::-1], 1.0])


def build_arrays(
    problem: PlacementProblem, weights: NDArray[np.float64],
    coefs: list[NDArray[np.float64]] | None = None,
) -> Arrays:
    coefs = tier_coefficients(problem) if coefs is None else coefs
    weight = sum((w * c for w, c in zip(weights, coefs, strict=True)), np.zeros(problem.n_pairs))
    locked = np.full(problem.n_cases, -1, dtype=np.int64)
    for case, loc in problem.locks.items():
        locked[case] = problem.pair_index(case, loc)
    return Arrays(
        n_cases=problem.n_cases,
        weight=np.asarray(weight, dtype=np.float64),
        pair_case=problem.pair_case,
        pair_locality=problem.pair_locality,
        pair_needs=problem.pair_needs.astype(np.float64),
        capacity=problem.capacity.astype(np.float64),
        indptr=problem.case_indptr,
        locked_pair=locked,
    )


class LargeSolver:
    name = "large"

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        started = time.perf_counter()
        infeasible = lock_conflict_result(problem, solver=self.name, seed=seed, started=started)
        if infeasible is not None:
            return infeasible
        limit = DEFAULT_TIME_LIMIT if time_limit is None else float(time_limit)
        begun = time.monotonic()
        coefs = tier_coefficients(problem)  # once: ~0.5 s a vector at 10,000,000 pairs
        weights = tier_weights(problem, coefs)
        arrays = build_arrays(problem, weights, coefs)
        tail = _tail_seconds(arrays, limit)
        if problem.n_pairs > PRICES_ABOVE_PAIRS:
            rounding_deadline = begun + min(0.9 * limit, limit - tail)
            dual_deadline = time.monotonic() + DUAL_SHARE * (rounding_deadline - begun)
            relaxation, chosen, stats = _solve_by_prices(arrays, rounding_deadline,
                                                         dual_deadline, seed)
            master_failures = 0
        else:
            relaxation, chosen, stats, master_failures = _solve_by_columns(
                arrays, begun, limit, tail, seed)
        stats["tail_reserved"] = tail
        assignment = np.full(problem.n_cases, -1, dtype=np.int64)
        assignment[chosen >= 0] = problem.pair_locality[chosen[chosen >= 0]]
        achieved = _achieved(problem, chosen)
        if problem.n_pairs <= EXACT_BOUNDS_UP_TO_PAIRS:
            bounds = exact_tier_bounds(problem, achieved, begun + limit)
        else:
            bounds = lagrangian_tier_bounds(problem, weights, relaxation.lam, achieved,
                                            weighted_bound=relaxation.bound,
                                            known=(coefs, arrays))
        stats.update(lp_rounds=float(relaxation.rounds), lp_value=relaxation.lp_value,
                     lp_bound=relaxation.bound, lp_complete=float(relaxation.complete),
                     master_columns=float(len(relaxation.columns)))
        stats["lp_failures"] = float(master_failures)
        stats["person_weight"] = float(weights[-2]) if len(weights) > 1 else 1.0
        result = report_result(
            problem, assignment, status=SolveStatus.FEASIBLE, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started, tier_bounds=tuple(bounds), stats=stats,
        )
        status = _status(result.tiers, bounds, DEFAULT_GAP if gap is None else gap,
                         timed_out=time.monotonic() > begun + limit)
        object.__setattr__(result, "status", status)
        object.__setattr__(result, "capacity_prices", relaxation.lam.copy())
        return result


def _solve_by_columns(
    arrays: Arrays, begun: float, limit: float, tail: float, seed: int
) -> tuple[MasterSolution, NDArray[np.int64], dict[str, float], int]:
    """Small instances: the persons flow, then the LP by column generation, then rounding."""
    flow = solve_flow_relaxation(arrays, begun + FLOW_SHARE * limit)
    master = ColumnGeneration(arrays, use_flow=False)
    master.add_columns(flow.pairs)
    relaxation = master.solve(begun + LP_SHARE * limit, tolerance=1e-9, prices=flow.lam)
    relaxation.bound = min(relaxation.bound, flow.bound)
    if not relaxation.lam.any():  # no master round finished: the flow's prices at least
        relaxation.lam = flow.lam
    master.flow_solution = (flow.pairs, flow.fractions)
    chosen, stats = _best_rounding(arrays, master, relaxation,
                                   begun + min(0.9 * limit, limit - tail), seed)
    stats.update(flow_rounds=float(flow.rounds), flow_bound=flow.bound)
    return relaxation, chosen, stats, len(master.failures)


def _solve_by_prices(
    arrays: Arrays, deadline: float, dual_deadline: float, seed: int
) -> tuple[MasterSolution, NDArray[np.int64], dict[str, float]]:
    """Large instances: prices from the smoothed Lagrangian dual (their exact dual value is
    the bound), a fill guided by them, then MIP repairs one group of localities at a time.
    The plain greedy fill is the floor."""
    started = time.monotonic()
    dual = solve_dual(arrays, dual_deadline)
    reduced = arrays.reduced(dual.lam)
    fill_started = time.monotonic()
    chosen = priced_fill(arrays, dual.lam, deadline, reduced=reduced)
    filled = _weighted_value(arrays, chosen)
    fill_seconds = time.monotonic() - fill_started
    # The same fill at zero prices is the plain greedy one: the floor, should the prices mislead.
    greedy_won = False
    if time.monotonic() < deadline:
        floor = priced_fill(arrays, np.zeros_like(dual.lam), deadline)
        greedy_won = _weighted_value(arrays, floor) > filled
        chosen = floor if greedy_won else chosen
    chosen = repair_by_regions(arrays, chosen, reduced, deadline, seed=seed)
    bound = min(dual.bound, lagrangian_bound(arrays, dual.lam))
    relaxation = MasterSolution(np.zeros(0, dtype=np.int64), np.zeros(0), dual.lam,
                                np.zeros(arrays.n_cases), 0.0, bound, 0, False)
    stats = {"dual_evaluations": float(dual.evaluations), "dual_seconds": dual.seconds,
             "dual_bound": bound, "priced_fill_value": filled, "priced_fill_seconds": fill_seconds,
             "greedy_floor_won": float(greedy_won), "rounded_at": time.monotonic() - started}
    return relaxation, chosen, stats


def _weighted_value(arrays: Arrays, chosen: NDArray[np.int64]) -> float:
    return float(arrays.weight[chosen[chosen >= 0]].sum())


def _tail_seconds(arrays: Arrays, limit: float) -> float:
    """Time to keep after the rounding for the bounds and the checker: a measured pass over
    the pairs (the Lagrangian bound at zero prices) times the passes they make."""
    started = time.monotonic()
    lagrangian_bound(arrays, np.zeros_like(arrays.capacity))
    return max(TAIL_SHARE * limit, TAIL_PASSES * (time.monotonic() - started))


def _best_rounding(
    arrays: Arrays, master: ColumnGeneration, relaxation: MasterSolution, deadline: float,
    seed: int,
) -> tuple[NDArray[np.int64], dict[str, float]]:
    """Round the LP; if the LP did not finish, also round the persons-only flow (families it
    keeps whole and that fit every dimension stay, the rest are repaired) and keep the better."""
    if relaxation.complete or master.flow_solution is None:
        return round_solution(arrays, relaxation.columns, relaxation.values, relaxation.lam,
                              deadline=deadline, seed=seed)
    no_stats: dict[str, float] = {}
    locked_only = arrays.locked_pair.copy()  # locked cases where they are locked, no one else
    # The greedy fill alone is the floor: an unfinished LP must never make things worse.
    options = [(fill_greedily(arrays, locked_only), no_stats)]
    if relaxation.lp_value > 0:
        middle = time.monotonic() + (deadline - time.monotonic()) / 2
        options.append(round_solution(arrays, relaxation.columns, relaxation.values,
                                      relaxation.lam, deadline=middle, seed=seed))
    if time.monotonic() < deadline:
        pairs, values = master.flow_solution
        values = _demote_overflow(arrays, pairs, values.copy())
        options.append(round_solution(arrays, pairs, values, relaxation.lam, deadline=deadline,
                                      seed=seed))
    if time.monotonic() < deadline:
        options.append((fill_greedily(arrays, locked_only, relaxation.lam), dict(no_stats)))

    def value(chosen: NDArray[np.int64]) -> float:
        return float(arrays.weight[chosen[chosen >= 0]].sum())

    at = max(range(len(options)), key=lambda k: value(options[k][0]))
    options[at][1]["rounding_candidates"] = float(len(options))
    options[at][1]["rounding_chosen"] = float(at)
    return options[at]


def _demote_overflow(
    arrays: Arrays, pairs: NDArray[np.int64], values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Mark as split (for the repair) the least valuable whole pairs of every locality that
    its whole pairs overfill in some dimension, until the rest fit. Locked pairs stay."""
    whole = np.flatnonzero(values >= 1.0 - 1e-6)
    chosen = pairs[whole]
    loc = arrays.pair_locality[chosen]
    unlocked = arrays.locked_pair[arrays.pair_case[chosen]] != chosen
    # By locality; in each, locked pairs first, then the most valuable.
    order = np.lexsort((-arrays.weight[chosen], unlocked, loc))
    loc_sorted = loc[order]
    needs = arrays.pair_needs[chosen]
    used = np.zeros_like(arrays.capacity)
    np.add.at(used, loc, needs)
    over = (used > arrays.capacity + 1e-9).any(axis=1)
    for j in np.flatnonzero(over).tolist():
        members = order[np.searchsorted(loc_sorted, j):np.searchsorted(loc_sorted, j, "right")]
        left = arrays.capacity[j].copy()
        for member in members.tolist():  # keep each case that still fits, best first
            if (needs[member] <= left + 1e-9).all():
                left -= needs[member]
            else:
                values[whole[member]] = 0.5
    return values


def _achieved(problem: PlacementProblem, chosen: NDArray[np.int64]) -> list[float]:
    return [float(c.sum()) for c in tier_coefficients(problem, chosen[chosen >= 0])]


def _status(
    tiers: tuple[float, ...], bounds: list[float | None], gap: float, *, timed_out: bool
) -> SolveStatus:
    def rel(value: float, bound: float | None) -> float:
        return np.inf if bound is None else (bound - value) / max(abs(bound), 1e-9)

    persons_met = all(rel(v, b) <= 1e-9 for v, b in zip(tiers[:-1], bounds[:-1], strict=True))
    last = rel(tiers[-1], bounds[-1])
    if persons_met and last <= 1e-6:
        return SolveStatus.OPTIMAL
    if persons_met and last <= gap:
        return SolveStatus.WITHIN_GAP
    return SolveStatus.TIME_LIMIT if timed_out else SolveStatus.FEASIBLE


def exact_tier_bounds(
    problem: PlacementProblem, achieved: list[float], deadline: float
) -> list[float | None]:
    """Per tier: the LP maximum given every earlier tier >= its achieved value."""
    rows = build_rows(problem)
    highs = new_model(problem, rows, integer=False, seed=0)
    out: list[float | None] = []
    for level, coef in enumerate(tier_coefficients(problem)):
        highs.changeColsCost(problem.n_pairs, np.arange(problem.n_pairs, dtype=np.int32), coef)
        if not run_guarded(highs, max(deadline - time.monotonic(), 1.0), problem.n_pairs):
            out.extend([None] * (len(achieved) - level))
            break
        value = float(highs.getInfo().objective_function_value)
        out.append(max(value, achieved[level]))
        nz = np.flatnonzero(coef).astype(np.int32)
        if len(nz):  # the next tiers keep this one at (at least) what the placement achieved
            highs.addRow(achieved[level] - 1e-7, np.inf, len(nz), nz, coef[nz])
    return out


def lagrangian_tier_bounds(
    problem: PlacementProblem,
    weights: NDArray[np.float64],
    lam: NDArray[np.float64],
    achieved: list[float],
    *,
    weighted_bound: float = np.inf,
    known: tuple[list[NDArray[np.float64]], Arrays] | None = None,
) -> list[float | None]:
    """Per tier k, with multipliers w_l for the earlier tiers (constraints tier_l >= a_l):
    tier_k <= (L_k(lam_k) - sum_{l<k} w_l a_l) / w_k, where L_k prices the objective
    sum_{l<=k} w_l tier_l. Valid for every lam >= 0; the LP's prices make it tight. For the
    last tier any other bound on the whole weighted objective (``weighted_bound``, e.g. the
    persons-only flow) serves the same way. ``known``: the tier coefficients and the solver's
    arrays, when the caller has them (only their weights differ here, set per tier below)."""
    if known is None:
        coefs = tier_coefficients(problem)
        base = build_arrays(problem, np.zeros(len(coefs)), coefs)
    else:
        coefs, base = known
    out: list[float | None] = []
    persons_room = float(problem.capacity[:, 0].sum())  # no more persons than places
    for level in range(len(coefs)):
        mixed = sum(w * c for w, c in zip(weights[: level + 1], coefs, strict=False))
        arrays = replace(base, weight=np.asarray(mixed, dtype=np.float64))
        rhs = sum(weights[j] * achieved[j] for j in range(level))
        bound = min(
            (lagrangian_bound(arrays, lam * share) - rhs) / weights[level]
            for share in ((1.0, 0.0) if problem.n_pairs < 1_000_000 else (1.0,))
        )
        alone = replace(base, weight=np.asarray(coefs[level], dtype=np.float64))
        bound = min(bound, lagrangian_bound(alone, np.zeros_like(lam)))  # capacity ignored
        if level < len(coefs) - 1:
            bound = min(np.floor(bound + 1e-6), persons_room - sum(achieved[:level]))
        else:
            bound = min(bound, weighted_bound - rhs)
        out.append(max(float(bound), achieved[level]))
    return out


register_solver(LargeSolver.name, LargeSolver)
