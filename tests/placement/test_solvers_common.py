"""One suite over every registered solver (scikit-learn style): a new solver is picked up.

Each solver must return a result that passes the independent checker, never place anyone in a
no-return country or over capacity, respect locks, report tiers that match a hand computation,
and report bounds that an independent LP confirms. The exact solver must equal brute force.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from placement_instances import brute_force, lp_tier_bounds, reference_tiers, tiny_problems

from resettle.placement.check import check_placement
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus
from resettle.placement.solvers import get_solver, solver_names
from resettle.placement.synthetic import random_problem

SOLVERS = solver_names()
EXACT = {"exact"}  # solvers that prove optimality on small instances
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def solve(name: str, problem: PlacementProblem, **kwargs: float) -> PlacementResult:
    return get_solver(name).solve(problem, seed=7, **kwargs)  # type: ignore[arg-type]


def assert_hard_rules(problem: PlacementProblem, result: PlacementResult) -> None:
    check_placement(problem, result.assignment)
    used = np.zeros_like(problem.capacity)
    for case, loc in enumerate(result.assignment.tolist()):
        if loc < 0:
            continue
        assert problem.locality_countries[loc] not in problem.no_return[case]
        used[loc] += problem.needs[case]
    assert (used <= problem.capacity).all()
    for case, loc in problem.locks.items():
        assert result.assignment[case] == loc


def test_registry_has_the_core_solvers() -> None:
    assert {"exact", "greedy", "random"} <= set(SOLVERS)


@pytest.mark.parametrize("name", SOLVERS)
@SETTINGS
@given(problem=tiny_problems())
def test_results_obey_every_hard_rule(name: str, problem: PlacementProblem) -> None:
    result = solve(name, problem)
    assert result.solver == name
    assert result.assignment.shape == (problem.n_cases,)
    if not result.status.has_solution:
        assert result.status == SolveStatus.INFEASIBLE and result.conflicts
        assert brute_force(problem) is None
        return
    assert_hard_rules(problem, result)
    expected = reference_tiers(problem, result.assignment.tolist())
    assert result.tiers == pytest.approx(expected)
    assert result.objective == pytest.approx(expected[-1])
    assert result.cases_placed == int((result.assignment >= 0).sum())


@pytest.mark.parametrize("name", SOLVERS)
@SETTINGS
@given(problem=tiny_problems())
def test_bounds_agree_with_an_independent_lp(name: str, problem: PlacementProblem) -> None:
    result = solve(name, problem)
    if not result.status.has_solution or problem.n_pairs == 0:
        return
    lp = lp_tier_bounds(problem, result.tiers)
    for level, bound in enumerate(result.tier_bounds):
        if bound is None:
            continue
        assert result.tiers[level] <= bound + 1e-6
        assert bound <= lp[level] + 1e-6
    if result.bound is not None:
        assert result.objective <= result.bound + 1e-6
        assert result.gap is not None and result.gap >= 0


@pytest.mark.parametrize("name", sorted(EXACT & set(SOLVERS)))
@SETTINGS
@given(problem=tiny_problems())
def test_exact_equals_brute_force(name: str, problem: PlacementProblem) -> None:
    result = solve(name, problem)
    best = brute_force(problem)
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE
        return
    note(f"{problem}\n{result}")
    assert result.status == SolveStatus.OPTIMAL
    assert result.tiers[:-1] == best[:-1]
    assert result.tiers[-1] == pytest.approx(best[-1], abs=1e-6)


@pytest.mark.parametrize("name", SOLVERS)
def test_same_seed_same_result(name: str) -> None:
    problem = random_problem(60, 6, seed=3, n_dimensions=2, tightness=0.8)
    first, second = solve(name, problem), solve(name, problem)
    assert np.array_equal(first.assignment, second.assignment)
    assert_hard_rules(problem, first)


@pytest.mark.parametrize("name", SOLVERS)
def test_medium_instance_is_valid_and_respects_the_time_limit(name: str) -> None:
    problem = random_problem(200, 20, seed=5, n_dimensions=2, tightness=0.9, density=0.5)
    result = solve(name, problem, time_limit=20.0)
    assert result.status.has_solution
    assert_hard_rules(problem, result)
    assert result.seconds < 60  # generous: the watchdog must stop runaway solves


def test_exact_is_at_least_as_good_as_the_baselines() -> None:
    problem = random_problem(80, 8, seed=11, n_dimensions=2, tightness=0.85)
    exact = solve("exact", problem)
    assert exact.status == SolveStatus.OPTIMAL
    for name in ("greedy", "random"):
        other = solve(name, problem)
        assert tuple(other.tiers) <= tuple(exact.tiers)
