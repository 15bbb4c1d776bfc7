"""The placement problem as arrays: the one contract every solver reads.

Cases and localities are indexed 0..n-1 and 0..m-1. Only *allowed* (case, locality) pairs exist,
stored sparse (COO, sorted by case then locality): a pair absent from ``pair_case``/
``pair_locality`` may never be chosen. Building the problem (:mod:`resettle.placement.build`) is
where the protection rules are applied — no-return countries, pledge criteria, caseworker
prohibitions, ties as a hard requirement, the fairness floor per case — so no solver can break
them. ``no_return`` is kept on the problem anyway so the independent checker can verify
non-refoulement without trusting the pair list.

Dimension 0 is always ``persons``; ``needs[i, 0]`` is case i's size in persons.

The objective is lexicographic (see :mod:`resettle.placement.objective`): emergency persons
placed, then urgent persons, then (if ``coverage_tier``) normal persons, then the total
expected outcome (``pair_score`` times the case size if ``outcome_per_person``, else per case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

PERSONS = "persons"


class PriorityLevel(IntEnum):
    """Array form of :class:`resettle.core.Priority`: smaller is more urgent."""

    EMERGENCY = 0
    URGENT = 1
    NORMAL = 2


@dataclass(frozen=True, eq=False)
class GroupFloor:
    """A fairness floor for one group of cases (e.g. a nationality, single women, elderly).

    ``min_share_placed``: persons of the group placed >= share x persons in the group.
    ``min_mean_score``: mean outcome per placed person (or case, following the problem's
    ``outcome_per_person``) of the group >= this value. Solvers that cannot enforce floors
    (the baselines) report shortfalls instead; see ``PlacementResult.fairness_shortfalls``.
    """

    name: str
    cases: NDArray[np.int64]  # case indices in the group
    min_share_placed: float = 0.0
    min_mean_score: float | None = None


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
    # Per case: countries no member may be sent to (ISO3). Empty tuple: none recorded.
    no_return: tuple[frozenset[str], ...] = ()
    outcome_per_person: bool = True  # outcome tier counts score x size (else score per case)
    coverage_tier: bool = True  # normal-priority persons placed ranks above the outcome
    group_floors: tuple[GroupFloor, ...] = ()
    # Why a considered (case, locality) pair is NOT allowed, for explanations. Optional.
    exclusion_reasons: Mapping[tuple[int, int], str] = field(default_factory=dict)
    # Preference mode (optional, per pair): the case's rank of the locality (1 = first
    # choice) and the locality's rank of the case (1 = highest priority). When absent the
    # stable solver derives them from scores and priority levels.
    pair_pref_rank: NDArray[np.int64] | None = None
    pair_priority_rank: NDArray[np.int64] | None = None

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_localities(self) -> int:
        return len(self.locality_ids)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_case)

    @property
    def sizes(self) -> NDArray[np.int64]:
        return self.needs[:, 0]

    @cached_property
    def case_indptr(self) -> NDArray[np.int64]:
        """CSR row pointer: case i's pairs are ``indptr[i]:indptr[i+1]``."""
        counts = np.bincount(self.pair_case, minlength=self.n_cases)
        indptr = np.zeros(self.n_cases + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return indptr

    @cached_property
    def pair_needs(self) -> NDArray[np.int64]:
        """(n_pairs, n_dimensions): what choosing each pair consumes."""
        return self.needs[self.pair_case]

    def pair_index(self, case: int, locality: int) -> int:
        """Index of the allowed pair (case, locality), or -1 if it is not allowed."""
        start, stop = self.case_indptr[case], self.case_indptr[case + 1]
        at = int(np.searchsorted(self.pair_locality[start:stop], locality)) + int(start)
        if at < stop and self.pair_locality[at] == locality:
            return at
        return -1

    def pairs_of_assignment(self, assignment: NDArray[np.int64]) -> NDArray[np.int64]:
        """Pair index per case for an assignment (-1 where unplaced or not an allowed pair)."""
        keys = self.pair_case * self.n_localities + self.pair_locality
        placed = assignment >= 0
        wanted = np.arange(self.n_cases, dtype=np.int64) * self.n_localities + assignment
        at = np.searchsorted(keys, wanted)
        at = np.minimum(at, max(len(keys) - 1, 0))
        found = placed & (len(keys) > 0)
        if len(keys):
            found &= keys[at] == wanted
        return np.where(found, at, -1).astype(np.int64)

    def issues(self) -> list[str]:
        """Broken array invariants (shapes, order, ranges). Empty means the contract holds.

        Record-level problems (unknown ids, conflicting locks, ...) are found earlier by
        :func:`resettle.placement.build.validate`; this guards hand-made arrays.
        """
        n, m, d = self.n_cases, self.n_localities, len(self.dimensions)
        found: list[str] = []
        if not self.dimensions or self.dimensions[0] != PERSONS:
            found.append("dimension 0 must be 'persons'")
        if self.needs.shape != (n, d):
            found.append(f"needs has shape {self.needs.shape}, expected {(n, d)}")
        if self.capacity.shape != (m, d):
            found.append(f"capacity has shape {self.capacity.shape}, expected {(m, d)}")
        if len(self.locality_countries) != m:
            found.append("locality_countries must have one entry per locality")
        if self.priority.shape != (n,):
            found.append(f"priority has shape {self.priority.shape}, expected {(n,)}")
        if self.no_return and len(self.no_return) != n:
            found.append("no_return must be empty or have one entry per case")
        found.extend(self._pair_issues())
        return found

    def _pair_issues(self) -> list[str]:
        n, m = self.n_cases, self.n_localities
        k = len(self.pair_case)
        if not (len(self.pair_locality) == len(self.pair_score) == k):
            return ["pair_case, pair_locality and pair_score must have the same length"]
        found: list[str] = []
        if k and (self.pair_case.min() < 0 or self.pair_case.max() >= n):
            found.append("pair_case holds an index outside 0..n_cases-1")
        if k and (self.pair_locality.min() < 0 or self.pair_locality.max() >= m):
            found.append("pair_locality holds an index outside 0..n_localities-1")
        keys = self.pair_case * max(m, 1) + self.pair_locality
        if k > 1 and not bool(np.all(np.diff(keys) > 0)):
            found.append("pairs must be sorted by case then locality, without duplicates")
        if not bool(np.all(np.isfinite(self.pair_score))):
            found.append("pair_score must be finite")
        if (self.needs < 0).any() or (self.capacity < 0).any():
            found.append("needs and capacity cannot be negative")
        for rank in (self.pair_pref_rank, self.pair_priority_rank):
            if rank is not None and rank.shape != (k,):
                found.append("preference ranks must have one entry per pair")
        return found
