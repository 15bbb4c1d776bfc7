"""The large solver's own guarantees: its bound is valid for any prices, tight at the LP's, and
its placements match the exact solver on instances both can solve."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from placement_instances import lp_tier_bounds
from scipy.optimize import linprog

from resettle.placement.check import check_placement
from resettle.placement.lagrange import ColumnGeneration, lagrangian_bound
from resettle.placement.solvers import get_solver
from resettle.placement.solvers.large import (
    build_arrays,
    lagrangian_tier_bounds,
    tier_weights,
)
from resettle.placement.synthetic import random_problem


def weighted_lp(problem, weights):  # type: ignore[no-untyped-def]
    """The weighted LP relaxation solved independently (dense, scipy)."""
    arrays = build_arrays(problem, weights)
    k = problem.n_pairs
    rows = [(problem.pair_case == i).astype(float) for i in range(problem.n_cases)]
    rhs = [1.0] * problem.n_cases
    for loc in range(problem.n_localities):
        for d in range(len(problem.dimensions)):
            rows.append(np.where(problem.pair_locality == loc, problem.pair_needs[:, d], 0.0))
            rhs.append(float(problem.capacity[loc, d]))
    res = linprog(-arrays.weight, A_ub=np.array(rows), b_ub=rhs, bounds=[(0, 1)] * k,
                  method="highs")
    return arrays, -res.fun


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.0, 50.0))
def test_lagrangian_bound_is_valid_for_any_prices(seed: int, scale: float) -> None:
    problem = random_problem(30, 5, seed=seed, n_dimensions=2, tightness=0.7, density=0.6)
    arrays, lp = weighted_lp(problem, tier_weights(problem))
    lam = np.random.default_rng(seed).random(arrays.capacity.shape) * scale
    assert lagrangian_bound(arrays, lam) >= lp - 1e-6 * max(1.0, abs(lp))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_column_generation_reaches_the_lp_and_its_bound_is_tight(seed: int) -> None:
    problem = random_problem(120, 10, seed=seed, n_dimensions=3, tightness=0.8, density=0.5)
    arrays, lp = weighted_lp(problem, tier_weights(problem))
    import time

    solution = ColumnGeneration(arrays).solve(time.monotonic() + 60, tolerance=1e-12)
    assert solution.lp_value == pytest.approx(lp, rel=1e-7)
    assert solution.bound >= lp - 1e-6 * lp
    assert solution.bound == pytest.approx(lp, rel=1e-6)


@pytest.mark.parametrize("seed", [3, 4])
def test_lagrangian_tier_bounds_are_valid(seed: int) -> None:
    """The large-instance bounds (used above 50,000 pairs) never undercut the tier LPs."""
    problem = random_problem(60, 8, seed=seed, n_dimensions=2, tightness=0.8, density=0.6)
    result = get_solver("large").solve(problem, seed=0)
    weights = tier_weights(problem)
    arrays, _ = weighted_lp(problem, weights)
    import time

    lam = ColumnGeneration(arrays).solve(time.monotonic() + 60, tolerance=1e-12).lam
    bounds = lagrangian_tier_bounds(problem, weights, lam, list(result.tiers))
    lp = lp_tier_bounds(problem, result.tiers)
    for level, bound in enumerate(bounds):
        assert bound is not None
        assert bound >= result.tiers[level] - 1e-9
        # an LP bound is a floor for any valid bound (up to rounding persons down)
        slack = 1.0 if level < len(bounds) - 1 else 1e-6 * max(1.0, lp[level])
        assert bound >= lp[level] - slack


@pytest.mark.parametrize("seed", [5, 6])
def test_large_is_close_to_exact_on_a_medium_instance(seed: int) -> None:
    problem = random_problem(150, 12, seed=seed, n_dimensions=2, tightness=0.85, density=0.5)
    large = get_solver("large").solve(problem, seed=0, time_limit=60)
    exact = get_solver("exact").solve(problem, seed=0, time_limit=60)
    check_placement(problem, large.assignment)
    assert tuple(large.tiers) <= tuple(exact.tiers)
    assert large.tiers[:2] == exact.tiers[:2]  # every emergency and urgent person as exact
    assert large.tiers[2] >= 0.98 * exact.tiers[2]  # normal persons: a rounding loss at most
    assert large.objective >= 0.97 * exact.objective


def test_a_locked_case_keeps_its_place_when_the_lp_rounds_another_case_into_it() -> None:
    """Found by hypothesis: L0 has 2 places; C2 (1 person) is locked there and C1 (2 persons)
    may go there too. The LP's rounding put C1 in L0 and left the locked case out."""
    from resettle.placement.problem import PlacementProblem

    problem = PlacementProblem(
        case_ids=("C0", "C1", "C2"), locality_ids=("L0", "L1", "L2"),
        locality_countries=("ALB", "ALB", "ALB"), dimensions=("persons",),
        needs=np.array([[1], [2], [1]]), capacity=np.array([[2], [0], [0]]),
        priority=np.array([0, 0, 0], dtype=np.int8),
        pair_case=np.array([0, 1, 1, 2, 2, 2]), pair_locality=np.array([2, 0, 2, 0, 1, 2]),
        pair_score=np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.05]), locks={2: 0},
        no_return=(frozenset(), frozenset(), frozenset()),
    )
    result = get_solver("large").solve(problem, seed=7)
    check_placement(problem, result.assignment)
    assert result.assignment.tolist() == [-1, -1, 0]
