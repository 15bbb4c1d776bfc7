"""The placement objective, lexicographic, and the one reporting function every solver uses.

Tiers, compared in order (a later tier only breaks ties of the earlier ones):

1. ``emergency_persons``: persons of emergency-priority cases placed;
2. ``urgent_persons``: persons of urgent-priority cases placed;
3. ``normal_persons`` (when ``problem.coverage_tier``, the default): persons of normal-priority
   cases placed. Every person placed is a person reaching safety, so coverage of normal cases
   ranks above their expected outcome: the solvers place every case the capacity allows (what
   the benchmarks call "every case placed that the LP can place") and only then pick *where*.
   With ``coverage_tier=False`` normal cases compete through their outcome alone (a case with
   a low score may then be left out in favour of a better use of the places);
4. ``outcome``: total expected outcome, ``pair_score x size`` per placed case when
   ``problem.outcome_per_person`` (the default), else ``pair_score`` per case.

Exact solvers optimise the tiers one after another (preemptive lexicographic optimisation):
a weighted sum would need weights so large that MIP tolerances blur the tiers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from resettle.placement.check import check_placement
from resettle.placement.problem import PlacementProblem, PriorityLevel
from resettle.placement.result import PlacementResult, SolveStatus

EMERGENCY_PERSONS = "emergency_persons"
URGENT_PERSONS = "urgent_persons"
NORMAL_PERSONS = "normal_persons"
OUTCOME = "outcome"
PRIORITY_NAMES = {level: level.name.lower() for level in PriorityLevel}


def tier_names(problem: PlacementProblem) -> tuple[str, ...]:
    if problem.coverage_tier:
        return (EMERGENCY_PERSONS, URGENT_PERSONS, NORMAL_PERSONS, OUTCOME)
    return (EMERGENCY_PERSONS, URGENT_PERSONS, OUTCOME)


def pair_outcome(
    problem: PlacementProblem, pairs: NDArray[np.int64] | None = None
) -> NDArray[np.float64]:
    """The outcome tier's coefficient per allowed pair (or per pair of ``pairs`` only)."""
    score = problem.pair_score if pairs is None else problem.pair_score[pairs]
    if problem.outcome_per_person:
        cases = problem.pair_case if pairs is None else problem.pair_case[pairs]
        return score * problem.sizes[cases]
    return score.astype(np.float64, copy=True)


def tier_coefficients(
    problem: PlacementProblem, pairs: NDArray[np.int64] | None = None
) -> list[NDArray[np.float64]]:
    """One coefficient vector over the allowed pairs per tier, in tier order (over the pairs
    of ``pairs`` only, when given: at 10,000,000 pairs the full vectors cost ~0.5 s each)."""
    cases = problem.pair_case if pairs is None else problem.pair_case[pairs]
    pair_priority = problem.priority[cases]
    pair_size = problem.sizes[cases].astype(np.float64)
    levels = [PriorityLevel.EMERGENCY, PriorityLevel.URGENT]
    if problem.coverage_tier:
        levels.append(PriorityLevel.NORMAL)
    coefficients = [np.where(pair_priority == level, pair_size, 0.0) for level in levels]
    coefficients.append(pair_outcome(problem, pairs))
    return coefficients


def evaluate_tiers(problem: PlacementProblem, assignment: NDArray[np.int64]) -> tuple[float, ...]:
    """The value of every tier for an assignment (unallowed placements count nothing)."""
    chosen = problem.pairs_of_assignment(assignment)
    chosen = chosen[chosen >= 0]
    return tuple(float(c.sum()) for c in tier_coefficients(problem, chosen))


def persons_placed(problem: PlacementProblem, assignment: NDArray[np.int64]) -> dict[str, int]:
    placed = assignment >= 0
    return {
        name: int(problem.sizes[placed & (problem.priority == level)].sum())
        for level, name in PRIORITY_NAMES.items()
    }


def fairness_shortfalls(problem: PlacementProblem, assignment: NDArray[np.int64]) -> list[str]:
    """Group floors the assignment does not meet (empty when all are met)."""
    if not problem.group_floors:
        return []
    chosen = problem.pairs_of_assignment(assignment)
    outcome = pair_outcome(problem)
    found: list[str] = []
    for floor in problem.group_floors:
        members = floor.cases
        sizes = problem.sizes[members]
        placed = chosen[members] >= 0
        share = float(sizes[placed].sum()) / max(float(sizes.sum()), 1.0)
        if share + 1e-9 < floor.min_share_placed:
            found.append(f"{floor.name}: {share:.1%} placed, floor {floor.min_share_placed:.1%}")
        if floor.min_mean_score is not None and placed.any():
            units = sizes[placed].sum() if problem.outcome_per_person else placed.sum()
            mean = float(outcome[chosen[members][placed]].sum()) / float(units)
            if mean + 1e-9 < floor.min_mean_score:
                found.append(f"{floor.name}: mean outcome {mean:.4f} < {floor.min_mean_score}")
    return found


def relative_gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return max(0.0, (bound - objective) / max(abs(bound), 1e-9))


def report_result(
    problem: PlacementProblem,
    assignment: NDArray[np.int64] | None,
    *,
    status: SolveStatus,
    solver: str,
    seed: int,
    seconds: float,
    tier_bounds: tuple[float | None, ...] | None = None,
    message: str = "",
    conflicts: tuple[str, ...] = (),
    stats: dict[str, float] | None = None,
) -> PlacementResult:
    """Build the result every solver returns; runs the independent checker on solutions.

    Raises :class:`resettle.errors.PlacementCheckError` if a solver produced a placement that
    breaks a hard rule: that is a bug and must never reach a caseworker.
    """
    names = tier_names(problem)
    if assignment is None or not status.has_solution:
        assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    else:
        assignment = np.asarray(assignment, dtype=np.int64)
        check_placement(problem, assignment)
    tiers = evaluate_tiers(problem, assignment)
    bounds = tier_bounds if tier_bounds is not None else (None,) * len(names)
    bound = bounds[-1] if status.has_solution else None
    return PlacementResult(
        status=status,
        assignment=assignment,
        objective=tiers[-1],
        bound=bound,
        gap=relative_gap(tiers[-1], bound),
        seconds=seconds,
        solver=solver,
        seed=seed,
        tier_names=names,
        tiers=tiers,
        tier_bounds=bounds,
        persons_placed=persons_placed(problem, assignment),
        cases_placed=int((assignment >= 0).sum()),
        fairness_shortfalls=tuple(fairness_shortfalls(problem, assignment)),
        message=message,
        conflicts=conflicts,
        stats=dict(stats or {}),
    )
