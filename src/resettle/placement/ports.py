"""What the placement service needs from storage. The database adapter implements it.

The inputs are read in one short read, the solve runs outside any transaction, and the run is
stored in one short write, so other users are not held up while the solver works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from resettle.core import Case, Locality, RegistryBatch
from resettle.core.protection import ProtectionSettings
from resettle.placement.explain import CaseExplanation, ShadowPrice
from resettle.placement.runs import PlacementDecision, PlacementRun


@dataclass(frozen=True)
class PlacementInputs:
    """Everything a placement run reads, as stored now."""

    batch: RegistryBatch  # cases, localities, pledges
    protection: ProtectionSettings
    declared: Mapping[str, Sequence[str]] = field(default_factory=dict)  # person -> fears
    # case -> {host state: what happened}: states that refused it (never proposed again)
    refused: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # case -> host state holding its file now (open or accepted referral): it keeps a place
    holding: Mapping[str, str] = field(default_factory=dict)
    # case -> the locality its last accepted or overridden placement named
    decided_localities: Mapping[str, str] = field(default_factory=dict)


class PlacementStore(Protocol):
    def placement_inputs(self, case_ids: Sequence[str] | None = None) -> PlacementInputs:
        """The registry and the protection facts (all cases, or only ``case_ids``)."""
        ...

    def get_locality(self, locality_id: str) -> Locality:
        """The locality, or NotFoundError."""
        ...

    def get_case(self, case_id: str) -> Case: ...

    def get_run(self, run_id: str) -> PlacementRun: ...

    def save_run(self, run: PlacementRun, cases: Sequence[CaseExplanation],
                 prices: Sequence[ShadowPrice]) -> None:
        """Store a run with its explanations (committed by the store or its caller)."""
        ...

    def record_decision(self, decision: PlacementDecision) -> None: ...

    def run_decisions(self, run_id: str) -> Sequence[PlacementDecision]:
        """The decisions taken on a run, oldest first."""
        ...

    def run_places(self, run_id: str) -> Sequence[ShadowPrice]:
        """The run's places per locality and dimension: capacity and how many it used."""
        ...


class PlacementRunStore(PlacementStore, Protocol):
    """What reviewing the stored runs reads, besides what a run and a decision need."""

    def count_runs(self) -> int: ...

    def list_runs(self, *, offset: int, limit: int) -> Sequence[PlacementRun]:
        """Stored runs, newest first (without their assignments)."""
        ...

    def case_explanations(self, run_id: str, placed: Mapping[str, tuple[str | None, float | None]]
                          ) -> dict[str, CaseExplanation]:
        """The run's explanations by case; ``placed``: each case's locality and score."""
        ...

    def localities(self) -> Sequence[Locality]: ...

    def get_cases(self, case_ids: Sequence[str]) -> Mapping[str, Case]:
        """The stored cases among ``case_ids``."""
        ...

    def pledges_active_on(self, day: date) -> bool: ...

    def last_pledge_end(self, day: date) -> date | None:
        """The last day a pledge that began by ``day`` covers (None: no such pledge)."""
        ...
