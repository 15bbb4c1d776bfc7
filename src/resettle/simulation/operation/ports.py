"""What the forecast reads from the registry: aggregates per case, never a name or an id.

Each case's status and how long it has stood in it, its size and adults, the interviews still
owed, the state holding its file and the states that refused it; and the pledges. The DB
implementation is ``resettle.adapters.db.simulation.store``; tests use plain lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from resettle.core.status import CaseStatus


@dataclass(frozen=True)
class CaseSnapshot:
    status: CaseStatus
    persons: int
    adults: int
    days_in_status: float
    adults_interviewed: int = 0  # adults already heard individually and in private
    country: str | None = None  # the state that holds (or received) the file
    refused_by: tuple[str, ...] = ()
    exclusion_review_open: bool = False
    held_from: CaseStatus | None = None  # for a case on hold: the status it was held in


@dataclass(frozen=True)
class PledgeSnapshot:
    country: str
    starts_on: date
    ends_on: date
    persons: int


class OperationStore(Protocol):
    def case_snapshots(self, as_of: date) -> list[CaseSnapshot]:
        """Every case as it stood on ``as_of`` (its last event up to then)."""
        ...

    def pledges(self) -> list[PledgeSnapshot]: ...

    def latest_activity(self) -> date | None:
        """The day of the last recorded case event: the natural 'today' of a snapshot."""
        ...


@dataclass(frozen=True)
class MemoryOperationStore:
    """The store as plain lists (tests, and worlds built without a database)."""

    cases: tuple[CaseSnapshot, ...]
    pledge_list: tuple[PledgeSnapshot, ...]
    last_day: date | None = None

    def case_snapshots(self, as_of: date) -> list[CaseSnapshot]:
        return list(self.cases)

    def pledges(self) -> list[PledgeSnapshot]:
        return list(self.pledge_list)

    def latest_activity(self) -> date | None:
        return self.last_day
