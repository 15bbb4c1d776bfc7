"""Greedy baseline, the caseworker habit: most urgent first, each to its best available place.

Cases are taken by priority level (emergency, urgent, normal), in input order within a level
(registration order, as a caseworker works through a list). Each takes the allowed locality
with the highest score that still has room in every dimension. No bound is proven.
"""

from __future__ import annotations

import numpy as np

from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult
from resettle.placement.solvers._sequential import place_in_order
from resettle.placement.solvers.base import register_solver


class GreedySolver:
    name = "greedy"

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        order = np.argsort(problem.priority, kind="stable").astype(np.int64)
        scores = problem.pair_score

        def best(pairs: np.ndarray) -> int:
            return int(pairs[int(np.argmax(scores[pairs]))])

        return place_in_order(problem, order, best, solver=self.name, seed=seed)


register_solver(GreedySolver.name, GreedySolver)
