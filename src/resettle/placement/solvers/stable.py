"""Preference mode: refugee-proposing deferred acceptance under multi-dimensional capacity.

Cases rank localities (``pair_pref_rank``, 1 = first choice; a pair that is not allowed, or a
rank <= 0, is unacceptable); localities rank cases (``pair_priority_rank``, 1 = highest).
Without ranks, a case prefers higher scores and a locality prefers more urgent cases, then
higher scores there. Locked cases are placed first and their needs taken off capacity.

How a family counts: a case occupies its full needs vector (persons = its size, plus large-
family units, medical places, ...) at one locality, never split. A locality's choice from
its applicants is *greedy by priority*: in its priority order, take each applicant that still
fits in every dimension, skip those that do not.

Each round, every unplaced case proposes to its best locality that has not rejected it; the
locality keeps its greedy choice among the cases it holds plus the newcomer and rejects the
rest. Rejected cases never propose there again. The process ends when no case can propose.

Stability. A pair (case c, locality l) *blocks* a placement if c ranks l above where it is
(or c is unplaced and l is acceptable), and l's greedy choice from its placed cases plus c
would take c. With unit sizes and one dimension (hospitals/residents), this is classical
stability: the result has no blocking pair and is the refugee-optimal stable matching
(Gale-Shapley); that case is tested against the ``matching`` library. With families of
several persons or several dimensions, a stable placement may not exist, and deferred
acceptance can leave a blocking pair (a small case rejected when a large family held the
room, which later left). The solver counts them and reports ``stats["blocking_pairs"]``; it
never breaks capacity, acceptability or protection rules (the independent checker runs).
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import find_lock_conflicts
from resettle.placement.objective import report_result
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult, SolveStatus
from resettle.placement.solvers.base import register_solver


class StableSolver:
    name = "stable"

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        started = time.perf_counter()
        conflicts = find_lock_conflicts(problem)
        if conflicts:
            return report_result(
                problem, None, status=SolveStatus.INFEASIBLE, solver=self.name, seed=seed,
                seconds=time.perf_counter() - started, conflicts=tuple(conflicts),
                message="the locks cannot all be respected",
            )
        pref, prio = preference_ranks(problem)
        assignment = deferred_acceptance(problem, pref, prio)
        blocking = count_blocking_pairs(problem, assignment, pref, prio)
        return report_result(
            problem, assignment, status=SolveStatus.FEASIBLE, solver=self.name, seed=seed,
            seconds=time.perf_counter() - started, stats={"blocking_pairs": float(blocking)},
        )


def preference_ranks(problem: PlacementProblem) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per pair: the case's rank of the locality and the locality's rank of the case."""
    k = problem.n_pairs
    if problem.pair_pref_rank is not None:
        pref = problem.pair_pref_rank.astype(np.int64)
    else:  # higher score first, then locality index
        order = np.lexsort((problem.pair_locality, -problem.pair_score, problem.pair_case))
        pref = np.empty(k, dtype=np.int64)
        pref[order] = np.arange(k) - problem.case_indptr[problem.pair_case[order]] + 1
    if problem.pair_priority_rank is not None:
        prio = problem.pair_priority_rank.astype(np.int64)
    else:  # more urgent first, then higher score there, then case index
        order = np.lexsort((problem.pair_case, -problem.pair_score,
                            problem.priority[problem.pair_case], problem.pair_locality))
        prio = np.empty(k, dtype=np.int64)
        prio[order] = np.arange(k)
    return pref, prio


def deferred_acceptance(
    problem: PlacementProblem, pref: NDArray[np.int64], prio: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Refugee-proposing deferred acceptance; returns the assignment (-1 = unplaced)."""
    needs = problem.needs
    room = problem.capacity.copy()
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    for case, loc in problem.locks.items():
        assignment[case] = loc
        room[loc] -= needs[case]
    lists = _proposal_lists(problem, pref)
    held: list[list[tuple[int, int]]] = [[] for _ in range(problem.n_localities)]  # (rank, case)
    used = np.zeros_like(room)
    free = deque(c for c in range(problem.n_cases) if c not in problem.locks)
    next_choice = np.zeros(problem.n_cases, dtype=np.int64)
    while free:
        case = free.popleft()
        if next_choice[case] >= len(lists[case]):
            continue
        pair = lists[case][next_choice[case]]
        next_choice[case] += 1
        loc = int(problem.pair_locality[pair])
        if (needs[case] <= room[loc] - used[loc]).all():
            held[loc].append((int(prio[pair]), case))  # it fits: greedy keeps everyone
            used[loc] += needs[case]
            continue
        kept, dropped = _greedy_choice([*held[loc], (int(prio[pair]), case)], room[loc], needs)
        held[loc] = kept
        used[loc] = _used(kept, needs)
        free.extend(dropped)
    for loc, cases in enumerate(held):
        for _, case in cases:
            assignment[case] = loc
    return assignment


def _proposal_lists(problem: PlacementProblem, pref: NDArray[np.int64]) -> list[list[int]]:
    indptr = problem.case_indptr
    lists = []
    for case in range(problem.n_cases):
        pairs = np.arange(indptr[case], indptr[case + 1])
        pairs = pairs[pref[pairs] > 0]
        lists.append(pairs[np.argsort(pref[pairs], kind="stable")].tolist())
    return lists


def _used(held: list[tuple[int, int]], needs: NDArray[np.int64]) -> NDArray[np.int64]:
    if not held:
        return np.zeros(needs.shape[1], dtype=np.int64)
    total: NDArray[np.int64] = needs[[case for _, case in held]].sum(axis=0)
    return total


def _greedy_choice(
    applicants: list[tuple[int, int]], room: NDArray[np.int64], needs: NDArray[np.int64]
) -> tuple[list[tuple[int, int]], list[int]]:
    """In priority order, keep each applicant that still fits; return (kept, rejected)."""
    left = room.copy()
    kept: list[tuple[int, int]] = []
    dropped: list[int] = []
    for rank, case in sorted(applicants):
        if (needs[case] <= left).all():
            left -= needs[case]
            kept.append((rank, case))
        else:
            dropped.append(case)
    return kept, dropped


def count_blocking_pairs(
    problem: PlacementProblem,
    assignment: NDArray[np.int64],
    pref: NDArray[np.int64],
    prio: NDArray[np.int64],
) -> int:
    """Pairs (c, l) where c prefers l and l's greedy choice would take c (see module doc)."""
    room = problem.capacity.copy()
    for case, loc in problem.locks.items():
        room[loc] -= problem.needs[case]
    at: list[list[tuple[int, int]]] = [[] for _ in range(problem.n_localities)]
    for case, loc in enumerate(assignment.tolist()):
        if loc >= 0 and case not in problem.locks:
            at[loc].append((int(prio[problem.pair_index(case, loc)]), case))
    current = problem.pairs_of_assignment(assignment)
    blocking = 0
    for pair in range(problem.n_pairs):
        case, loc = int(problem.pair_case[pair]), int(problem.pair_locality[pair])
        if pref[pair] <= 0 or case in problem.locks or assignment[case] == loc:
            continue
        mine = current[case]
        if mine >= 0 and pref[mine] <= pref[pair]:
            continue
        kept, _ = _greedy_choice([*at[loc], (int(prio[pair]), case)], room[loc], problem.needs)
        blocking += any(c == case for _, c in kept)
    return blocking


register_solver(StableSolver.name, StableSolver)
