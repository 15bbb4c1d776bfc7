"""The independent checker: verifies a placement against the hard rules, trusting no solver.

Deliberately written apart from the solvers and the objective code (its own array operations
over the raw fields of the problem, no shared helpers such as ``pairs_of_assignment``), so a
bug there cannot hide a bug here. It checks:

- every case is placed at most once and every index is known;
- every placement is an allowed pair of the problem;
- no capacity is exceeded in any dimension;
- every lock is respected (the case is placed exactly where it was locked);
- no case lands in a country on its no-return list (non-refoulement), checked from the
  per-case lists themselves, not from the pair list.

It raises one :class:`PlacementCheckError` listing every violation, in the order the
plain-Python checker it replaces listed them (pair by pair, then capacities, then locks):
tests/placement/test_check_vectorised.py holds the two to the same issues. Vectorised because
the loop version built a set of every allowed pair, tens of seconds at 10,000,000 pairs
(issue 17 item 0); this one is a sort-free search over the pair keys.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from resettle.core.issues import Issue
from resettle.errors import PlacementCheckError
from resettle.placement.problem import PlacementProblem

# Per pair, issues come in this order (as the loop checker raised them).
_BAD_INDEX, _TWICE, _NOT_ALLOWED, _REFOULEMENT = range(4)


def check_placement(problem: PlacementProblem, assignment: NDArray[np.int64]) -> None:
    """Raise :class:`PlacementCheckError` unless ``assignment`` obeys every hard rule."""
    values = np.asarray(assignment).ravel().astype(np.int64)
    if len(values) != problem.n_cases:
        issue = Issue("wrong_length", f"{len(values)} entries for {problem.n_cases} cases")
        raise PlacementCheckError([issue], "the placement does not fit the problem")
    cases = np.flatnonzero(values != -1)
    issues = _pair_issues(problem, cases, values[cases])
    issues.extend(_lock_issues(problem, values))
    if issues:
        raise PlacementCheckError(issues, f"{len(issues)} rule(s) broken by the placement")


def check_placed_pairs(problem: PlacementProblem, pairs: Iterable[tuple[str, str]]) -> None:
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
    found = np.array(indexed, dtype=np.int64).reshape(-1, 2)
    issues.extend(_pair_issues(problem, found[:, 0], found[:, 1]))
    values = np.full(problem.n_cases, -1, dtype=np.int64)
    for case, loc in indexed:  # the last line for a case wins, as it did
        values[case] = loc
    issues.extend(_lock_issues(problem, values))
    if issues:
        raise PlacementCheckError(issues, f"{len(issues)} rule(s) broken by the placement")


def _pair_issues(
    problem: PlacementProblem, cases: NDArray[np.int64], locs: NDArray[np.int64]
) -> list[Issue]:
    """Issues of the placed (case, locality) entries, in entry order, then capacities."""
    n, m = problem.n_cases, problem.n_localities
    found: list[tuple[int, int, Issue]] = []  # (entry, order within the entry, issue)
    inside = (cases >= 0) & (cases < n) & (locs >= 0) & (locs < m)
    for at in np.flatnonzero(~inside).tolist():
        found.append((at, _BAD_INDEX, Issue(
            "bad_index", f"case {int(cases[at])} -> locality {int(locs[at])} is out of range")))
    entries = np.flatnonzero(inside)
    case_in, loc_in = cases[entries], locs[entries]
    for at in entries[_repeated(case_in)].tolist():
        found.append((at, _TWICE, Issue("placed_twice", "case placed more than once",
                                        record=problem.case_ids[int(cases[at])])))
    for at in entries[~_allowed(problem, case_in, loc_in)].tolist():
        found.append((at, _NOT_ALLOWED, Issue(
            "not_allowed", f"{problem.locality_ids[int(locs[at])]} is not allowed",
            record=problem.case_ids[int(cases[at])])))
    found.extend(_refoulement(problem, entries, case_in, loc_in))
    found.sort(key=lambda item: (item[0], item[1]))
    issues = [issue for _, _, issue in found]
    issues.extend(_capacity_issues(problem, case_in, loc_in))
    return issues


def _repeated(cases: NDArray[np.int64]) -> NDArray[np.bool_]:
    """True for every entry whose case appeared in an earlier entry."""
    first = np.zeros(len(cases), dtype=bool)
    first[np.unique(cases, return_index=True)[1]] = True
    return ~first


def _allowed(
    problem: PlacementProblem, cases: NDArray[np.int64], locs: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Whether each (case, locality) is one of the problem's allowed pairs: a search in the
    pair keys (sorted first should they not be, since the checker trusts nothing)."""
    width = max(problem.n_localities, 1)
    keys = problem.pair_case.astype(np.int64) * width + problem.pair_locality
    if len(keys) > 1 and not bool((keys[1:] >= keys[:-1]).all()):
        keys = np.sort(keys)
    wanted = cases * width + locs
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.asarray(keys[at] == wanted, dtype=bool)


def _refoulement(
    problem: PlacementProblem, entries: NDArray[np.int64], cases: NDArray[np.int64],
    locs: NDArray[np.int64],
) -> list[tuple[int, int, Issue]]:
    if not problem.no_return:
        return []
    found = []
    for at, case, loc in zip(entries.tolist(), cases.tolist(), locs.tolist(), strict=True):
        country = problem.locality_countries[loc]
        if country in problem.no_return[case]:
            found.append((at, _REFOULEMENT, Issue(
                "refoulement_forbidden",
                f"{problem.locality_ids[loc]} is in {country}, on the no-return list",
                record=problem.case_ids[case])))
    return found


def _capacity_issues(
    problem: PlacementProblem, cases: NDArray[np.int64], locs: NDArray[np.int64]
) -> list[Issue]:
    """Every (locality, dimension) used beyond its capacity, locality by locality."""
    used = np.zeros((problem.n_localities, len(problem.dimensions)), dtype=np.int64)
    np.add.at(used, locs, np.asarray(problem.needs, dtype=np.int64)[cases])
    capacity = np.asarray(problem.capacity, dtype=np.int64)
    issues = []
    for loc, d in np.argwhere(used > capacity).tolist():
        dimension = problem.dimensions[d]
        issues.append(Issue(
            "capacity_exceeded",
            f"{used[loc, d]} {dimension} used, capacity {capacity[loc, d]}",
            record=problem.locality_ids[loc], field=dimension))
    return issues


def _lock_issues(problem: PlacementProblem, values: NDArray[np.int64]) -> list[Issue]:
    if not problem.locks:
        return []
    locked = np.fromiter(problem.locks.keys(), dtype=np.int64, count=len(problem.locks))
    where = np.fromiter(problem.locks.values(), dtype=np.int64, count=len(problem.locks))
    broken = np.flatnonzero(values[locked] != where)
    issues = []
    for case, loc in zip(locked[broken].tolist(), where[broken].tolist(), strict=True):
        at = "unplaced" if values[case] == -1 else f"at index {values[case]}"
        issues.append(Issue("lock_broken", f"locked to {problem.locality_ids[loc]} but {at}",
                            record=problem.case_ids[case]))
    return issues
