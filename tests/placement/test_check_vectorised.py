"""The vectorised checker raises exactly the issues the plain-Python one did (issue 17 item 0),
on random placements, valid and broken: out-of-range indices, pairs that are not allowed,
cases placed twice, capacities exceeded, locks broken, no-return countries."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.placement.loop_checker import loop_check_placed_pairs, loop_check_placement

from resettle.core.issues import Issue
from resettle.errors import PlacementCheckError
from resettle.placement.check import check_placed_pairs, check_placement
from resettle.placement.problem import PlacementProblem

COUNTRIES = ("ALB", "DEU", "IRN")


@st.composite
def problems(draw: st.DrawFn) -> PlacementProblem:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    d = draw(st.integers(1, 3))
    allowed = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    keys = [k for k, ok in enumerate(allowed) if ok]
    locks = draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, m - 1), max_size=n))
    no_return = draw(st.one_of(st.just(()), st.tuples(*[
        st.frozensets(st.sampled_from(COUNTRIES), max_size=2) for _ in range(n)])))
    return PlacementProblem(
        case_ids=tuple(f"C{i}" for i in range(n)),
        locality_ids=tuple(f"L{j}" for j in range(m)),
        locality_countries=tuple(draw(st.sampled_from(COUNTRIES)) for _ in range(m)),
        dimensions=("persons", "medical", "school")[:d],
        needs=np.array(draw(st.lists(st.lists(st.integers(0, 4), min_size=d, max_size=d),
                                     min_size=n, max_size=n)), dtype=np.int64).reshape(n, d),
        capacity=np.array(draw(st.lists(st.lists(st.integers(0, 6), min_size=d, max_size=d),
                                        min_size=m, max_size=m)), dtype=np.int64).reshape(m, d),
        priority=np.zeros(n, dtype=np.int8),
        pair_case=np.array([k // m for k in keys], dtype=np.int64),
        pair_locality=np.array([k % m for k in keys], dtype=np.int64),
        pair_score=np.zeros(len(keys)),
        locks=locks,
        no_return=no_return,
    )


def raised(check: object, *args: object) -> list[Issue] | None:
    try:
        check(*args)  # type: ignore[operator]
    except PlacementCheckError as error:
        return list(error.issues)
    return None


@settings(max_examples=300, deadline=None)
@given(problems(), st.data())
def test_vectorised_checker_agrees_with_the_loop_checker(
    problem: PlacementProblem, data: st.DataObject
) -> None:
    n, m = problem.n_cases, problem.n_localities
    assignment = np.array(data.draw(st.lists(st.integers(-3, m + 1), min_size=n, max_size=n)),
                          dtype=np.int64)
    if data.draw(st.booleans()):  # often a placement that only uses allowed pairs
        for case in range(n):
            options = problem.pair_locality[problem.pair_case == case].tolist()
            assignment[case] = data.draw(st.sampled_from([-1, *options]))
    assert raised(check_placement, problem, assignment) == \
        raised(loop_check_placement, problem, assignment)


@settings(max_examples=200, deadline=None)
@given(problems(), st.data())
def test_vectorised_pair_check_agrees_with_the_loop_checker(
    problem: PlacementProblem, data: st.DataObject
) -> None:
    ids = st.tuples(st.sampled_from([*problem.case_ids, "X"]),
                    st.sampled_from([*problem.locality_ids, "Y"]))
    pairs = data.draw(st.lists(ids, max_size=2 * problem.n_cases))  # repeats: placed twice
    assert raised(check_placed_pairs, problem, pairs) == \
        raised(loop_check_placed_pairs, problem, pairs)


def test_wrong_length_is_refused_the_same_way() -> None:
    problem = PlacementProblem(
        case_ids=("A",), locality_ids=("L",), locality_countries=("ALB",),
        dimensions=("persons",), needs=np.array([[1]]), capacity=np.array([[1]]),
        priority=np.zeros(1, dtype=np.int8), pair_case=np.array([0]),
        pair_locality=np.array([0]), pair_score=np.zeros(1))
    wrong = np.array([0, 0])
    assert raised(check_placement, problem, wrong) == raised(loop_check_placement, problem, wrong)
    assert raised(check_placement, problem, np.array([0])) is None
