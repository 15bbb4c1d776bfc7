"""What loading a synthetic scenario needs from storage. The database adapter implements it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from resettle.core import Case, RegistryBatch
from resettle.simulation.memory_store import MemoryScreeningStore


class ScenarioStore(Protocol):
    """One unit of work: the caller commits when the block ends without an error."""

    def cases_with_history(self, case_ids: Sequence[str]) -> set[str]:
        """Those of ``case_ids`` that already have a screening history stored."""
        ...

    def stored_cases(self) -> tuple[Case, ...]:
        """Every stored case."""
        ...

    def store_batch(self, batch: RegistryBatch,
                    progress: Callable[[int], None] | None = None) -> None:
        """Insert or update every record (``progress``: persons just written)."""
        ...

    def store_history(self, history: MemoryScreeningStore) -> None:
        """Settings, events, interviews, consents, exclusion reviews and referrals."""
        ...


class ScenarioDatabase(Protocol):
    """A whole database, to be emptied before a scenario is loaded into it."""

    def case_ids(self) -> Iterable[str]:
        """Every stored case id (none if the database has no registry yet)."""
        ...

    def drop_everything(self) -> None:
        """Drop every table."""
        ...
