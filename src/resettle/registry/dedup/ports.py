"""What deduplication needs stored: officers' decisions about candidate pairs."""

from __future__ import annotations

from typing import Protocol

from resettle.registry.dedup.records import PairDecision


class DecisionStore(Protocol):
    def save_decision(self, decision: PairDecision) -> None:
        """Store ``decision``, replacing an earlier one about the same pair."""

    def decisions(self) -> dict[tuple[str, str], PairDecision]:
        """Every decision, by sorted pair of person ids."""


class MemoryDecisionStore:
    """A ``DecisionStore`` in memory, for tests and simulation."""

    def __init__(self) -> None:
        self._decisions: dict[tuple[str, str], PairDecision] = {}

    def save_decision(self, decision: PairDecision) -> None:
        self._decisions[decision.pair] = decision

    def decisions(self) -> dict[tuple[str, str], PairDecision]:
        return dict(self._decisions)
