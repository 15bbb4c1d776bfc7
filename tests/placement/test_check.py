"""The independent checker catches every kind of broken placement, all at once."""

from __future__ import annotations

import numpy as np
import pytest

from resettle.errors import PlacementCheckError
from resettle.placement.check import check_placed_pairs, check_placement
from resettle.placement.problem import PlacementProblem


def problem(**overrides: object) -> PlacementProblem:
    base: dict[str, object] = dict(
        case_ids=("A", "B", "C"),
        locality_ids=("TIR", "BER"),
        locality_countries=("ALB", "DEU"),
        dimensions=("persons", "medical_places"),
        needs=np.array([[2, 0], [3, 1], [1, 1]]),
        capacity=np.array([[4, 1], [3, 0]]),
        priority=np.array([0, 1, 2], dtype=np.int8),
        pair_case=np.array([0, 0, 1, 2, 2]),
        pair_locality=np.array([0, 1, 0, 0, 1]),
        pair_score=np.array([0.5, 0.6, 0.7, 0.2, 0.3]),
        locks={2: 0},
        no_return=(frozenset({"IRN"}), frozenset({"IRN", "DEU"}), frozenset({"IRN"})),
    )
    base.update(overrides)
    return PlacementProblem(**base)  # type: ignore[arg-type]


def codes(error: PlacementCheckError) -> list[str]:
    return sorted(issue.code for issue in error.issues)


def test_valid_placement_passes() -> None:
    check_placement(problem(), np.array([1, -1, 0]))
    check_placed_pairs(problem(), [("A", "BER"), ("C", "TIR")])


def test_every_violation_is_listed_in_one_error() -> None:
    # B -> BER: not an allowed pair, DEU on B's no-return list, over persons and medical places
    # C unplaced while locked to TIR.
    with pytest.raises(PlacementCheckError) as caught:
        check_placement(problem(), np.array([1, 1, -1]))
    assert codes(caught.value) == [
        "capacity_exceeded", "capacity_exceeded", "lock_broken", "not_allowed",
        "refoulement_forbidden",
    ]


def test_refoulement_is_caught_even_if_the_pair_list_allows_it() -> None:
    broken = problem(pair_case=np.array([0, 0, 1, 1, 2, 2]),
                     pair_locality=np.array([0, 1, 0, 1, 0, 1]),
                     pair_score=np.zeros(6), capacity=np.array([[9, 9], [9, 9]]))
    with pytest.raises(PlacementCheckError) as caught:
        check_placement(broken, np.array([0, 1, 0]))
    assert codes(caught.value) == ["refoulement_forbidden"]


def test_a_case_placed_twice_or_unknown_ids_are_caught() -> None:
    with pytest.raises(PlacementCheckError) as caught:
        check_placed_pairs(problem(), [("A", "TIR"), ("A", "BER"), ("C", "TIR"), ("Z", "TIR")])
    assert "placed_twice" in codes(caught.value)
    assert "unknown_id" in codes(caught.value)


def test_wrong_length_and_out_of_range() -> None:
    with pytest.raises(PlacementCheckError):
        check_placement(problem(), np.array([0, 0]))
    with pytest.raises(PlacementCheckError) as caught:
        check_placement(problem(), np.array([5, -1, 0]))
    assert codes(caught.value) == ["bad_index"]
