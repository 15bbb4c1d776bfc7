"""What the registry's services need from storage: the transfer service a store, browsing
cases a reader. The database adapter implements both.

One store is one unit of work: its caller opens it, calls the service and commits when the block
ends without an error (an import of several files is all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Protocol

from resettle.core import Case, CaseStatus, Category, Dimension, Priority, RegistryBatch


@dataclass(frozen=True)
class StoreCounts:
    """Records (cases, persons, localities, pledges) written by a store, by what happened."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    # The cases written (inserted, or changed in themselves or their members): what an audit
    # entry names. Not part of the counts' equality.
    changed_cases: tuple[str, ...] = field(default=(), compare=False)

    def __add__(self, other: StoreCounts) -> StoreCounts:
        return StoreCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


class RegistryStore(Protocol):
    def get_cases(self, case_ids: Iterable[str]) -> dict[str, Case]:
        """The stored cases among ``case_ids`` (ids not stored are left out)."""
        ...

    def store_batch(self, batch: RegistryBatch,
                    progress: Callable[[int], None] | None = None) -> StoreCounts:
        """Insert or update every record; storing the same batch twice changes nothing.
        ``progress`` is called with the number of persons just written."""
        ...

    def load_batch(self, *, cases: bool = True, localities: bool = True,
                   pledges: bool = True) -> RegistryBatch:
        """Everything stored, ordered by id; leave out what is not needed."""
        ...

    def survivors(self, person_ids: Iterable[str]) -> Mapping[str, str]:
        """Of ``person_ids``, the records merged away as duplicates -> the member each now
        counts as (``registry.dedup.merging``)."""
        ...


class CaseSlice(Protocol):
    """One page of cases, with the total so a caller can page on."""

    @property
    def cases(self) -> tuple[Case, ...]: ...

    @property
    def total(self) -> int: ...

    @property
    def capped(self) -> bool:
        """A search matched more persons than it orders: the total is a floor."""
        ...

    @property
    def merged(self) -> tuple[tuple[str, str], ...]:
        """A search's matches among records merged away as duplicates, each with the person
        it was merged into (registry.dedup.merging): shown only as merged, never as a member."""
        ...


class CaseReader(Protocol):
    """Reading cases for people browsing them. ``host_state``: only the cases that host state
    may see now (a liaison officer's record scope); None: every case."""

    def get_case(self, case_id: str) -> Case:
        """The case, or NotFoundError."""
        ...

    def host_states_seeing(self, case_id: str) -> frozenset[str]:
        """The host states that may see the case now (an open or accepted referral)."""
        ...

    def list_cases(self, *, status: CaseStatus | None, priority: Priority | None,
                   category: Category | None, nationality: str | None, need: Dimension | None,
                   on: date, offset: int, limit: int, host_state: str | None) -> CaseSlice:
        """Cases matching every filter given, most urgent first; ``nationality``: a member
        of it (ISO3)."""
        ...

    def find_cases(self, *, text: str, offset: int, limit: int,
                   host_state: str | None) -> CaseSlice:
        """Cases whose id, or a member's id or name, matches ``text``."""
        ...
