"""The independent checker as it was before issue 17 item 0: plain Python loops over the raw
arrays. Kept here, unchanged, as the reference the vectorised checker
(:mod:`resettle.placement.check`) must agree with, issue for issue
(tests/placement/test_check_vectorised.py). At 10,000,000 allowed pairs it takes tens of
seconds (a set of every allowed pair), which is why the checker itself is now vectorised.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from resettle.core.issues import Issue
from resettle.errors import PlacementCheckError
from resettle.placement.problem import PlacementProblem


def loop_check_placement(problem: PlacementProblem, assignment: NDArray[np.int64]) -> None:
    """Raise :class:`PlacementCheckError` unless ``assignment`` obeys every hard rule."""
    values = [int(v) for v in np.asarray(assignment).ravel().tolist()]
    issues: list[Issue] = []
    if len(values) != problem.n_cases:
        issues.append(
            Issue("wrong_length", f"{len(values)} entries for {problem.n_cases} cases")
        )
        raise PlacementCheckError(issues, "the placement does not fit the problem")
    pairs = [(case, loc) for case, loc in enumerate(values) if loc != -1]
    issues.extend(_pair_issues(problem, pairs))
    issues.extend(_lock_issues(problem, values))
    if issues:
        raise PlacementCheckError(issues, f"{len(issues)} rule(s) broken by the placement")


def loop_check_placed_pairs(problem: PlacementProblem, pairs: Iterable[tuple[str, str]]) -> None:
    """Check (case_id, locality_id) pairs, e.g. read back from a placements file."""
    case_at = {case_id: i for i, case_id in enumerate(problem.case_ids)}
    loc_at = {loc_id: j for j, loc_id in enumerate(problem.locality_ids)}
    issues: list[Issue] = []
    indexed: list[tuple[int, int]] = []
    for case_id, loc_id in pairs:
        if case_id not in case_at or loc_id not in loc_at:
            issues.append(
                Issue("unknown_id", f"unknown case or locality {loc_id}", record=case_id)
            )
            continue
        indexed.append((case_at[case_id], loc_at[loc_id]))
    issues.extend(_pair_issues(problem, indexed))
    values = [-1] * problem.n_cases
    for case, loc in indexed:
        values[case] = loc
    issues.extend(_lock_issues(problem, values))
    if issues:
        raise PlacementCheckError(issues, f"{len(issues)} rule(s) broken by the placement")


def _pair_issues(problem: PlacementProblem, pairs: list[tuple[int, int]]) -> list[Issue]:
    n, m = problem.n_cases, problem.n_localities
    allowed = set(
        zip(problem.pair_case.tolist(), problem.pair_locality.tolist(), strict=True)
    )
    issues: list[Issue] = []
    seen: set[int] = set()
    used = [[0] * len(problem.dimensions) for _ in range(m)]
    for case, loc in pairs:
        if not (0 <= case < n and 0 <= loc < m):
            issues.append(Issue("bad_index", f"case {case} -> locality {loc} is out of range"))
            continue
        case_id, loc_id = problem.case_ids[case], problem.locality_ids[loc]
        if case in seen:
            issues.append(Issue("placed_twice", "case placed more than once", record=case_id))
        seen.add(case)
        if (case, loc) not in allowed:
            issues.append(Issue("not_allowed", f"{loc_id} is not allowed", record=case_id))
        country = problem.locality_countries[loc]
        if problem.no_return and country in problem.no_return[case]:
            issues.append(
                Issue("refoulement_forbidden", f"{loc_id} is in {country}, on the no-return list",
                      record=case_id)
            )
        for d in range(len(problem.dimensions)):
            used[loc][d] += int(problem.needs[case][d])
    for loc in range(m):
        for d, dimension in enumerate(problem.dimensions):
            cap = int(problem.capacity[loc][d])
            if used[loc][d] > cap:
                issues.append(
                    Issue("capacity_exceeded", f"{used[loc][d]} {dimension} used, capacity {cap}",
                          record=problem.locality_ids[loc], field=dimension)
                )
    return issues


def _lock_issues(problem: PlacementProblem, values: list[int]) -> list[Issue]:
    issues: list[Issue] = []
    for case, loc in problem.locks.items():
        if values[case] != loc:
            where = "unplaced" if values[case] == -1 else f"at index {values[case]}"
            issues.append(
                Issue("lock_broken",
                      f"locked to {problem.locality_ids[loc]} but {where}",
                      record=problem.case_ids[case])
            )
    return issues
