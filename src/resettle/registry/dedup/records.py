"""What deduplication returns: scored pairs with their reasons, clusters, and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Backend(StrEnum):
    """Where Splink runs: embedded DuckDB (nothing to start) or Spark (past one machine)."""

    DUCKDB = "duckdb"
    SPARK = "spark"


class Decision(StrEnum):
    """A registration officer's answer about a candidate pair."""

    SAME_PERSON = "same_person"
    DIFFERENT_PERSONS = "different_persons"


@dataclass(frozen=True)
class Agreement:
    """How one field compared: ``field`` and the level's label (e.g. 'same consonant skeleton')."""

    field: str
    level: str
    weight: float  # the level's match weight (log2 Bayes factor): positive means evidence for


@dataclass(frozen=True)
class MatchPair:
    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    agreements: tuple[Agreement, ...] = ()

    @property
    def reasons(self) -> str:
        """The fields that agree, strongest first, in an officer's words."""
        agreeing = sorted((a for a in self.agreements if a.weight > 0), key=lambda a: -a.weight)
        return "; ".join(f"{a.field}: {a.level}" for a in agreeing)


@dataclass(frozen=True)
class DedupResult:
    """Pairs above the threshold and clusters (person id -> cluster id) of one run."""

    pairs: tuple[MatchPair, ...]
    clusters: dict[str, str] = field(default_factory=dict)
    model: dict[str, object] = field(default_factory=dict)  # the trained Splink model (JSON)

    def groups(self) -> list[list[str]]:
        """Clusters of two or more persons, each sorted, largest first."""
        members: dict[str, list[str]] = {}
        for person_id, cluster_id in self.clusters.items():
            members.setdefault(cluster_id, []).append(person_id)
        found = [sorted(ids) for ids in members.values() if len(ids) > 1]
        return sorted(found, key=lambda ids: (-len(ids), ids))


@dataclass(frozen=True)
class PairDecision:
    """An officer's answer about two person records; the pair is stored in sorted order."""

    person_id: str
    other_person_id: str
    decision: Decision
    officer: str
    reason: str
    decided_at: datetime

    @property
    def pair(self) -> tuple[str, str]:
        return pair_key(self.person_id, self.other_person_id)


def pair_key(person_id: str, other_person_id: str) -> tuple[str, str]:
    """The same key whichever record is named first."""
    first, second = sorted((person_id, other_person_id))
    return first, second
