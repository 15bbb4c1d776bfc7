"""What the forecast reads from the registry: aggregates per case, never a name or an id.

Each case's status and how long it has stood in it, its size and adults, the interviews still
owed, the state holding its file and the states that refused it; and the pledges. The DB
implementation is ``resettle.adapters.db.simulation.store``; tests use plain lists.

And where forecast runs are kept, with their inputs and seed (so a run can be made again with
the same numbers) and their results (so any figure can be drawn again without running it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

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


@dataclass(frozen=True)
class StoredRun:
    """A forecast run as stored: its inputs (enough to run it again and get the same numbers),
    its state, and its results (enough to draw every figure again without running it)."""

    run_id: int
    status: str  # RUNNING, DONE or FAILED (``resettle.simulation.operation.runs``)
    started_by: str  # the account that asked for it (a staff user, never a refugee)
    started_at: datetime
    finished_at: datetime | None
    as_of: date | None  # the registry day the forecast starts from (None: its latest)
    replications: int
    seed: int
    inputs: Mapping[str, Any]  # ``ForecastRequest.to_record()``
    done: int = 0  # replications finished so far (progress)
    results: Mapping[str, Any] | None = None  # ``runs.results_record()``
    error: str = ""


class ForecastRunStore(Protocol):
    """Where forecast runs are kept. The DB implementation is
    ``resettle.adapters.db.simulation.run_store``."""

    def add_run(self, *, started_by: str, started_at: datetime, as_of: date | None,
                replications: int, seed: int, inputs: Mapping[str, Any]) -> int:
        """Store a new run (status RUNNING); its id."""
        ...

    def record_progress(self, run_id: int, done: int) -> None: ...

    def finish_run(self, run_id: int, *, finished_at: datetime, as_of: date,
                   results: Mapping[str, Any]) -> None: ...

    def fail_run(self, run_id: int, *, finished_at: datetime, error: str) -> None: ...

    def get_run(self, run_id: int) -> StoredRun | None: ...

    def list_runs(self, limit: int = 20) -> list[StoredRun]:
        """Newest first."""
        ...

    def latest_done(self, *, on_or_before: date | None = None) -> StoredRun | None:
        """The newest finished run whose forecast starts on or before ``on_or_before``."""
        ...

    def unfinished_runs(self) -> list[StoredRun]:
        """Runs still marked RUNNING, oldest first."""
        ...
