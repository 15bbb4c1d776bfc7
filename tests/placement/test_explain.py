"""Explanations name the real reason, and shadow prices match a hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from placement_instances import tiny_problems

from resettle.placement.build import build_problem
from resettle.placement.explain import explain_cases, shadow_prices
from resettle.placement.problem import PlacementProblem
from resettle.placement.records import PlacementCase, PlacementLocality
from resettle.placement.solve import solve_placement


def two_cases_one_place() -> PlacementProblem:
    cases = [PlacementCase("A", 1, no_return=frozenset({"IRQ"})), PlacementCase("B", 1)]
    locs = [PlacementLocality("TIR", "ALB", {"persons": 1}),
            PlacementLocality("BAG", "IRQ", {"persons": 5})]
    scores = {("A", "TIR"): 0.9, ("B", "TIR"): 0.4, ("A", "BAG"): 0.99, ("B", "BAG"): 0.1}
    return build_problem(cases, locs, scores)


def test_case_explanations_name_capacity_and_rules() -> None:
    problem = two_cases_one_place()
    result = solve_placement(problem)
    a, b = explain_cases(problem, result)
    assert (a.locality_id, a.score, a.alternative_id) == ("TIR", 0.9, None)
    assert a.not_allowed == (("BAG", "no_return: IRQ is on the case's no-return list"),)
    assert b.locality_id == "BAG" and b.alternative_id == "TIR"
    assert b.why_not.startswith("capacity: TIR is full in persons (0 left")


def test_shadow_prices_value_one_more_place() -> None:
    problem = two_cases_one_place()
    result = solve_placement(problem)
    prices = {(p.locality_id, p.dimension): p for p in shadow_prices(problem, result)}
    tirana = prices[("TIR", "persons")]
    # one more place in Tirana moves B from BAG (0.1) to TIR (0.4): +0.3 outcome
    assert tirana.outcome_price == pytest.approx(0.3)
    assert prices[("BAG", "persons")].outcome_price == pytest.approx(0.0)
    assert (tirana.capacity, tirana.used) == (1, 1)


def test_persons_price_counts_who_one_more_place_lets_in() -> None:
    cases = [PlacementCase("A", 2, no_return=frozenset({"IRQ"})), PlacementCase("B", 1)]
    locs = [PlacementLocality("TIR", "ALB", {"persons": 2})]
    problem = build_problem(cases, locs, {("A", "TIR"): 0.5, ("B", "TIR"): 0.5})
    result = solve_placement(problem)
    (price,) = shadow_prices(problem, result)
    assert price.persons_price == pytest.approx(1.0)  # B (1 person) gets in with one more


@settings(max_examples=30, deadline=None)
@given(tiny_problems())
def test_explanations_are_consistent(problem: PlacementProblem) -> None:
    result = solve_placement(problem, solver="greedy")
    if not result.status.has_solution:
        return
    for case, explanation in enumerate(explain_cases(problem, result)):
        loc = int(result.assignment[case])
        assert explanation.locality_id == (problem.locality_ids[loc] if loc >= 0 else None)
        if explanation.alternative_score is not None and explanation.score is not None:
            assert explanation.alternative_score > explanation.score
    prices = shadow_prices(problem, result)
    assert all(p.outcome_price >= -1e-7 or np.isnan(p.outcome_price) for p in prices)
    assert len(prices) == problem.n_localities * len(problem.dimensions)


def test_shadow_prices_under_a_budget_fall_back_on_the_solvers_duals() -> None:
    problem = two_cases_one_place()
    result = solve_placement(problem)
    exact = shadow_prices(problem, result)
    timed = shadow_prices(problem, result, seconds=30.0)  # small: the exact LPs fit
    assert [p.outcome_price for p in timed] == pytest.approx([p.outcome_price for p in exact])
    assert not any(p.approximate for p in timed)
    unknown = shadow_prices(problem, result, seconds=0.0)  # no time, no duals: unknown
    assert all(p.approximate and np.isnan(p.outcome_price) for p in unknown)
    duals = np.arange(problem.capacity.size, dtype=np.float64).reshape(problem.capacity.shape)
    object.__setattr__(result, "capacity_prices", duals)
    result.stats["person_weight"] = 2.0
    approx = shadow_prices(problem, result, seconds=0.0)
    assert [p.outcome_price for p in approx] == duals.ravel().tolist()
    assert [p.persons_price for p in approx] == (duals.ravel() / 2.0).tolist()
    assert all(p.approximate for p in approx)


def test_large_solver_hands_its_duals_to_the_explanations() -> None:
    problem = two_cases_one_place()
    result = solve_placement(problem, solver="large", time_limit=10)
    assert result.capacity_prices is not None
    assert result.capacity_prices.shape == problem.capacity.shape
    assert (result.capacity_prices >= 0).all()
