"""The operation simulator's store on the database: per-case aggregates, no personal data.

Reads case events (the screening history) to say where each case stood on a given day and for
how long, which state held its file and which refused it; persons only for how many there are
and how many are adults; interviews and exclusion reviews only for counts and dates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.members import members_only
from resettle.adapters.db.registry.tables import CaseRow, PersonRow, PledgeRow
from resettle.adapters.db.screening.tables import (
    CaseEventRow,
    ExclusionReviewRow,
    InterviewRow,
)
from resettle.core.status import CaseStatus
from resettle.simulation.operation.ports import CaseSnapshot, PledgeSnapshot

ADULT_YEARS = 18
REFERRAL_ENDS = frozenset({"refuse", "withdraw_referral"})


@dataclass
class _History:
    """A case's events up to the day: its status then, since when, and its referrals."""

    status: CaseStatus | None = None
    since: datetime | None = None
    country: str | None = None
    refused_by: list[str] = field(default_factory=list)
    held_from: CaseStatus | None = None

    def apply(self, action: str, at: datetime, from_status: str, to_status: str,
              data: dict[str, str] | None) -> None:
        status = CaseStatus(to_status)
        if status != self.status:
            self.since = at
        if action == "refer":
            self.country = (data or {}).get("country") or self.country
        elif action in REFERRAL_ENDS and self.country:
            self.refused_by.append(self.country)
            self.country = None
        if status == CaseStatus.ON_HOLD and self.status != CaseStatus.ON_HOLD:
            self.held_from = CaseStatus(from_status)
        self.status = status


class DbOperationStore:
    """:class:`resettle.simulation.operation.ports.OperationStore` over one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_activity(self) -> date | None:
        last = self.session.scalar(select(func.max(CaseEventRow.at)))
        return last.date() if last is not None else None

    def pledges(self) -> list[PledgeSnapshot]:
        rows = self.session.execute(select(
            PledgeRow.country, PledgeRow.period_start, PledgeRow.period_end,
            PledgeRow.places_persons))
        return [PledgeSnapshot(c, start, end, n) for c, start, end, n in rows]

    def case_snapshots(self, as_of: date) -> list[CaseSnapshot]:
        end = datetime.combine(as_of, time.max)
        histories = self._histories(end)
        members = self._members(as_of)
        heard = self._interviewed(end)
        reviewing = self._open_reviews(end)
        snapshots = []
        for case_id, status, registered in self.session.execute(
                select(CaseRow.case_id, CaseRow.status, CaseRow.registered_on)):
            if registered is not None and registered > as_of:
                continue  # not yet registered on that day
            history = histories.get(case_id, _History())
            since = history.since or (datetime.combine(registered, time.min)
                                      if registered else end)
            persons, adults = members.get(case_id, (0, 0))
            if persons == 0:
                continue
            snapshots.append(CaseSnapshot(
                status=history.status or CaseStatus(status), persons=persons, adults=adults,
                days_in_status=max((end - since).total_seconds() / 86400.0, 0.0),
                adults_interviewed=min(heard.get(case_id, 0), adults),
                country=history.country, refused_by=tuple(history.refused_by),
                exclusion_review_open=case_id in reviewing, held_from=history.held_from))
        return snapshots

    def _histories(self, end: datetime) -> dict[str, _History]:
        histories: dict[str, _History] = defaultdict(_History)
        e = CaseEventRow  # plain columns, not ORM objects: a big registry has millions
        rows = self.session.execute(
            select(e.case_id, e.action, e.at, e.from_status, e.to_status, e.data)
            .where(e.at <= end).order_by(e.case_id, e.sequence))
        for case_id, action, at, from_status, to_status, data in rows:
            histories[case_id].apply(action, at, from_status, to_status, data)
        return histories

    def _members(self, as_of: date) -> dict[str, tuple[int, int]]:
        counts: dict[str, tuple[int, int]] = {}
        members = members_only(select(PersonRow.case_id, PersonRow.birth_date))
        for case_id, born in self.session.execute(members):
            persons, adults = counts.get(case_id, (0, 0))
            adult = _years(born, as_of) >= ADULT_YEARS
            counts[case_id] = (persons + 1, adults + int(adult))
        return counts

    def _interviewed(self, end: datetime) -> dict[str, int]:
        rows = self.session.execute(
            select(InterviewRow.case_id, func.count(func.distinct(InterviewRow.person_id)))
            .where(InterviewRow.private.is_(True), InterviewRow.held_at <= end)
            .group_by(InterviewRow.case_id))
        return {case_id: int(n) for case_id, n in rows}

    def _open_reviews(self, end: datetime) -> set[str]:
        rows = self.session.scalars(
            select(ExclusionReviewRow.case_id).where(ExclusionReviewRow.opened_at <= end)
            .where((ExclusionReviewRow.reviewed_at.is_(None))
                   | (ExclusionReviewRow.reviewed_at > end)))
        return set(rows)


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
