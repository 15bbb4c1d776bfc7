"""An in-memory :class:`~resettle.screening.ports.ScreeningStore`: fast, pure and deterministic.

The scenario replays thousands of screening actions through the real service functions here,
then an adapter copies the result into the database in a few bulk writes. Ids are counters,
so the same replay always yields the same records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from resettle.core import Case, CaseStatus, Priority
from resettle.errors import ConflictError, NotFoundError
from resettle.referral.records import Referral
from resettle.screening.deadlines import CaseClock
from resettle.screening.exclusion import ExclusionReview
from resettle.screening.ports import ScreeningSettings
from resettle.screening.records import (
    ConfidentialStatement,
    ConsentRecord,
    Interview,
    NoReturnDeclaration,
)
from resettle.screening.workflow import REFERRAL_STATES, Action, CaseEvent


class MemoryScreeningStore:
    """Holds cases, their histories and every screening record, indexed by person."""

    def __init__(self, cases: Iterable[Case] = (),
                 settings: ScreeningSettings | None = None) -> None:
        self.cases: dict[str, Case] = {}
        self.person_case: dict[str, str] = {}
        self.events: dict[str, list[CaseEvent]] = defaultdict(list)
        self.interviews: dict[str, list[Interview]] = defaultdict(list)
        self.consents: dict[str, list[ConsentRecord]] = defaultdict(list)
        self.reviews: dict[str, ExclusionReview] = {}
        self._person_reviews: dict[str, list[str]] = defaultdict(list)
        self.statements: dict[str, list[ConfidentialStatement]] = defaultdict(list)
        self.declarations: dict[str, list[NoReturnDeclaration]] = defaultdict(list)
        # Referral records written with the workflow's refer steps (memory_referrals).
        self.referrals: dict[int, Referral] = {}
        self._settings = settings or ScreeningSettings()
        self._ids: Counter[str] = Counter()
        for case in cases:
            self._put(case)

    def _put(self, case: Case) -> Case:
        self.cases[case.case_id] = case
        for member in case.members:
            self.person_case[member.person_id] = case.case_id
        return case

    # cases ---------------------------------------------------------------------------------
    def get_case(self, case_id: str) -> Case:
        try:
            return self.cases[case_id]
        except KeyError:
            raise NotFoundError(f"no case {case_id!r}") from None

    def save_case(self, case: Case, *, expected_version: int) -> Case:
        return self.save_cases([(case, expected_version)])[0]

    def save_cases(self, changes: Sequence[tuple[Case, int | None]]) -> list[Case]:
        for case, version in changes:
            stored = self.cases.get(case.case_id)
            if version is not None and (stored is None or stored.version != version):
                raise ConflictError(f"case {case.case_id} changed since it was read")
        return [self._put(replace(case, version=1 if version is None else version + 1))
                for case, version in changes]

    def case_of_person(self, person_id: str) -> str:
        try:
            return self.person_case[person_id]
        except KeyError:
            raise NotFoundError(f"no person {person_id!r}") from None

    def survivors(self, person_ids: Iterable[str]) -> Mapping[str, str]:
        return {}  # the simulator merges no records as duplicates

    def new_case_id(self, source_case_id: str) -> str:
        n = 1
        while f"{source_case_id}-{n}" in self.cases:
            n += 1
        return f"{source_case_id}-{n}"

    def count_by_status(self) -> Mapping[CaseStatus, int]:
        return Counter(case.status for case in self.cases.values())

    def latest_activity_day(self) -> date | None:
        days = [e.at.date() for history in self.events.values() for e in history]
        days += [c.registered_on for c in self.cases.values() if c.registered_on]
        return max(days, default=None)

    def case_clocks(self) -> Sequence[CaseClock]:
        clocks = []
        for case in self.cases.values():
            history = self.events.get(case.case_id, [])
            registered = (datetime(case.registered_on.year, case.registered_on.month,
                                   case.registered_on.day) if case.registered_on
                          else history[0].at if history else datetime(1970, 1, 1))
            refer = next((e for e in reversed(history) if e.action == Action.REFER), None)
            referred = refer if refer and case.status in REFERRAL_STATES else None
            clocks.append(CaseClock(
                case.case_id, case.status, case.processing_priority, registered,
                Priority(referred.data.get("submission_priority", Priority.NORMAL))
                if referred else None, referred.at if referred else None))
        return clocks

    # history -------------------------------------------------------------------------------
    def history(self, case_id: str) -> tuple[CaseEvent, ...]:
        return tuple(self.events.get(case_id, ()))

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        for event in events:
            self.events[event.case_id].append(event)

    # records -------------------------------------------------------------------------------
    def interviews_of(self, person_ids: Iterable[str]) -> list[Interview]:
        return [i for p in person_ids for i in self.interviews.get(p, ())]

    def add_interview(self, interview: Interview) -> None:
        self.interviews[interview.person_id].append(interview)

    def consents_of(self, person_ids: Iterable[str]) -> list[ConsentRecord]:
        return [c for p in person_ids for c in self.consents.get(p, ())]

    def add_consent(self, record: ConsentRecord) -> None:
        self.consents[record.person_id].append(record)

    def reviews_of(self, person_ids: Iterable[str]) -> list[ExclusionReview]:
        return [self.reviews[r] for p in person_ids for r in self._person_reviews.get(p, ())]

    def get_review(self, review_id: str) -> ExclusionReview:
        try:
            return self.reviews[review_id]
        except KeyError:
            raise NotFoundError(f"no exclusion review {review_id!r}") from None

    def save_review(self, review: ExclusionReview) -> None:
        if review.review_id not in self.reviews:
            self._person_reviews[review.person_id].append(review.review_id)
        self.reviews[review.review_id] = review

    def statements_of(self, person_id: str) -> list[ConfidentialStatement]:
        return list(self.statements.get(person_id, ()))

    def add_statement(self, statement: ConfidentialStatement) -> None:
        self.statements[statement.person_id].append(statement)

    def declarations_of(self, person_ids: Iterable[str]) -> list[NoReturnDeclaration]:
        return [d for p in person_ids for d in self.declarations.get(p, ())]

    def add_declaration(self, declaration: NoReturnDeclaration) -> None:
        self.declarations[declaration.person_id].append(declaration)

    def new_id(self, prefix: str) -> str:
        self._ids[prefix] += 1
        return f"{prefix}-{self._ids[prefix]:06d}"

    # settings ------------------------------------------------------------------------------
    def settings(self) -> ScreeningSettings:
        return self._settings

    def save_settings(self, settings: ScreeningSettings) -> None:
        self._settings = settings

    # everything, for copying into another store --------------------------------------------
    def all_events(self) -> list[CaseEvent]:
        return [e for case_id in sorted(self.events) for e in self.events[case_id]]

    def all_interviews(self) -> list[Interview]:
        return [i for p in sorted(self.interviews) for i in self.interviews[p]]

    def all_consents(self) -> list[ConsentRecord]:
        return [c for p in sorted(self.consents) for c in self.consents[p]]
