"""The large solver's price-driven path (above 50,000 pairs): the smoothed dual's bound is a
real bound (never below the LP optimum HiGHS finds) and close to it, the priced fill and its
repairs never break a rule, and the solver keeps to its time limit."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_large import weighted_lp

from resettle.placement.check import check_placement
from resettle.placement.lagrange import Arrays, ColumnGeneration, lagrangian_bound
from resettle.placement.problem import PlacementProblem
from resettle.placement.solvers import get_solver
from resettle.placement.solvers._dual_ascent import (
    NeedPatterns,
    best_pairs,
    restrict,
    solve_dual,
)
from resettle.placement.solvers._lagrangian_fill import priced_fill, repair_by_regions
from resettle.placement.solvers.large import build_arrays, tier_weights
from resettle.placement.synthetic import random_problem


def with_locks(problem: PlacementProblem, seed: int, share: float) -> PlacementProblem:
    """Lock some cases to one of their allowed localities, at most one per locality and only
    where the case fits, so the locks alone are feasible."""
    rng = np.random.default_rng(seed)
    locks: dict[int, int] = {}
    taken: set[int] = set()
    for case in np.flatnonzero(rng.random(problem.n_cases) < share).tolist():
        ids = np.arange(problem.case_indptr[case], problem.case_indptr[case + 1])
        if not len(ids):
            continue
        loc = int(problem.pair_locality[rng.choice(ids)])
        if loc not in taken and (problem.needs[case] <= problem.capacity[loc]).all():
            locks[case] = loc
            taken.add(loc)
    return replace(problem, locks=locks)


def assignment_of(problem: PlacementProblem, chosen: np.ndarray) -> np.ndarray:
    return np.where(chosen >= 0, problem.pair_locality[np.maximum(chosen, 0)], -1)


def value(arrays: Arrays, chosen: np.ndarray) -> float:
    return float(arrays.weight[chosen[chosen >= 0]].sum())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), dims=st.integers(1, 3), tight=st.floats(0.3, 1.1),
       locks=st.sampled_from([0.0, 0.2]))
def test_the_dual_bound_is_never_below_the_lp_optimum(
    seed: int, dims: int, tight: float, locks: float
) -> None:
    problem = random_problem(40, 6, seed=seed, n_dimensions=dims, tightness=tight, density=0.6)
    problem = with_locks(problem, seed, locks)
    arrays, lp = weighted_lp(problem, tier_weights(problem))
    if problem.locks:  # the LP with every locked pair at 1
        lp = locked_lp(problem, arrays)
    found = solve_dual(arrays, time.monotonic() + 30)
    assert found.bound >= lp - 1e-7 * max(1.0, abs(lp))
    assert lagrangian_bound(arrays, found.lam) == pytest.approx(found.bound, rel=1e-12)


def locked_lp(problem: PlacementProblem, arrays: Arrays) -> float:
    """The weighted LP optimum with the locks as fixed columns (HiGHS, through scipy)."""
    from scipy.optimize import linprog

    rows = [(problem.pair_case == i).astype(float) for i in range(problem.n_cases)]
    rhs = [1.0] * problem.n_cases
    for loc in range(problem.n_localities):
        for d in range(len(problem.dimensions)):
            rows.append(np.where(problem.pair_locality == loc, problem.pair_needs[:, d], 0.0))
            rhs.append(float(problem.capacity[loc, d]))
    bounds = [(0.0, 1.0)] * problem.n_pairs
    for case in problem.locks:
        for pair in range(problem.case_indptr[case], problem.case_indptr[case + 1]):
            fixed = 1.0 if pair == arrays.locked_pair[case] else 0.0
            bounds[pair] = (fixed, fixed)
    res = linprog(-arrays.weight, A_ub=np.array(rows), b_ub=rhs, bounds=bounds, method="highs")
    assert res.status == 0
    return float(-res.fun)


@pytest.mark.parametrize(("seed", "density"), [(0, 0.5), (1, 1.0)])
def test_the_dual_bound_is_close_to_the_lp_optimum(seed: int, density: float) -> None:
    """Density 1.0 gives 60 pairs per case, so the later stages run on the 20 best (sifted)."""
    problem = random_problem(600, 60, seed=seed, n_dimensions=3, tightness=0.9,
                             density=density)
    arrays = build_arrays(problem, tier_weights(problem))
    lp = ColumnGeneration(arrays).solve(time.monotonic() + 120, tolerance=1e-12)
    assert lp.complete
    found = solve_dual(arrays, time.monotonic() + 60)
    assert found.bound >= lp.lp_value * (1 - 1e-9)
    assert found.bound <= lp.lp_value * 1.005


@settings(max_examples=30, deadline=None)
@given(lengths=st.lists(st.integers(0, 9), min_size=1, max_size=12), k=st.integers(1, 4),
       seed=st.integers(0, 1000))
def test_best_pairs_are_each_cases_k_best(lengths: list[int], k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    n_pairs = int(indptr[-1])
    case = np.repeat(np.arange(len(lengths)), lengths).astype(np.int64)
    arrays = Arrays(len(lengths), rng.random(n_pairs), case, np.zeros(n_pairs, np.int64),
                    np.ones((n_pairs, 1)), np.ones((1, 1)), indptr,
                    np.full(len(lengths), -1, dtype=np.int64))
    reduced = rng.random(n_pairs)
    picked = best_pairs(arrays, reduced, k)
    expected = [p for i, n in enumerate(lengths)
                for p in sorted(range(indptr[i], indptr[i] + n), key=lambda q: -reduced[q])[:k]]
    assert picked.tolist() == sorted(expected)
    smaller = restrict(arrays, picked)
    assert np.diff(smaller.indptr).tolist() == [min(n, k) for n in lengths]
    assert smaller.weight.tolist() == arrays.weight[picked].tolist()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), dims=st.integers(1, 3), tight=st.floats(0.3, 1.0),
       scale=st.floats(0.0, 20.0), locks=st.sampled_from([0.0, 0.3]))
def test_the_priced_fill_and_its_repairs_keep_every_rule(
    seed: int, dims: int, tight: float, scale: float, locks: float
) -> None:
    problem = random_problem(80, 10, seed=seed, n_dimensions=dims, tightness=tight,
                             density=0.5)
    problem = with_locks(problem, seed + 1, locks)
    arrays = build_arrays(problem, tier_weights(problem))
    lam = np.random.default_rng(seed).random(arrays.capacity.shape) * scale
    filled = priced_fill(arrays, lam, time.monotonic() + 30)
    check_placement(problem, assignment_of(problem, filled))
    repaired = repair_by_regions(arrays, filled, arrays.reduced(lam), time.monotonic() + 30,
                                 seed=seed, region_size=3)
    check_placement(problem, assignment_of(problem, repaired))
    assert value(arrays, repaired) >= value(arrays, filled) - 1e-9


def test_the_priced_path_is_near_its_bound_and_keeps_its_time_limit() -> None:
    """60,000 pairs (above the column-generation threshold): a checked placement within 1% of
    its own bound, a bound no lower than the LP, and the limit kept (a generous margin for a
    loaded machine: the point is that it stops, not how fast it is)."""
    problem = random_problem(2_000, 100, seed=3, n_dimensions=2, tightness=0.95, density=0.3)
    assert problem.n_pairs > 50_000
    started = time.monotonic()
    result = get_solver("large").solve(problem, time_limit=8.0)
    elapsed = time.monotonic() - started
    check_placement(problem, result.assignment)
    arrays = build_arrays(problem, tier_weights(problem))
    lp = ColumnGeneration(arrays).solve(time.monotonic() + 300, tolerance=1e-12)
    bound = result.stats["lp_bound"]
    achieved = value(arrays, problem.pairs_of_assignment(result.assignment))
    assert lp.complete
    assert bound >= lp.lp_value * (1 - 1e-9)
    assert achieved >= 0.99 * bound
    assert elapsed < 8.0 + 20.0


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), dims=st.integers(1, 4))
def test_the_pattern_table_charges_and_counts_like_the_pairs_do(seed: int, dims: int) -> None:
    problem = random_problem(50, 7, seed=seed, n_dimensions=dims, density=0.6)
    arrays = build_arrays(problem, tier_weights(problem))
    patterns = NeedPatterns.of(arrays)
    assert patterns is not None
    rng = np.random.default_rng(seed)
    lam = rng.random(arrays.capacity.shape) * 5
    charge = (lam[arrays.pair_locality] * arrays.pair_needs).sum(axis=1)
    np.testing.assert_allclose(patterns.charge(lam), charge, rtol=1e-12, atol=1e-12)
    share = rng.random(len(arrays.weight))
    used = np.zeros_like(arrays.capacity)
    np.add.at(used, arrays.pair_locality, arrays.pair_needs * share[:, None])
    np.testing.assert_allclose(patterns.use(share), used, rtol=1e-10, atol=1e-10)
    halves = replace(arrays, pair_needs=arrays.pair_needs + 0.5)  # not whole: no table
    assert NeedPatterns.of(halves) is None
    lam_value = solve_dual(halves, time.monotonic() + 10).bound  # the per-dimension path
    assert lam_value >= weighted_lp_value(halves) - 1e-6 * max(1.0, lam_value)


def weighted_lp_value(arrays: Arrays) -> float:
    """The LP optimum of ``arrays`` (scipy's HiGHS), built from the arrays alone."""
    from scipy.optimize import linprog

    k = len(arrays.weight)
    m, d = arrays.capacity.shape
    rows = [(arrays.pair_case == i).astype(float) for i in range(arrays.n_cases)]
    for loc in range(m):
        for dim in range(d):
            rows.append(np.where(arrays.pair_locality == loc, arrays.pair_needs[:, dim], 0.0))
    rhs = np.concatenate([np.ones(arrays.n_cases), arrays.capacity.ravel()])
    res = linprog(-arrays.weight, A_ub=np.array(rows), b_ub=rhs, bounds=[(0, 1)] * k,
                  method="highs")
    return float(-res.fun)
