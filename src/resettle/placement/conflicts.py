"""Constraints that cannot hold together, named so a caseworker can act on them."""

from __future__ import annotations

import time

import numpy as np

from resettle.placement.objective import report_result
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus


def lock_conflict_result(
    problem: PlacementProblem, *, solver: str, seed: int, started: float
) -> PlacementResult | None:
    """An infeasible result naming the conflicting locks, or None when the locks can hold."""
    conflicts = find_lock_conflicts(problem)
    if not conflicts:
        return None
    return report_result(
        problem, None, status=SolveStatus.INFEASIBLE, solver=solver, seed=seed,
        seconds=time.perf_counter() - started, conflicts=tuple(conflicts),
        message="the locks cannot all be respected",
    )


def find_lock_conflicts(problem: PlacementProblem) -> list[str]:
    """Locks that no placement can respect: locked to a disallowed pair, or over capacity."""
    found: list[str] = []
    used = np.zeros_like(problem.capacity)
    for case, loc in sorted(problem.locks.items()):
        if problem.pair_index(case, loc) < 0:
            found.append(
                f"lock {problem.case_ids[case]} -> {problem.locality_ids[loc]}: "
                "the pair is not allowed"
            )
        used[loc] += problem.needs[case]
    over = np.argwhere(used > problem.capacity)
    for loc, dim in over.tolist():
        locked = [problem.case_ids[c] for c, at in sorted(problem.locks.items()) if at == loc]
        found.append(
            f"capacity {problem.dimensions[dim]} of {problem.locality_ids[loc]} "
            f"({problem.capacity[loc, dim]}) < locked cases {', '.join(locked)} "
            f"({used[loc, dim]})"
        )
    return found


def find_floor_conflicts(problem: PlacementProblem) -> list[str]:
    """Group floors that cannot be met even if every allowed case of the group is placed."""
    has_pair = np.zeros(problem.n_cases, dtype=bool)
    has_pair[problem.pair_case] = True
    found: list[str] = []
    for floor in problem.group_floors:
        sizes = problem.sizes[floor.cases]
        reachable = float(sizes[has_pair[floor.cases]].sum()) / max(float(sizes.sum()), 1.0)
        if reachable + 1e-9 < floor.min_share_placed:
            found.append(
                f"group floor {floor.name}: at most {reachable:.1%} of its persons have an "
                f"allowed locality, floor {floor.min_share_placed:.1%}"
            )
    return found
