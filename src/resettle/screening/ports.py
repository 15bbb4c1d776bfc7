"""What the screening service needs from storage. The database adapter implements it.

One store is one unit of work: the caller opens it, calls service functions, and the adapter
commits when the block ends without an error (and rolls back otherwise). ``save_case`` checks
the case's version, so two officers cannot silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from resettle.core.case import Case
from resettle.core.protection import ProtectionSettings
from resettle.core.status import CaseStatus
from resettle.screening.deadlines import CaseClock, DeadlineTargets
from resettle.screening.exclusion import ExclusionReview, ExclusionTriggers
from resettle.screening.records import (
    ConfidentialStatement,
    ConsentRecord,
    Interview,
    NoReturnDeclaration,
)
from resettle.screening.workflow import CaseEvent


@dataclass(frozen=True)
class ScreeningSettings:
    """Operation-wide screening rules, stored with the operation and editable."""

    protection: ProtectionSettings = field(default_factory=ProtectionSettings)
    triggers: ExclusionTriggers = field(default_factory=ExclusionTriggers)
    deadlines: DeadlineTargets = field(default_factory=DeadlineTargets)
    require_private_interview: bool = True  # Ashraf: heard away from the group
    require_private_consent: bool = True
    appeal_days: int = 30


class ScreeningStore(Protocol):
    # cases (the registry's tables) ------------------------------------------------------
    def get_case(self, case_id: str) -> Case: ...

    def save_case(self, case: Case, *, expected_version: int) -> Case:
        """Write status, categories, priority and members; bump the version or raise
        ConflictError when the stored version is not ``expected_version``."""
        ...

    def save_cases(self, changes: Sequence[tuple[Case, int | None]]) -> list[Case]:
        """Write several cases at once (split, merge): each with its expected version, or
        None for a new case. Members may move between them; every version is checked."""
        ...

    def case_of_person(self, person_id: str) -> str: ...

    def survivors(self, person_ids: Iterable[str]) -> Mapping[str, str]:
        """Of ``person_ids``, the records merged away as duplicates -> the member each now
        counts as (``core.membership``: an action naming one is told whom to act on)."""
        ...

    def new_case_id(self, source_case_id: str) -> str: ...

    def count_by_status(self) -> Mapping[CaseStatus, int]: ...

    def case_clocks(self) -> Sequence[CaseClock]: ...

    def latest_activity_day(self) -> date | None:
        """The day of the last recorded case event or registration (None: no case)."""
        ...

    # history -----------------------------------------------------------------------------
    def history(self, case_id: str) -> tuple[CaseEvent, ...]: ...

    def append_events(self, events: Sequence[CaseEvent]) -> None: ...

    # records, by person (they follow a person through splits and merges) ----------------
    def interviews_of(self, person_ids: Iterable[str]) -> list[Interview]: ...

    def add_interview(self, interview: Interview) -> None: ...

    def consents_of(self, person_ids: Iterable[str]) -> list[ConsentRecord]: ...

    def add_consent(self, record: ConsentRecord) -> None: ...

    def reviews_of(self, person_ids: Iterable[str]) -> list[ExclusionReview]: ...

    def get_review(self, review_id: str) -> ExclusionReview: ...

    def save_review(self, review: ExclusionReview) -> None: ...

    def statements_of(self, person_id: str) -> list[ConfidentialStatement]: ...

    def add_statement(self, statement: ConfidentialStatement) -> None: ...

    def declarations_of(self, person_ids: Iterable[str]) -> list[NoReturnDeclaration]: ...

    def add_declaration(self, declaration: NoReturnDeclaration) -> None: ...

    def new_id(self, prefix: str) -> str: ...

    # settings ----------------------------------------------------------------------------
    def settings(self) -> ScreeningSettings: ...

    def save_settings(self, settings: ScreeningSettings) -> None: ...
