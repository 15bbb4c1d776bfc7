"""The reporting store on SQLAlchemy: implements :class:`resettle.reporting.ports.ReportingStore`.

It reads the registry's cases and members (sex, birth date, nationality: never a name) and the
screening workflow's case events, which it turns into facts with the stage's own reading
(:func:`resettle.reporting.facts.facts_from_events`). Read only; one session per report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, func, select
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.mapping import pledge_from_row
from resettle.adapters.db.registry.members import members_only
from resettle.adapters.db.registry.tables import CaseRow, PersonRow, PledgeRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import CaseEventRow
from resettle.adapters.db.sealing import open_event_reason
from resettle.core import CaseStatus, Pledge, Priority, Sex
from resettle.errors import KeyProblemError
from resettle.reporting.facts import (
    DECISION_ACTIONS,
    MOVEMENT_ACTIONS,
    STATUS_EVENT_ACTIONS,
    EventFacts,
    facts_from_events,
)
from resettle.reporting.records import (
    CaseProfile,
    MemberProfile,
    MovementFact,
    ReferralFact,
    StatusChange,
)
from resettle.screening.deadlines import DeadlineTargets
from resettle.screening.workflow import Action, CaseEvent

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]
_events: Table = CaseEventRow.__table__  # type: ignore[assignment]
_pledges: Table = PledgeRow.__table__  # type: ignore[assignment]
# Records (interviews, consent, categories...) change no aggregate: they are not read.
_STATUS = sorted(str(a) for a in STATUS_EVENT_ACTIONS)
_DECISIONS = sorted(str(a) for a in set(DECISION_ACTIONS) | set(MOVEMENT_ACTIONS))


@contextmanager
def reporting_store(engine: Engine) -> Iterator[SqlReportingStore]:
    with make_session_factory(engine)() as session, session.begin():
        yield SqlReportingStore(session)


class SqlReportingStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._facts: dict[datetime, EventFacts] = {}

    def case_profiles(self) -> Sequence[CaseProfile]:
        members: dict[str, list[MemberProfile]] = defaultdict(list)
        rows = self.session.execute(members_only(  # a person registered twice counts once
            select(_persons.c.case_id, _persons.c.sex, _persons.c.birth_date,
                   _persons.c.nationality).order_by(_persons.c.case_id, _persons.c.member_index)))
        for case_id, sex, birth_date, nationality in rows:
            members[case_id].append(MemberProfile(Sex(sex), birth_date, nationality))
        # First recorded action of any kind (as screening's clocks take it); last status event.
        first = dict(self.session.execute(
            select(_events.c.case_id, func.min(_events.c.at)).group_by(_events.c.case_id)).all())
        last = dict(self.session.execute(
            select(_events.c.case_id, func.max(_events.c.at))
            .where(_events.c.action.in_([str(a) for a in STATUS_EVENT_ACTIONS]))
            .group_by(_events.c.case_id)).all())
        cases = self.session.execute(
            select(_cases.c.case_id, _cases.c.processing_priority, _cases.c.status,
                   _cases.c.registered_on).order_by(_cases.c.case_id))
        return [CaseProfile(case_id, Priority(priority), CaseStatus(status),
                            tuple(members[case_id]), registered_on, first.get(case_id),
                            last.get(case_id))
                for case_id, priority, status, registered_on in cases]

    def _read(self, actions: list[str], until: datetime,
              changed_after: datetime | None = None) -> EventFacts:
        query = select(_events).where(_events.c.at <= until, _events.c.action.in_(actions))
        if changed_after is not None:
            changed = select(_events.c.case_id).where(
                _events.c.at > changed_after, _events.c.action.in_(_STATUS))
            query = query.where(_events.c.case_id.in_(changed))
        rows = self.session.execute(
            query.order_by(_events.c.at, _events.c.case_id, _events.c.sequence)).mappings()
        return facts_from_events(_event(self.session, r) for r in rows)

    def _decisions_until(self, until: datetime) -> EventFacts:
        if until not in self._facts:  # referrals and movements: one read, a few per case
            self._facts[until] = self._read(_DECISIONS, until)
        return self._facts[until]

    def status_changes(self, until: datetime, *,
                       changed_after: datetime | None = None) -> Sequence[StatusChange]:
        return self._read(_STATUS, until, changed_after).status_changes

    def referral_facts(self, until: datetime) -> Sequence[ReferralFact]:
        return self._decisions_until(until).referrals

    def movement_facts(self, until: datetime) -> Sequence[MovementFact]:
        return self._decisions_until(until).movements

    def pledges(self) -> Sequence[Pledge]:
        return [pledge_from_row(r) for r in self.session.execute(
            select(_pledges).order_by(_pledges.c.pledge_id)).mappings()]

    def deadline_targets(self) -> DeadlineTargets:
        return SqlScreeningStore(self.session).settings().deadlines


def _event(session: Session, row: Any) -> CaseEvent:
    return CaseEvent(row["case_id"], row["sequence"], Action(row["action"]), row["actor"],
                     row["at"], _refusal_reason(session, row), CaseStatus(row["from_status"]),
                     CaseStatus(row["to_status"]), dict(row["data"] or {}))


def _refusal_reason(session: Session, row: Any) -> str:
    """Only a host state's refusal has a reason the report counts (grouped, never quoted under
    five cases); every event reason is sealed, so only those are opened, and without the data
    keys the report counts them as 'no reason recorded' rather than failing."""
    if row["action"] != Action.REFUSE.value or row["reason_enc"] is None:
        return str(row["reason"] or "")
    try:
        return open_event_reason(session, row)
    except KeyProblemError:
        return ""
