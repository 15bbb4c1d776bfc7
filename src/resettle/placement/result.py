"""What every solver returns: a status, an assignment and the figures to judge it by.

Infeasible or failed solves are results too (status + message + the conflicting constraints),
never a crash. Build results with :func:`resettle.placement.objective.report_result`, which
computes the objective the same way for every solver and runs the independent checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from resettle.placement.problem import PlacementProblem


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven optimal (every tier; relative gap <= 1e-6)
    WITHIN_GAP = "within_gap"  # stopped at the requested relative gap, bound reported
    TIME_LIMIT = "time_limit"  # stopped by the time limit with a placement, bound if known
    FEASIBLE = "feasible"  # a valid placement with no optimality claim (heuristics, stable)
    INFEASIBLE = "infeasible"  # no valid placement exists (e.g. locks exceed capacity)
    ERROR = "error"  # the solver failed; ``message`` says why

    @property
    def has_solution(self) -> bool:
        return self not in (SolveStatus.INFEASIBLE, SolveStatus.ERROR)


@dataclass(frozen=True, eq=False)
class PlacementResult:
    """One solve. ``objective``/``bound`` refer to the last tier (the expected outcome).

    ``tiers`` holds the value of every lexicographic tier (see ``objective.tier_names``);
    ``tier_bounds`` an upper bound per tier *given the earlier tiers at their achieved
    values* (``None`` where the solver proves nothing). ``gap`` is
    ``(bound - objective) / max(|bound|, 1e-9)``.
    """

    status: SolveStatus
    assignment: NDArray[np.int64]  # (n_cases,) locality index, -1 = unplaced
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    solver: str
    seed: int
    tier_names: tuple[str, ...] = ()
    tiers: tuple[float, ...] = ()
    tier_bounds: tuple[float | None, ...] = ()
    persons_placed: dict[str, int] = field(default_factory=dict)  # priority name -> persons
    cases_placed: int = 0
    fairness_shortfalls: tuple[str, ...] = ()  # group floors not met (baselines only)
    message: str = ""
    conflicts: tuple[str, ...] = ()  # infeasible: the constraints that cannot hold together
    stats: dict[str, float] = field(default_factory=dict)  # solver-specific figures
    # (n_localities, n_dims) capacity duals the solver already has (``large``: its LP's prices
    # of the tier-weighted objective); explanations fall back on them under a time budget
    capacity_prices: NDArray[np.float64] | None = None

    @property
    def total_persons_placed(self) -> int:
        return sum(self.persons_placed.values())

    def placements(self, problem: PlacementProblem) -> list[tuple[str, str | None]]:
        """(case_id, locality_id or None) for every case, in case order."""
        return [
            (case_id, problem.locality_ids[loc] if loc >= 0 else None)
            for case_id, loc in zip(problem.case_ids, self.assignment.tolist(), strict=True)
        ]

    def placed_pairs(self, problem: PlacementProblem) -> list[tuple[str, str]]:
        """(case_id, locality_id) for placed cases only."""
        return [(c, loc) for c, loc in self.placements(problem) if loc is not None]

    def locality_of(self, problem: PlacementProblem, case_id: str) -> str | None:
        index = problem.case_ids.index(case_id)
        loc = int(self.assignment[index])
        return problem.locality_ids[loc] if loc >= 0 else None

    def summary(self) -> str:
        bound = "n/a" if self.bound is None else f"{self.bound:.4f}"
        gap = "n/a" if self.gap is None else f"{100 * self.gap:.3f}%"
        return (
            f"{self.solver}: {self.status} in {self.seconds:.2f}s, {self.cases_placed} cases / "
            f"{self.total_persons_placed} persons placed, outcome {self.objective:.4f}, "
            f"bound {bound}, gap {gap}"
        )
