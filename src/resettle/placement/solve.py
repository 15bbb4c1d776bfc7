"""Entry point: validate the arrays, pick the solver, return its (checked) result."""

from __future__ import annotations

from resettle.core.issues import Issue
from resettle.errors import ValidationError
from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult
from resettle.placement.solvers.base import get_solver


def solve_placement(
    problem: PlacementProblem,
    *,
    solver: str = "exact",
    time_limit: float | None = None,
    gap: float | None = None,
    seed: int = 0,
) -> PlacementResult:
    """Solve with the named solver. Broken arrays raise ValidationError listing every issue.

    An infeasible problem is a result (status ``infeasible`` and the conflicting constraints),
    not an exception. The result has passed the independent checker.
    """
    broken = problem.issues()
    if broken:
        raise ValidationError([Issue("bad_problem", message) for message in broken])
    return get_solver(solver).solve(problem, time_limit=time_limit, gap=gap, seed=seed)
