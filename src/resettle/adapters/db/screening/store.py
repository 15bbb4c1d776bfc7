"""The screening store on SQLAlchemy: implements :class:`resettle.screening.ports.ScreeningStore`.

One :class:`SqlScreeningStore` wraps one session, i.e. one unit of work; :func:`screening_store`
opens one on an engine and commits when the block ends without an error. Cases are read and
written through the registry's repository and upsert, so members move between cases the same
way an import moves them; every version is checked before anything is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry import store as repository
from resettle.adapters.db.registry.members import survivors
from resettle.adapters.db.registry.tables import CaseRow, PersonRow
from resettle.adapters.db.registry.upsert import store_cases
from resettle.adapters.db.screening.settings import settings_from_json, settings_to_json
from resettle.adapters.db.screening.tables import (
    CaseEventRow,
    ConfidentialStatementRow,
    ConsentRow,
    ExclusionReviewRow,
    InterviewRow,
    NoReturnDeclarationRow,
    ScreeningSettingsRow,
)
from resettle.adapters.db.sealing import (
    context,
    event_context,
    keys_for,
    open_event_reason,
    open_json,
    open_text,
    seal_json,
    seal_text,
)
from resettle.core import Case, CaseStatus, Priority
from resettle.errors import ConflictError, NotFoundError
from resettle.screening.deadlines import CaseClock
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    ExclusionReview,
    Recommendation,
    ReviewState,
)
from resettle.screening.ports import ScreeningSettings
from resettle.screening.records import (
    Attendee,
    AttendeeKind,
    ConfidentialStatement,
    ConsentRecord,
    Interview,
    NoReturnDeclaration,
)
from resettle.screening.workflow import REFERRAL_STATES, Action, CaseEvent
from resettle.security.crypto import KeyRing

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]
_events: Table = CaseEventRow.__table__  # type: ignore[assignment]
SETTINGS_KEY = "screening"
# Table names in the associated data of sealed values (sealing.context).
INTERVIEWS, CONSENTS = "screening_interviews", "screening_consents"
REVIEWS, STATEMENTS = "exclusion_reviews", "confidential_statements"
DECLARATIONS = "no_return_declarations"


@contextmanager
def screening_store(engine: Engine, *, keys: KeyRing | None = None
                    ) -> Iterator[SqlScreeningStore]:
    """One unit of work: commit if the block succeeds, roll back everything if it raises.

    ``keys``: for the sealed notes and reviews; by default those of the environment.
    """
    with make_session_factory(engine, keys=keys)() as session, session.begin():
        yield SqlScreeningStore(session)


class SqlScreeningStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # cases ---------------------------------------------------------------------------------
    def get_case(self, case_id: str) -> Case:
        return repository.get_case(self.session, case_id=case_id)

    def save_case(self, case: Case, *, expected_version: int) -> Case:
        return self.save_cases([(case, expected_version)])[0]

    def save_cases(self, changes: Sequence[tuple[Case, int | None]]) -> list[Case]:
        for case, version in changes:
            if version is not None:
                self._bump_version(case.case_id, version)
        store_cases(self.session, cases=[case for case, _ in changes], bump_versions=False)
        return [replace(case, version=1 if version is None else version + 1)
                for case, version in changes]

    def _bump_version(self, case_id: str, expected: int) -> None:
        result = self.session.execute(
            update(_cases).where(_cases.c.case_id == case_id, _cases.c.version == expected)
            .values(version=expected + 1)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            stored = self.session.scalar(
                select(_cases.c.version).where(_cases.c.case_id == case_id))
            if stored is None:
                raise NotFoundError(f"no case {case_id!r}")
            raise ConflictError(
                f"case {case_id} was changed by someone else (version {stored}, you had "
                f"{expected}); reload it and make your change again"
            )

    def new_case_id(self, source_case_id: str) -> str:
        for n in range(1, 1000):
            candidate = f"{source_case_id}-{n}"
            if self.session.get(CaseRow, candidate) is None:
                return candidate
        raise ConflictError(f"no free case id derived from {source_case_id}")

    def case_of_person(self, person_id: str) -> str:
        case_id = self.session.scalar(
            select(_persons.c.case_id).where(_persons.c.person_id == person_id))
        if case_id is None:
            raise NotFoundError(f"no person {person_id!r}")
        return str(case_id)

    def survivors(self, person_ids: Iterable[str]) -> Mapping[str, str]:
        return survivors(self.session, person_ids)

    def count_by_status(self) -> Mapping[CaseStatus, int]:
        rows = self.session.execute(select(_cases.c.status, func.count()).group_by(
            _cases.c.status))
        return {CaseStatus(status): int(count) for status, count in rows}

    def latest_activity_day(self) -> date | None:
        last_event = self.session.execute(select(func.max(_events.c.at))).scalar()
        last_registered = self.session.execute(select(func.max(_cases.c.registered_on))).scalar()
        days = [d.date() if isinstance(d, datetime) else d
                for d in (last_event, last_registered) if d is not None]
        return max(days, default=None)

    def case_clocks(self) -> Sequence[CaseClock]:
        first = dict(self.session.execute(
            select(_events.c.case_id, func.min(_events.c.at)).group_by(_events.c.case_id)).all())
        referrals: dict[str, tuple[datetime, str]] = {}
        refer_rows = self.session.execute(
            select(_events.c.case_id, _events.c.at, _events.c.data)
            .where(_events.c.action == Action.REFER).order_by(_events.c.sequence))
        for case_id, at, data in refer_rows:
            referrals[case_id] = (at, data.get("submission_priority", Priority.NORMAL))
        clocks = []
        for row in self.session.execute(select(_cases)).mappings():
            status = CaseStatus(row["status"])
            # The registration date when the registry has it, else the first recorded action.
            registered = (_at_midnight(row["registered_on"]) if row["registered_on"]
                          else first.get(row["case_id"]) or datetime(1970, 1, 1))
            referral = referrals.get(row["case_id"]) if status in REFERRAL_STATES else None
            clocks.append(CaseClock(
                row["case_id"], status, Priority(row["processing_priority"]), registered,
                Priority(referral[1]) if referral else None, referral[0] if referral else None))
        return clocks

    # history -------------------------------------------------------------------------------
    def history(self, case_id: str) -> tuple[CaseEvent, ...]:
        rows = self.session.execute(
            select(_events).where(_events.c.case_id == case_id).order_by(_events.c.sequence)
        ).mappings()
        return tuple(
            CaseEvent(r["case_id"], r["sequence"], Action(r["action"]), r["actor"], r["at"],
                      open_event_reason(self.session, r), CaseStatus(r["from_status"]),
                      CaseStatus(r["to_status"]), dict(r["data"]))
            for r in rows
        )

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        if events:
            self.session.execute(insert(_events), [
                {"case_id": e.case_id, "sequence": e.sequence, "action": str(e.action),
                 "actor": e.actor, "at": e.at, "reason": "",
                 "reason_enc": seal_text(self.session, e.reason,
                                         where=event_context(e.case_id, e.sequence)),
                 "from_status": str(e.from_status), "to_status": str(e.to_status),
                 "data": {k: str(v) for k, v in e.data.items()}}
                for e in events
            ])

    # records -------------------------------------------------------------------------------
    def interviews_of(self, person_ids: Iterable[str]) -> list[Interview]:
        rows = self._by_person(InterviewRow, person_ids)
        return [Interview(r.interview_id, r.case_id, r.person_id, r.interviewer, r.held_at,
                          r.language, tuple(Attendee(AttendeeKind(a["kind"]), a["name"])
                                            for a in r.others_present),
                          open_text(self.session, r.notes_enc, r.notes,
                                    where=context(INTERVIEWS, "notes", r.interview_id)))
                for r in rows]

    def add_interview(self, interview: Interview) -> None:
        self.session.add(InterviewRow(
            interview_id=interview.interview_id, case_id=interview.case_id,
            person_id=interview.person_id, interviewer=interview.interviewer,
            held_at=interview.held_at, language=interview.language,
            others_present=[{"kind": str(a.kind), "name": a.name}
                            for a in interview.others_present],
            private=interview.private, notes="",
            notes_enc=seal_text(self.session, interview.notes,
                                where=context(INTERVIEWS, "notes", interview.interview_id))))
        self.session.flush()

    def consents_of(self, person_ids: Iterable[str]) -> list[ConsentRecord]:
        rows = self._by_person(ConsentRow, person_ids, ConsentRow.consent_id)
        return [ConsentRecord(r.case_id, r.person_id, r.given, r.at, r.recorded_by, r.private,
                              open_text(self.session, r.note_enc, r.note,
                                        where=context(CONSENTS, "note", r.consent_id)))
                for r in rows]

    def add_consent(self, record: ConsentRecord) -> None:
        row = ConsentRow(
            case_id=record.case_id, person_id=record.person_id, given=record.given,
            at=record.at, recorded_by=record.recorded_by, private=record.private, note="")
        self.session.add(row)
        self.session.flush()  # the note is bound to the row's id, known from here on
        if record.note:
            row.note_enc = seal_text(self.session, record.note,
                                     where=context(CONSENTS, "note", row.consent_id))
            self.session.flush()

    def reviews_of(self, person_ids: Iterable[str]) -> list[ExclusionReview]:
        return [_review_from_row(r, self._review_content(r))
                for r in self._by_person(ExclusionReviewRow, person_ids)]

    def get_review(self, review_id: str) -> ExclusionReview:
        row = self.session.get(ExclusionReviewRow, review_id)
        if row is None:
            raise NotFoundError(f"no exclusion review {review_id!r}")
        return _review_from_row(row, self._review_content(row))

    def save_review(self, review: ExclusionReview) -> None:
        row = _review_to_row(review, keys_for(self.session))
        self.session.merge(row)
        self.session.flush()

    def _review_content(self, row: ExclusionReviewRow) -> dict[str, Any]:
        """Triggers, assessment and review reason: decrypted, or plain from before sealing."""
        if row.content_enc is None:
            return {"triggers": row.triggers, "assessment": row.assessment,
                    "review_reason": row.review_reason}
        return dict(open_json(keys_for(self.session), row.content_enc,
                              where=context(REVIEWS, "content", row.review_id)))

    def statements_of(self, person_id: str) -> list[ConfidentialStatement]:
        rows = self._by_person(ConfidentialStatementRow, [person_id])
        return [ConfidentialStatement(
            r.statement_id, r.case_id, r.person_id,
            open_text(self.session, r.text_enc, r.text,
                      where=context(STATEMENTS, "text", r.statement_id)),
            r.recorded_by, r.at) for r in rows]

    def add_statement(self, statement: ConfidentialStatement) -> None:
        self.session.add(ConfidentialStatementRow(
            statement_id=statement.statement_id, case_id=statement.case_id,
            person_id=statement.person_id, text="",
            text_enc=seal_text(self.session, statement.text,
                               where=context(STATEMENTS, "text", statement.statement_id)),
            recorded_by=statement.recorded_by, at=statement.at))
        self.session.flush()

    def declarations_of(self, person_ids: Iterable[str]) -> list[NoReturnDeclaration]:
        rows = self._by_person(NoReturnDeclarationRow, person_ids)
        return [NoReturnDeclaration(r.person_id, r.country, r.declared_by, r.at,
                                    open_text(self.session, r.reason_enc, r.reason,
                                              where=context(DECLARATIONS, "reason",
                                                            r.declaration_id)))
                for r in rows]

    def add_declaration(self, declaration: NoReturnDeclaration) -> None:
        row = NoReturnDeclarationRow(
            person_id=declaration.person_id, country=declaration.country,
            declared_by=declaration.declared_by, at=declaration.at, reason="")
        self.session.add(row)
        self.session.flush()  # the row id is part of the sealed value's associated data
        row.reason_enc = seal_text(self.session, declaration.reason,
                                   where=context(DECLARATIONS, "reason", row.declaration_id))
        self.session.flush()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def _by_person(self, row_class: Any, person_ids: Iterable[str], order: Any = None) -> list[Any]:
        ids = list(person_ids)
        if not ids:
            return []
        query = select(row_class).where(row_class.person_id.in_(ids))
        if order is not None:
            query = query.order_by(order)
        return list(self.session.scalars(query))

    # settings ------------------------------------------------------------------------------
    def settings(self) -> ScreeningSettings:
        row = self.session.get(ScreeningSettingsRow, SETTINGS_KEY)
        return settings_from_json(row.value) if row else ScreeningSettings()

    def save_settings(self, settings: ScreeningSettings) -> None:
        self.session.merge(ScreeningSettingsRow(key=SETTINGS_KEY,
                                                value=settings_to_json(settings)))
        self.session.flush()


def _at_midnight(day: Any) -> datetime:
    return datetime(day.year, day.month, day.day)


def _review_from_row(row: ExclusionReviewRow, content: dict[str, Any]) -> ExclusionReview:
    data = content["assessment"]
    assessment = None
    if data is not None:
        assessment = Assessment(
            data["assessor"], datetime.fromisoformat(data["at"]),
            Recommendation(data["recommendation"]), data["acts"],
            Clause(data["clause"]) if data["clause"] else None,
            data["individual_responsibility"], data["responsibility_reasons"],
            data["defences"], data["proportionality"])
    return ExclusionReview(
        row.review_id, row.case_id, row.person_id, tuple(content["triggers"]), row.opened_by,
        row.opened_at, ReviewState(row.state), assessment, row.reviewer, row.reviewed_at,
        content["review_reason"], Recommendation(row.outcome) if row.outcome else None,
        tuple(row.returns))


def _review_to_row(review: ExclusionReview, keys: KeyRing) -> ExclusionReviewRow:
    a = review.assessment
    assessment = None if a is None else {
        "assessor": a.assessor, "at": a.at.isoformat(), "recommendation": str(a.recommendation),
        "acts": a.acts, "clause": str(a.clause) if a.clause else None,
        "individual_responsibility": a.individual_responsibility,
        "responsibility_reasons": a.responsibility_reasons, "defences": a.defences,
        "proportionality": a.proportionality,
    }
    content = {"triggers": list(review.triggers), "assessment": assessment,
               "review_reason": review.review_reason}
    return ExclusionReviewRow(
        review_id=review.review_id, case_id=review.case_id, person_id=review.person_id,
        triggers=[], opened_by=review.opened_by, opened_at=review.opened_at,
        state=str(review.state), assessment=None, reviewer=review.reviewer,
        reviewed_at=review.reviewed_at, review_reason="",
        outcome=str(review.outcome) if review.outcome else None, returns=list(review.returns),
        content_enc=seal_json(keys, content, where=context(REVIEWS, "content", review.review_id)))
