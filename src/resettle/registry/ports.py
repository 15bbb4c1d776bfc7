"""What the registry's transfer service needs from storage. The database adapter implements it.

One store is one unit of work: its caller opens it, calls the service and commits when the block
ends without an error (an import of several files is all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Protocol

from resettle.core import Case, RegistryBatch


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
