"""Random baseline (seeded): cases in random order, each to a random allowed place with room.

Priority is ignored on purpose: this is the floor any method must beat. Same seed, same result.
"""

from __future__ import annotations

import numpy as np

from resettle.placement.problem import PlacementProblem
from resettle.placement.result import PlacementResult
from resettle.placement.solvers._sequential import place_in_order
from resettle.placement.solvers.base import register_solver


class RandomSolver:
    name = "random"

    def solve(
        self,
        problem: PlacementProblem,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        seed: int = 0,
    ) -> PlacementResult:
        rng = np.random.default_rng(seed)
        order = rng.permutation(problem.n_cases).astype(np.int64)

        def pick(pairs: np.ndarray) -> int:
            return int(pairs[int(rng.integers(len(pairs)))])

        return place_in_order(problem, order, pick, solver=self.name, seed=seed)


register_solver(RandomSolver.name, RandomSolver)
