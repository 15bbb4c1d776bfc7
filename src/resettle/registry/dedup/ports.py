"""What deduplication needs stored: officers' decisions about pairs, the registry's index."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from resettle.registry.dedup.blocking import TF_PREFIX, blocking_keys, frequency_keys
from resettle.registry.dedup.features import FeatureRow
from resettle.registry.dedup.merging import PersonMerge
from resettle.registry.dedup.records import MatchPair, PairDecision


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


class CandidateSource(Protocol):
    """The registry's deduplication index (blocking keys and comparison columns per person)."""

    def candidates(self, keys: Sequence[tuple[str, str]]) -> list[FeatureRow]:
        """Feature rows of the persons sharing at least one ``(rule, key)``."""

    def frequencies(self, values: Mapping[str, Iterable[str]]) -> dict[str, dict[str, float]]:
        """For each column, the registry's share of persons with each value."""


class MemoryCandidateSource:
    """A ``CandidateSource`` over feature rows in memory, for tests and simulation."""

    def __init__(self, rows: Iterable[FeatureRow]) -> None:
        self._rows = list(rows)
        self._by_key: dict[tuple[str, str], list[int]] = {}
        for index, row in enumerate(self._rows):
            for key in (*blocking_keys(row), *frequency_keys(row)):
                self._by_key.setdefault(key, []).append(index)

    def candidates(self, keys: Sequence[tuple[str, str]]) -> list[FeatureRow]:
        found = sorted({i for key in keys for i in self._by_key.get(key, ())})
        return [self._rows[i] for i in found]

    def frequencies(self, values: Mapping[str, Iterable[str]]) -> dict[str, dict[str, float]]:
        total = len(self._rows) or 1
        return {column: {v: len(self._by_key.get((f"{TF_PREFIX}{column}", v), ())) / total
                         for v in set(wanted) if v}
                for column, wanted in values.items()}


class PairStore(Protocol):
    """Candidate pairs found by a run or an import, kept for the review queue."""

    def save_pairs(self, pairs: Iterable[MatchPair], *, found_by: str) -> int:
        """Keep ``pairs`` (a pair found again gets its latest probability); returns how many."""

    def pairs(self, limit: int) -> list[MatchPair]:
        """The most likely pairs first, at most ``limit``."""


class MergeStore(Protocol):
    def new_merge_id(self) -> str: ...

    def save_merge(self, merge: PersonMerge) -> None: ...

    def get_merge(self, merge_id: str) -> PersonMerge:
        """``NotFoundError`` when there is none."""

    def merges(self) -> list[PersonMerge]:
        """Every merge, newest first."""

    def survivors(self, person_ids: Iterable[str]) -> dict[str, str]:
        """Of ``person_ids``, those merged away -> the person each was merged into."""


@dataclass(frozen=True)
class CaseFacts:
    case_id: str
    principal_id: str
    member_ids: tuple[str, ...]
    interviewed: bool  # the case has been through an interview (four eyes apply)


class Workflow(Protocol):
    """The screening workflow, as deduplication uses it: read a case, merge, split."""

    def case_of_person(self, person_id: str) -> CaseFacts:
        """``NotFoundError`` when there is no such person."""

    def merge_cases(self, target_case_id: str, source_case_id: str, *, actor: str,
                    reason: str) -> None:
        """The screening workflow's merge: the source's members join the target."""

    def split_out(self, case_id: str, member_ids: frozenset[str], *, principal_id: str,
                  actor: str, reason: str) -> str:
        """The screening workflow's split; returns the new case's id."""
