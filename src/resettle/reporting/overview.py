"""The operation at a glance (the dashboard): who is still in the camp, where the cases stand,
departures per month, places pledged, used and open, and the deadlines: past and this week.

Counts only. Built from the same aggregates as the monthly report, as of the day deadlines
count from (screening.deadlines.deadline_day), so it agrees with `resettle case due`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from resettle.core.locality import Pledge
from resettle.core.status import CaseStatus, Priority
from resettle.reporting.ports import ReportingStore
from resettle.reporting.records import (
    CaseProfile,
    MovementFact,
    PledgeRow,
    ReferralFact,
    StatusChange,
)
from resettle.screening.deadlines import DeadlineTargets

WEEK_DAYS = 7
MONTHS_SHOWN = 24  # departures per month: the last two years with a departure
GONE = frozenset({CaseStatus.DEPARTED, CaseStatus.ARRIVED, CaseStatus.WITHDRAWN,
                  CaseStatus.CLOSED})


@dataclass(frozen=True)
class Overview:
    day: date
    persons_in_camp: int  # members of cases not departed, withdrawn or closed
    cases_open: int
    funnel: tuple[tuple[CaseStatus, int, int], ...]  # status, cases, persons (non-zero)
    departures: tuple[tuple[str, int], ...]  # YYYY-MM, persons departed that month
    pledges: tuple[PledgeRow, ...]  # per host state: made, used, reserved, open
    overdue: tuple[tuple[Priority, int], ...]
    due_this_week: tuple[tuple[Priority, int], ...]

    @property
    def overdue_total(self) -> int:
        return sum(n for _, n in self.overdue)

    @property
    def due_this_week_total(self) -> int:
        return sum(n for _, n in self.due_this_week)


class WeekAhead:
    """The store, with "due soon" meaning within a week (the dashboard's "this week")."""

    def __init__(self, store: ReportingStore) -> None:
        self.store = store

    def case_profiles(self) -> Sequence[CaseProfile]:
        return self.store.case_profiles()

    def status_changes(self, until: datetime, *,
                       changed_after: datetime | None = None) -> Sequence[StatusChange]:
        return self.store.status_changes(until, changed_after=changed_after)

    def referral_facts(self, until: datetime) -> Sequence[ReferralFact]:
        return self.store.referral_facts(until)

    def movement_facts(self, until: datetime) -> Sequence[MovementFact]:
        return self.store.movement_facts(until)

    def pledges(self) -> Sequence[Pledge]:
        return self.store.pledges()

    def deadline_targets(self) -> DeadlineTargets:
        return replace(self.store.deadline_targets(), due_soon_days=WEEK_DAYS)


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), months without a departure included."""
    year, month = (int(p) for p in first.split("-"))
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
