"""An in-memory :class:`~resettle.reporting.ports.ReportingStore` for tests and the simulator."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from resettle.core.case import Case
from resettle.core.locality import Pledge
from resettle.reporting.facts import EventFacts, facts_from_events
from resettle.reporting.records import (
    CaseProfile,
    MemberProfile,
    MovementFact,
    ReferralFact,
    StatusChange,
)
from resettle.screening.deadlines import DeadlineTargets
from resettle.screening.workflow import CaseEvent


def profile_of(case: Case, first: datetime | None = None,
               last: datetime | None = None) -> CaseProfile:
    return CaseProfile(
        case.case_id, case.processing_priority, case.status,
        tuple(MemberProfile(m.sex, m.birth_date, m.nationality) for m in case.members),
        case.registered_on, first, last)


class MemoryReportingStore:
    def __init__(self, cases: Iterable[Case], events: Iterable[CaseEvent],
                 pledges: Iterable[Pledge] = (),
                 targets: DeadlineTargets | None = None) -> None:
        ordered = sorted(events, key=lambda e: (e.at, e.case_id, e.sequence))
        self._facts: EventFacts = facts_from_events(ordered)
        first: dict[str, datetime] = {}
        last: dict[str, datetime] = {}
        for change in self._facts.status_changes:
            first.setdefault(change.case_id, change.at)
            last[change.case_id] = change.at
        self._cases = [profile_of(c, first.get(c.case_id), last.get(c.case_id)) for c in cases]
        self._pledges = list(pledges)
        self._targets = targets or DeadlineTargets()

    def case_profiles(self) -> Sequence[CaseProfile]:
        return self._cases

    def status_changes(self, until: datetime, *,
                       changed_after: datetime | None = None) -> Sequence[StatusChange]:
        changed = {c.case_id for c in self._cases if changed_after is None or (
            c.last_change_at is not None and c.last_change_at > changed_after)}
        return [c for c in self._facts.status_changes if c.at <= until and c.case_id in changed]

    def referral_facts(self, until: datetime) -> Sequence[ReferralFact]:
        return [f for f in self._facts.referrals if f.at <= until]

    def movement_facts(self, until: datetime) -> Sequence[MovementFact]:
        return [f for f in self._facts.movements if f.at <= until]

    def pledges(self) -> Sequence[Pledge]:
        return self._pledges

    def deadline_targets(self) -> DeadlineTargets:
        return self._targets
