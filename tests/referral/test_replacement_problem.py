"""Re-placement: refused (case, state) pairs are gone for good, accepted cases stay put."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.errors import ValidationError
from resettle.placement.build import with_preferences
from resettle.placement.solve import solve_placement
from resettle.placement.synthetic import random_problem
from resettle.referral.replacement import refusal_reason, replacement_problem

# Localities L0..L5 in ALB, DEU, CAN, SWE, NLD, ALB.
PROBLEM = random_problem(12, 6, seed=4, tightness=1.2)


def test_refused_pairs_are_removed_with_their_reason_and_nothing_else() -> None:
    out = replacement_problem(PROBLEM, refused={"C000001": ["ALB"]}, accepted={})
    before = set(zip(PROBLEM.pair_case.tolist(), PROBLEM.pair_locality.tolist(), strict=True))
    after = set(zip(out.pair_case.tolist(), out.pair_locality.tolist(), strict=True))
    assert before - after == {(1, 0), (1, 5)}  # both Albanian localities, for case 1 only
    assert out.exclusion_reasons[(1, 0)] == refusal_reason("ALB")
    assert "ALB refused this case" in out.exclusion_reasons[(1, 5)]
    assert out.issues() == []
    assert PROBLEM.n_pairs == len(before)  # the problem given is unchanged
    assert (1, 0) not in PROBLEM.exclusion_reasons


def test_accepted_cases_are_locked_where_they_were_accepted() -> None:
    out = replacement_problem(PROBLEM, refused={}, accepted={"C000002": "L0005"})
    assert out.locks == {2: 5}
    result = solve_placement(out, solver="exact")
    assert result.locality_of(out, "C000002") == "L0005"
    with pytest.raises(ValidationError) as caught:  # 7 persons where 4 places are
        replacement_problem(PROBLEM, refused={}, accepted={"C000002": "L0003"})
    assert [(i.code, i.record) for i in caught.value.issues] == [
        ("conflicting_locks", "L0003")]


@pytest.mark.parametrize(("refused", "accepted", "code"), [
    ({"C999": ["ALB"]}, {}, "unknown_id"),
    ({}, {"C000001": "L9999"}, "unknown_id"),
    ({"C000001": ["SWE"]}, {"C000001": "L0003"}, "lock_not_allowed"),
])
def test_decisions_that_do_not_fit_the_run_are_refused(
    refused: dict[str, list[str]], accepted: dict[str, str], code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        replacement_problem(PROBLEM, refused=refused, accepted=accepted)
    assert [i.code for i in caught.value.issues] == [code]


def test_an_acceptance_against_an_existing_lock_is_a_conflict() -> None:
    locked = replacement_problem(PROBLEM, refused={}, accepted={"C000003": "L0001"})
    with pytest.raises(ValidationError) as caught:
        replacement_problem(locked, refused={}, accepted={"C000003": "L0002"})
    assert caught.value.issues[0].code == "conflicting_locks"


def test_preference_ranks_follow_the_pairs_kept() -> None:
    ranked = with_preferences(PROBLEM, {("C000001", "L0001"): 1}, {("C000001", "L0001"): 1})
    out = replacement_problem(ranked, refused={"C000001": ["ALB"]}, accepted={})
    assert out.pair_pref_rank is not None and out.pair_priority_rank is not None
    assert len(out.pair_pref_rank) == len(out.pair_priority_rank) == out.n_pairs
    assert out.pair_pref_rank[out.pair_index(1, 1)] == 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), refuse_share=st.floats(0.0, 0.8),
       accept_share=st.floats(0.0, 1.0))
def test_no_solver_places_a_case_in_a_state_that_refused_it(
    seed: int, refuse_share: float, accept_share: float
) -> None:
    problem = random_problem(30, 6, seed=seed, tightness=0.9)
    first = solve_placement(problem, solver="exact")
    rng = np.random.default_rng(seed)
    refused: dict[str, list[str]] = {}
    accepted: dict[str, str] = {}
    for case_id, loc in first.placed_pairs(problem):
        country = problem.locality_countries[problem.locality_ids.index(loc)]
        if rng.random() < refuse_share:
            refused[case_id] = [country]
        elif rng.random() < accept_share:
            accepted[case_id] = loc
    again = replacement_problem(problem, refused=refused, accepted=accepted)
    for solver in ("exact", "greedy"):
        result = solve_placement(again, solver=solver)
        for case_id, loc in result.placed_pairs(again):
            country = again.locality_countries[again.locality_ids.index(loc)]
            assert country not in refused.get(case_id, ()), (solver, case_id, country)
        assert all(result.locality_of(again, c) == loc for c, loc in accepted.items())
