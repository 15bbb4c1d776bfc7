"""Building a problem from records: every rule, every reason, every validation issue."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.core import PledgeCriteria, Priority
from resettle.errors import ValidationError
from resettle.placement.build import build_problem, validate
from resettle.placement.records import (
    BuildOptions,
    GroupFloorSpec,
    PlacementCase,
    PlacementLocality,
    TieMode,
    placement_inputs_from_registry,
)
from resettle.placement.solve import solve_placement
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import ASHRAF_PROTECTION

LOCS = [
    PlacementLocality("TIR", "ALB", {"persons": 10, "medical_places": 1}),
    PlacementLocality("BER", "DEU", {"persons": 5},
                      criteria=(PledgeCriteria(max_case_size=2),)),
    PlacementLocality("BAG", "IRQ", {"persons": 50}),
    PlacementLocality("TOR", "CAN", {"persons": 5}, criteria=()),
]


def scores_for(cases: list[PlacementCase], value: float = 0.5) -> dict[tuple[str, str], float]:
    return {(c.case_id, loc.locality_id): value for c in cases for loc in LOCS}


def test_each_rule_removes_the_pair_and_records_why() -> None:
    cases = [
        PlacementCase("A", 3, Priority.URGENT, needs={"medical_places": 1},
                      no_return=frozenset({"IRN", "IRQ"}), forbidden_localities=frozenset()),
        PlacementCase("B", 1, no_return=frozenset({"IRN", "IRQ"}),
                      forbidden_localities=frozenset({"TIR"})),
    ]
    scores = scores_for(cases)
    del scores[("B", "BER")]
    problem = build_problem(cases, LOCS, scores)
    allowed = {(problem.case_ids[c], problem.locality_ids[loc])
               for c, loc in zip(problem.pair_case, problem.pair_locality, strict=True)}
    assert allowed == {("A", "TIR")}
    why = {(problem.case_ids[c], problem.locality_ids[loc]): r.split(":")[0]
           for (c, loc), r in problem.exclusion_reasons.items()}
    assert why == {
        ("A", "BER"): "criteria", ("A", "BAG"): "no_return", ("A", "TOR"): "criteria",
        ("B", "TIR"): "forbidden", ("B", "BER"): "no_score", ("B", "BAG"): "no_return",
        ("B", "TOR"): "criteria",
    }
    assert problem.dimensions == ("persons", "medical_places")
    assert problem.needs.tolist() == [[3, 1], [1, 0]]
    assert problem.priority.tolist() == [1, 2]


def test_ties_bonus_or_requirement() -> None:
    cases = [PlacementCase("A", 1, relative_countries=frozenset({"DEU"}))]
    bonus = build_problem(cases, LOCS, scores_for(cases),
                          options=BuildOptions(ties=TieMode.BONUS, tie_bonus=0.2))
    by_loc = dict(zip(bonus.pair_locality.tolist(), bonus.pair_score.tolist(), strict=True))
    assert by_loc == {0: 0.5, 1: pytest.approx(0.7), 2: 0.5}
    required = build_problem(cases, LOCS, scores_for(cases),
                             options=BuildOptions(ties=TieMode.REQUIRED))
    assert required.pair_locality.tolist() == [1]
    assert "no_tie" in required.exclusion_reasons[(0, 0)]


def test_score_floor_keeps_good_options_and_locks() -> None:
    cases = [PlacementCase("A", 1, lock_locality="BAG")]
    scores = {("A", "TIR"): 1.0, ("A", "BER"): 0.85, ("A", "BAG"): 0.2}
    problem = build_problem(cases, LOCS, scores, options=BuildOptions(score_floor_ratio=0.8))
    assert problem.pair_locality.tolist() == [0, 1, 2]  # BAG kept: it is locked
    problem = build_problem([PlacementCase("A", 1)], LOCS, scores,
                            options=BuildOptions(score_floor_ratio=0.9))
    assert problem.pair_locality.tolist() == [0]
    assert "below_floor" in problem.exclusion_reasons[(0, 1)]


def test_validate_collects_every_issue() -> None:
    cases = [
        PlacementCase("A", 0, needs={"school_places": 1}),
        PlacementCase("A", 2, lock_locality="NOWHERE"),
        PlacementCase("B", 2, no_return=frozenset({"ALB", "DEU", "IRQ", "CAN"})),
    ]
    locs = [*LOCS, PlacementLocality("X", "ZZZ", {"persons": -1})]
    scores = {("A", "TIR"): 0.1, ("Q", "TIR"): 0.3, ("B", "TIR"): float("nan")}
    codes = sorted(i.code for i in validate(cases, locs, scores))
    assert codes == ["bad_value", "bad_value", "duplicate_id", "negative_capacity",
                     "unknown_country", "unknown_dimension", "unknown_id"]


def test_lock_issues_and_unreachable_cases() -> None:
    cases = [
        PlacementCase("A", 4, lock_locality="BER"),  # BER admits at most 2 persons
        PlacementCase("B", 3, lock_locality="TIR"),
        PlacementCase("C", 3, lock_locality="TIR"),
        PlacementCase("D", 4, lock_locality="TIR"),  # TIR: 10 persons, 10 locked
        PlacementCase("E", 1, no_return=frozenset({"ALB", "DEU", "IRQ"})),
    ]
    scores = scores_for(cases)
    issues = validate(cases, LOCS, scores)
    assert sorted(i.code for i in issues) == ["lock_not_allowed", "no_allowed_locality"]
    cases[3] = PlacementCase("D", 5, lock_locality="TIR")
    codes = sorted(i.code for i in validate(cases, LOCS, scores))
    assert codes == ["conflicting_locks", "lock_not_allowed", "no_allowed_locality"]
    with pytest.raises(ValidationError) as caught:
        build_problem(cases, LOCS, scores)
    assert {i.code for i in caught.value.issues} == {"conflicting_locks", "lock_not_allowed"}


def test_unreachable_case_is_a_warning_not_a_blocker() -> None:
    cases = [PlacementCase("E", 1, no_return=frozenset({"ALB", "DEU", "IRQ"}))]
    problem = build_problem(cases, LOCS, scores_for(cases))
    assert problem.n_pairs == 0
    assert solve_placement(problem).assignment.tolist() == [-1]


def test_group_floor_is_enforced_by_the_exact_solver() -> None:
    cases = [PlacementCase(f"A{i}", 1, group="a") for i in range(4)] + [
        PlacementCase(f"B{i}", 1, group="b") for i in range(4)]
    locs = [PlacementLocality("TIR", "ALB", {"persons": 4})]
    scores = {(c.case_id, "TIR"): (0.9 if c.group == "a" else 0.1) for c in cases}
    plain = solve_placement(build_problem(cases, locs, scores))
    assert sum(plain.assignment[4:] >= 0) == 0
    fair = build_problem(cases, locs, scores, options=BuildOptions(
        group_floors={"b": GroupFloorSpec(min_share_placed=0.5)}))
    result = solve_placement(fair)
    assert sum(result.assignment[4:] >= 0) == 2
    assert result.fairness_shortfalls == ()
    greedy = solve_placement(fair, solver="greedy")
    assert greedy.fairness_shortfalls  # the baseline ignores floors and says so


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sets(st.sampled_from(["ALB", "DEU", "IRQ", "CAN", "IRN"]), max_size=3),
                min_size=1, max_size=6))
def test_no_pair_ever_in_a_no_return_country(no_returns: list[set[str]]) -> None:
    cases = [PlacementCase(f"C{i}", 1, no_return=frozenset(nr))
             for i, nr in enumerate(no_returns)]
    problem = build_problem(cases, LOCS, scores_for(cases))
    for case, loc in zip(problem.pair_case, problem.pair_locality, strict=True):
        assert problem.locality_countries[loc] not in no_returns[case]


def test_registry_conversion_on_the_ashraf_scenario() -> None:
    batch = generate_ashraf(7)
    cases, locs = placement_inputs_from_registry(
        batch.cases[:300], batch.localities, batch.pledges, on=date(2015, 6, 30),
        protection=ASHRAF_PROTECTION)
    assert all("IRQ" in c.no_return and "IRN" in c.no_return for c in cases)
    scores = {(c.case_id, loc.locality_id): 0.5 for c in cases for loc in locs}
    problem = build_problem(cases, locs, scores)
    countries = np.array(problem.locality_countries)[problem.pair_locality]
    assert not np.isin(countries, ["IRN", "IRQ"]).any()
    assert "DEU" not in set(countries)  # Germany's pledge ended in 2014
    assert problem.sizes.sum() == sum(c.size for c in batch.cases[:300])
