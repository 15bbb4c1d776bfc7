"""Merge interchangeable cases into classes: an exact reduction for the MIP.

Two unlocked cases are interchangeable when they have the same needs, priority, fairness
groups and the same allowed localities with the same scores. A class of k such cases becomes
one "case" whose pair variables are integers in 0..k (how many of the class go there),
which removes the symmetry that makes branch-and-bound slow on caseloads of many similar
single adults (Camp Ashraf). Disaggregation hands out the class's cases in index order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from resettle.placement.problem import GroupFloor, PlacementProblem


@dataclass(frozen=True, eq=False)
class Aggregated:
    problem: PlacementProblem  # one "case" per class, represented by its first member
    multiplicity: NDArray[np.int64]  # (n_classes,) cases in each class
    members: list[NDArray[np.int64]]  # original case indices per class, ascending
    class_of: NDArray[np.int64]  # (n_cases,) class of each original case


def aggregate_cases(problem: PlacementProblem) -> Aggregated:
    groups = _group_keys(problem)
    indptr = problem.case_indptr
    key_to_class: dict[bytes, int] = {}
    class_of = np.empty(problem.n_cases, dtype=np.int64)
    for case in range(problem.n_cases):
        if case in problem.locks:
            key = b"lock" + case.to_bytes(8, "little")
        else:
            s, e = indptr[case], indptr[case + 1]
            key = b"|".join((problem.needs[case].tobytes(), problem.priority[case].tobytes(),
                             groups[case].tobytes(), problem.pair_locality[s:e].tobytes(),
                             problem.pair_score[s:e].tobytes()))
        class_of[case] = key_to_class.setdefault(key, len(key_to_class))
    order = np.argsort(class_of, kind="stable")
    counts = np.bincount(class_of, minlength=len(key_to_class))
    members = np.split(order, np.cumsum(counts)[:-1])
    reps = np.array([m[0] for m in members], dtype=np.int64)
    return Aggregated(_sub_problem(problem, reps, class_of), counts.astype(np.int64),
                      list(members), class_of)


def _group_keys(problem: PlacementProblem) -> NDArray[np.int8]:
    keys = np.zeros((problem.n_cases, max(len(problem.group_floors), 1)), dtype=np.int8)
    for g, floor in enumerate(problem.group_floors):
        keys[floor.cases, g] = 1
    return keys


def _sub_problem(
    problem: PlacementProblem, reps: NDArray[np.int64], class_of: NDArray[np.int64]
) -> PlacementProblem:
    is_rep = np.zeros(problem.n_cases, dtype=bool)
    is_rep[reps] = True
    keep = is_rep[problem.pair_case]
    floors = tuple(
        GroupFloor(f.name, np.unique(class_of[f.cases]), f.min_share_placed, f.min_mean_score)
        for f in problem.group_floors
    )
    return replace(
        problem,
        case_ids=tuple(problem.case_ids[r] for r in reps),
        needs=problem.needs[reps],
        priority=problem.priority[reps],
        pair_case=class_of[problem.pair_case[keep]],
        pair_locality=problem.pair_locality[keep],
        pair_score=problem.pair_score[keep],
        locks={int(class_of[c]): loc for c, loc in problem.locks.items()},
        no_return=tuple(problem.no_return[r] for r in reps) if problem.no_return else (),
        group_floors=floors,
        exclusion_reasons={},
        pair_pref_rank=None,
        pair_priority_rank=None,
    )


def disaggregate(agg: Aggregated, counts: NDArray[np.float64]) -> NDArray[np.int64]:
    """Original assignment from integer class-pair counts."""
    n = len(agg.class_of)
    assignment = np.full(n, -1, dtype=np.int64)
    taken = np.zeros(len(agg.members), dtype=np.int64)
    sub = agg.problem
    for pair in np.flatnonzero(np.round(counts) > 0).tolist():
        cls, loc = int(sub.pair_case[pair]), int(sub.pair_locality[pair])
        k = round(float(counts[pair]))
        chosen = agg.members[cls][taken[cls] : taken[cls] + k]
        assignment[chosen] = loc
        taken[cls] += k
    return assignment


def aggregate_assignment(agg: Aggregated, assignment: NDArray[np.int64]) -> NDArray[np.float64]:
    """Class-pair counts of an original assignment (for MIP starts)."""
    counts = np.zeros(agg.problem.n_pairs)
    classes = agg.class_of[assignment >= 0]
    locs = assignment[assignment >= 0]
    keys = agg.problem.pair_case * agg.problem.n_localities + agg.problem.pair_locality
    at = np.searchsorted(keys, classes * agg.problem.n_localities + locs)
    np.add.at(counts, at, 1.0)
    return counts
