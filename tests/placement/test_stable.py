"""Preference mode: deferred acceptance equals the `matching` library where the answer is
unique (the resident-optimal stable matching, unit sizes), and reports blocking pairs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from resettle.placement.problem import PlacementProblem
from resettle.placement.solvers import get_solver
from resettle.placement.solvers.stable import count_blocking_pairs, preference_ranks


def ranked_problem(seed: int, n: int, m: int, *, sizes: bool = False,
                   acceptable: float = 0.7) -> PlacementProblem:
    rng = np.random.default_rng(seed)
    allowed = rng.random((n, m)) < acceptable
    pair_case, pair_locality = np.nonzero(allowed)
    pref = np.empty(len(pair_case), dtype=np.int64)
    for case in range(n):
        mine = np.flatnonzero(pair_case == case)
        pref[mine] = rng.permutation(len(mine)) + 1
    prio = np.empty(len(pair_case), dtype=np.int64)
    order = rng.permutation(n)  # each locality ranks cases by its own random order
    for loc in range(m):
        mine = np.flatnonzero(pair_locality == loc)
        local = rng.permutation(n) if loc % 2 else order
        prio[mine] = np.argsort(local)[pair_case[mine]] + 1
    needs = rng.integers(1, 4, size=(n, 1)) if sizes else np.ones((n, 1), dtype=np.int64)
    return PlacementProblem(
        case_ids=tuple(f"R{i}" for i in range(n)), locality_ids=tuple(f"H{j}" for j in range(m)),
        locality_countries=("ALB",) * m, dimensions=("persons",), needs=needs,
        capacity=rng.integers(0, max(2, 2 * n // m), size=(m, 1)),
        priority=np.full(n, 2, dtype=np.int8), pair_case=pair_case.astype(np.int64),
        pair_locality=pair_locality.astype(np.int64), pair_score=np.zeros(len(pair_case)),
        pair_pref_rank=pref, pair_priority_rank=prio,
    )


def with_matching(problem: PlacementProblem) -> dict[str, str]:
    residents: dict[str, list[str]] = {}
    hospitals: dict[str, list[tuple[int, str]]] = {h: [] for h in problem.locality_ids}
    assert problem.pair_pref_rank is not None and problem.pair_priority_rank is not None
    for p in np.argsort(problem.pair_pref_rank, kind="stable"):
        case = problem.case_ids[problem.pair_case[p]]
        loc = problem.locality_ids[problem.pair_locality[p]]
        residents.setdefault(case, []).append(loc)
        hospitals[loc].append((int(problem.pair_priority_rank[p]), case))
    capacity = dict(zip(problem.locality_ids, problem.capacity[:, 0].tolist(), strict=True))
    # `matching` cannot hold a hospital with no places: leave those out, nobody can go there
    hospital_prefs = {h: [c for _, c in sorted(v)] for h, v in hospitals.items()
                      if v and capacity[h] > 0}
    residents = {r: [h for h in prefs if h in hospital_prefs] for r, prefs in residents.items()}
    residents = {r: v for r, v in residents.items() if v}
    capacities = {h: int(capacity[h]) for h in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(residents, hospital_prefs, capacities)
    solution = game.solve(optimal="resident")
    return {r.name: h.name for h, rs in solution.items() for r in rs}


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 25), st.integers(1, 6))
def test_equals_matching_on_unit_sizes(seed: int, n: int, m: int) -> None:
    problem = ranked_problem(seed, n, m)
    result = get_solver("stable").solve(problem)
    ours = dict(result.placed_pairs(problem))
    assert ours == with_matching(problem)
    assert result.stats["blocking_pairs"] == 0


def test_families_never_overfill_and_blocking_pairs_are_counted() -> None:
    for seed in range(20):
        problem = ranked_problem(seed, 30, 4, sizes=True)
        result = get_solver("stable").solve(problem)  # the checker ran inside
        pref, prio = preference_ranks(problem)
        assert result.stats["blocking_pairs"] == count_blocking_pairs(
            problem, result.assignment, pref, prio)


def test_a_blocking_pair_with_families_is_reported() -> None:
    # L (3 places) ranks G > F > c. F (3) proposes first and is held; c (1) is rejected;
    # G (2) arrives and displaces F; 1 place is left, which c would have taken.
    problem = PlacementProblem(
        case_ids=("F", "c", "G"), locality_ids=("L", "M"), locality_countries=("ALB", "DEU"),
        dimensions=("persons",), needs=np.array([[3], [1], [2]]),
        capacity=np.array([[3], [5]]), priority=np.full(3, 2, dtype=np.int8),
        pair_case=np.array([0, 0, 1, 1, 2]), pair_locality=np.array([0, 1, 0, 1, 0]),
        pair_score=np.zeros(5), pair_pref_rank=np.array([1, 2, 1, 2, 1]),
        pair_priority_rank=np.array([2, 1, 3, 2, 1]),
    )
    result = get_solver("stable").solve(problem)
    assert result.placements(problem) == [("F", "M"), ("c", "M"), ("G", "L")]
    assert result.stats["blocking_pairs"] == 1
