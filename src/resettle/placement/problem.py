"""The placement problem as arrays: the one contract every solver reads.

Cases and localities are indexed 0..n-1 and 0..m-1. Only *allowed* (case, locality) pairs exist,
stored sparse (COO, sorted by case): a pair absent from ``pair_case``/``pair_locality`` may never
be chosen. Building the problem (``build``-side code) is where the protection rules are applied —
no-return countries, pledge criteria, caseworker prohibitions — so no solver can break them.

Dimension 0 is always ``persons``; ``needs[i, 0]`` is case i's size in persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

PERSONS = "persons"


class PriorityLevel(IntEnum):
    """Array form of :class:`resettle.core.Priority`: smaller is more urgent."""

    EMERGENCY = 0
    URGENT = 1
    NORMAL = 2


@dataclass(frozen=True, eq=False)
class PlacementProblem:
    case_ids: tuple[str, ...]
    locality_ids: tuple[str, ...]
    locality_countries: tuple[str, ...]
    dimensions: tuple[str, ...]
    needs: NDArray[np.int64]  # (n_cases, n_dimensions)
    capacity: NDArray[np.int64]  # (n_localities, n_dimensions)
    priority: NDArray[np.int8]  # (n_cases,) PriorityLevel values
    pair_case: NDArray[np.int64]  # (n_pairs,) allowed pairs, sorted by case then locality
    pair_locality: NDArray[np.int64]  # (n_pairs,)
    pair_score: NDArray[np.float64]  # (n_pairs,) predicted outcome or any utility
    locks: dict[int, int] = field(default_factory=dict)  # case index -> locality index

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_localities(self) -> int:
        return len(self.locality_ids)

    @property
    def sizes(self) -> NDArray[np.int64]:
        return self.needs[:, 0]
