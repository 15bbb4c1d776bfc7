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

import bisect
import time
from collections import deque

import numpy as np
from numpy.typing import NDArray

from resettle.placement.conflicts import lock_conflict_result
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
        infeasible = lock_conflict_result(problem, solver=self.name, seed=seed, started=started)
        if infeasible is not None:
            return infeasible
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
    """Refugee-proposing deferred acceptance; returns the assignment (-1 = unplaced).

    Plain Python lists in the loop: per-element numpy calls would dominate the run time.
    """
    needs = [tuple(row) for row in problem.needs.tolist()]
    room = problem.capacity.copy()
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    for case, loc in problem.locks.items():
        assignment[case] = loc
        room[loc] -= problem.needs[case]
    rooms = [tuple(row) for row in room.tolist()]
    used = [[0] * len(problem.dimensions) for _ in range(problem.n_localities)]
    held: list[list[tuple[int, int]]] = [[] for _ in range(problem.n_localities)]  # sorted
    lists = _proposal_lists(problem, pref)
    pair_loc, pair_prio = problem.pair_locality.tolist(), prio.tolist()
    free = deque(c for c in range(problem.n_cases) if c not in problem.locks)
    next_choice = [0] * problem.n_cases
    # all cases alike (e.g. one person each): the greedy choice just drops the lowest-ranked
    alike = bool((problem.needs == problem.needs[:1]).all()) if problem.n_cases else True
    while free:
        case = free.popleft()
        if next_choice[case] >= len(lists[case]):
            continue
        pair = lists[case][next_choice[case]]
        next_choice[case] += 1
        loc, rank = pair_loc[pair], pair_prio[pair]
        need, here = needs[case], used[loc]
        if all(n <= r - u for n, r, u in zip(need, rooms[loc], here, strict=True)):
            bisect.insort(held[loc], (rank, case))  # it fits: greedy keeps everyone
            used[loc] = [u + n for u, n in zip(here, need, strict=True)]
        elif held[loc] and rank > held[loc][-1][0]:
            free.append(case)  # ranked below everyone held and no room: rejected outright
        elif alike:
            bisect.insort(held[loc], (rank, case))
            free.append(held[loc].pop()[1])
        else:
            bisect.insort(held[loc], (rank, case))
            held[loc], used[loc], dropped = _greedy_fit(held[loc], rooms[loc], needs)
            free.extend(dropped)
    for loc, cases in enumerate(held):
        for _, case in cases:
            assignment[case] = loc
    return assignment


def _greedy_fit(
    applicants: list[tuple[int, int]], room: tuple[int, ...], needs: list[tuple[int, ...]]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """In priority order (``applicants`` is sorted), keep each one that still fits."""
    left = list(room)
    kept: list[tuple[int, int]] = []
    dropped: list[int] = []
    for rank, case in applicants:
        need = needs[case]
        if all(n <= x for n, x in zip(need, left, strict=True)):
            left = [x - n for x, n in zip(left, need, strict=True)]
            kept.append((rank, case))
        else:
            dropped.append(case)
    return kept, [r - x for r, x in zip(room, left, strict=True)], dropped


def _proposal_lists(problem: PlacementProblem, pref: NDArray[np.int64]) -> list[list[int]]:
    """Each case's acceptable pairs, best first."""
    acceptable = np.flatnonzero(pref > 0)
    order = acceptable[np.lexsort((pref[acceptable], problem.pair_case[acceptable]))]
    counts = np.bincount(problem.pair_case[order], minlength=problem.n_cases)
    ordered = order.tolist()
    lists, start = [], 0
    for count in counts.tolist():
        lists.append(ordered[start : start + count])
        start += count
    return lists


def count_blocking_pairs(
    problem: PlacementProblem,
    assignment: NDArray[np.int64],
    pref: NDArray[np.int64],
    prio: NDArray[np.int64],
) -> int:
    """Pairs (c, l) where c prefers l and l's greedy choice would take c (see module doc).

    The cases placed at l form l's own greedy choice, so adding c changes nothing for the
    cases ranked above it: c is taken iff it fits in the room those cases leave.
    """
    room = problem.capacity.copy()
    for case, loc in problem.locks.items():
        room[loc] -= problem.needs[case]
    current = problem.pairs_of_assignment(assignment)
    placed_pairs = current[(current >= 0) & ~np.isin(np.arange(problem.n_cases),
                                                     list(problem.locks))]
    mine = np.where(current[problem.pair_case] >= 0,
                    pref[np.maximum(current[problem.pair_case], 0)], np.iinfo(np.int64).max)
    wants = ((pref > 0) & (pref < mine)
             & (assignment[problem.pair_case] != problem.pair_locality)
             & ~np.isin(problem.pair_case, list(problem.locks)))
    blocking = 0
    for loc in range(problem.n_localities):
        held = placed_pairs[problem.pair_locality[placed_pairs] == loc]
        order = np.argsort(prio[held])
        ranks = prio[held][order]
        cum = np.vstack([np.zeros((1, room.shape[1]), dtype=np.int64),
                         np.cumsum(problem.needs[problem.pair_case[held][order]], axis=0)])
        asking = np.flatnonzero(wants & (problem.pair_locality == loc))
        used = cum[np.searchsorted(ranks, prio[asking])]
        fits = (problem.needs[problem.pair_case[asking]] <= room[loc] - used).all(axis=1)
        blocking += int(fits.sum())
    return blocking


register_solver(StableSolver.name, StableSolver)
