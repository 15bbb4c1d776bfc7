"""Fillings (what one locality can take) and the Dantzig–Wolfe bound over them.

Every check is against a reference rebuilt here from the raw arrays: brute force over the
count vectors of one locality for pricing and enumeration, the LP and the MIP over *every*
filling (scipy, not HiGHS through our code) for the column generation's bound, brute force
over assignments for the optimum, and the exact solver's pair model for the whole solve.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from placement_instances import brute_force, tier_vectors, tiny_problems
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from resettle.placement.problem import GroupFloor, PlacementProblem
from resettle.placement.result import SolveStatus
from resettle.placement.solvers._dantzig import FillingsModel
from resettle.placement.solvers._fillings import Knapsacks
from resettle.placement.solvers._highs import lock_bounds
from resettle.placement.solvers.exact import ExactSolver
from resettle.placement.synthetic import random_problem

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def free_items(problem: PlacementProblem, lower: np.ndarray, upper: np.ndarray,
               loc: int) -> tuple[list[int], np.ndarray]:
    """The pairs of ``loc`` that may take more copies, and the capacity left by the fixed."""
    left = problem.capacity[loc] - (problem.pair_needs * lower[:, None]).sum(
        axis=0, where=(problem.pair_locality == loc)[:, None]).astype(np.int64)
    items = [j for j in np.flatnonzero(problem.pair_locality == loc).tolist()
             if upper[j] > lower[j]]
    return items, left


def all_fillings(problem: PlacementProblem, lower: np.ndarray, upper: np.ndarray,
                 loc: int) -> list[dict[int, int]]:
    """Every count vector over the free pairs of ``loc`` that fits, the empty one included."""
    items, left = free_items(problem, lower, upper, loc)
    out = []
    for counts in itertools.product(*(range(int(upper[j] - lower[j]) + 1) for j in items)):
        used = sum((c * problem.pair_needs[j] for j, c in zip(items, counts, strict=True)),
                   np.zeros_like(left))
        if (used <= left).all():
            out.append({j: c for j, c in zip(items, counts, strict=True) if c})
    return out


def worth(filling: dict[int, int], profit: np.ndarray) -> float:
    return float(sum(profit[j] * c for j, c in filling.items()))


@st.composite
def knapsack_cases(draw: st.DrawFn) -> tuple[PlacementProblem, np.ndarray, np.ndarray,
                                            np.ndarray]:
    """A tiny problem, copies per pair (as merged classes have) and profits on a 1/20 grid."""
    problem = draw(tiny_problems())
    lower, upper = lock_bounds(problem)
    copies = np.array(draw(st.lists(st.integers(1, 3), min_size=problem.n_cases,
                                    max_size=problem.n_cases)))
    upper = upper * copies[problem.pair_case]
    profit = np.array(draw(st.lists(st.integers(-20, 20), min_size=problem.n_pairs,
                                    max_size=problem.n_pairs)), dtype=np.float64) / 20
    return problem, lower, upper, profit


@SETTINGS
@given(case=knapsack_cases())
def test_the_priced_filling_is_the_best_by_brute_force(
        case: tuple[PlacementProblem, np.ndarray, np.ndarray, np.ndarray]) -> None:
    problem, lower, upper, profit = case
    sacks = Knapsacks(problem, lower, upper)
    assume(sacks.feasible)
    values, fillings = sacks.best(profit)
    for loc in range(problem.n_localities):
        best = max(worth(f, profit) for f in all_fillings(problem, lower, upper, loc))
        assert values[loc] == pytest.approx(best, abs=1e-9)
    for filling in fillings:
        found = dict(zip(filling.pairs.tolist(), filling.counts.tolist(), strict=True))
        assert found in all_fillings(problem, lower, upper, filling.locality)
        assert worth(found, profit) == pytest.approx(values[filling.locality], abs=1e-9)


@SETTINGS
@given(case=knapsack_cases(), slack=st.integers(0, 30))
def test_enumeration_finds_exactly_the_fillings_above_the_threshold(
        case: tuple[PlacementProblem, np.ndarray, np.ndarray, np.ndarray], slack: int) -> None:
    problem, lower, upper, profit = case
    sacks = Knapsacks(problem, lower, upper)
    assume(sacks.feasible)
    every = [all_fillings(problem, lower, upper, loc) for loc in range(problem.n_localities)]
    # thresholds between grid points: no filling sits on one
    threshold = np.array([max(worth(f, profit) for f in fs) for fs in every]) - (slack + 0.5) / 20
    found = sacks.enumerate(profit, threshold, cap=100_000)
    assert found is not None
    got = sorted((f.locality, sorted(zip(f.pairs.tolist(), f.counts.tolist(), strict=True)))
                 for f in found)
    expected = sorted((loc, sorted(f.items())) for loc, fs in enumerate(every) for f in fs
                      if f and worth(f, profit) >= threshold[loc])
    assert got == expected


def lp_and_mip_over_every_filling(problem: PlacementProblem,
                                  coef: np.ndarray) -> tuple[float, float]:
    """max coef.x over one filling per locality, each case at most once: LP and MIP."""
    lower, upper = lock_bounds(problem)
    columns: list[tuple[int, dict[int, int]]] = [
        (loc, f) for loc in range(problem.n_localities)
        for f in all_fillings(problem, lower, upper, loc)]
    n, m = problem.n_cases, problem.n_localities
    a = np.zeros((n + m, len(columns)))
    for k, (loc, f) in enumerate(columns):
        for j, c in f.items():
            a[problem.pair_case[j], k] += c
        a[n + loc, k] = 1.0
    fixed = float(coef @ lower)
    taken = np.bincount(problem.pair_case, weights=lower, minlength=n)
    cost = np.array([worth(f, coef) for _, f in columns])
    rhs = np.concatenate([1.0 - taken, np.ones(m)])
    lp = linprog(-cost, A_ub=a[:n], b_ub=rhs[:n], A_eq=a[n:], b_eq=rhs[n:],
                 bounds=(0, None), method="highs")
    mip = milp(-cost, constraints=[LinearConstraint(a[:n], -np.inf, rhs[:n]),
                                   LinearConstraint(a[n:], rhs[n:], rhs[n:])],
               integrality=np.ones(len(columns)), bounds=Bounds(0, 1))
    assert lp.status == 0 and mip.status == 0
    return fixed - float(lp.fun), fixed - float(mip.fun)


def brute_force_max(problem: PlacementProblem, coef: np.ndarray) -> float:
    options = [[-1] for _ in range(problem.n_cases)]
    pair_of = {}
    for j, (c, loc) in enumerate(zip(problem.pair_case.tolist(),
                                     problem.pair_locality.tolist(), strict=True)):
        options[c].append(loc)
        pair_of[c, loc] = j
    for case, loc in problem.locks.items():
        options[case] = [loc]
    best = -np.inf
    for combo in itertools.product(*options):
        used = np.zeros_like(problem.capacity)
        for case, loc in enumerate(combo):
            if loc >= 0:
                used[loc] += problem.needs[case]
        if (used <= problem.capacity).all():
            best = max(best, sum(coef[pair_of[c, loc]] for c, loc in enumerate(combo)
                                 if loc >= 0))
    return float(best)


@SETTINGS
@given(problem=tiny_problems())
def test_the_bound_is_the_lp_over_every_filling_and_never_below_the_optimum(
        problem: PlacementProblem) -> None:
    model = FillingsModel(problem, np.ones(problem.n_cases, dtype=np.int64), seed=0)
    assume(model.sacks.feasible and problem.n_pairs > 0)
    coef = tier_vectors(problem)[-1]
    bound = model.bound(coef)
    optimum = brute_force_max(problem, coef)
    lp, mip = lp_and_mip_over_every_filling(problem, coef)
    assert mip == pytest.approx(optimum, abs=1e-9)  # the reference formulation is right
    assert bound == pytest.approx(lp, abs=1e-6)
    assert bound >= optimum - 1e-9
    if mip == pytest.approx(lp, abs=1e-9):  # the LP over fillings is integral: tight
        assert bound == pytest.approx(optimum, abs=1e-6)


@SETTINGS
@given(problem=tiny_problems())
def test_the_exact_solver_over_fillings_equals_brute_force(problem: PlacementProblem) -> None:
    result = ExactSolver().solve(problem, seed=3)
    assume("fillings" in result.stats)  # the fillings path was taken
    best = brute_force(problem)
    assert best is not None
    assert result.status == SolveStatus.OPTIMAL
    assert result.tiers[:-1] == best[:-1]
    assert result.tiers[-1] == pytest.approx(best[-1], abs=1e-6)


def with_lock_and_floor(problem: PlacementProblem) -> PlacementProblem:
    """Lock one case at a locality with room; a floor on the share of urgent persons."""
    case = int(np.flatnonzero(problem.needs[:, 0] == 1)[0])
    loc = int(np.argmax(problem.capacity[:, 0]))
    urgent = np.flatnonzero(problem.priority == 1).astype(np.int64)
    return replace(problem, locks={case: loc},
                   group_floors=(GroupFloor("urgent", urgent, min_share_placed=0.4),))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fillings_agree_with_the_pair_model_on_tight_instances(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = with_lock_and_floor(random_problem(40, 25, seed=seed, n_dimensions=2,
                                                 tightness=1.0))
    over_fillings = ExactSolver().solve(problem, seed=0)
    monkeypatch.setattr(FillingsModel, "applicable", lambda self: False)
    over_pairs = ExactSolver().solve(problem, seed=0)
    assert "fillings" in over_fillings.stats and "fillings" not in over_pairs.stats
    assert over_fillings.status == over_pairs.status == SolveStatus.OPTIMAL
    assert over_fillings.tiers[:-1] == over_pairs.tiers[:-1]
    assert over_fillings.objective == pytest.approx(over_pairs.objective, rel=1e-6)


def test_a_cut_short_solve_does_not_claim_optimality() -> None:
    problem = random_problem(300, 300, seed=1, n_dimensions=2, tightness=1.0)
    result = ExactSolver().solve(problem, time_limit=0.3, seed=0)
    assert result.status.has_solution
    if result.status == SolveStatus.OPTIMAL:
        assert result.bound is not None and result.gap is not None and result.gap <= 1e-6
    else:
        assert result.status == SolveStatus.TIME_LIMIT
