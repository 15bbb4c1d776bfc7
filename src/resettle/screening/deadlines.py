"""Deadlines from configurable targets per priority level; overdue and due-soon lists.

Two clocks. Before a host state holds the file, the *processing* priority runs from
registration to submission. Once referred, the *submission* priority runs from the referral to
departure (DOMAIN.md: emergency 7 days, urgent 6 weeks, normal 12 months; all configurable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from resettle.core.status import CaseStatus, Priority
from resettle.screening.workflow import REFERRAL_STATES, TERMINAL


class Milestone(StrEnum):
    SUBMISSION = "submission"  # processing priority: registration -> referral to a state
    DEPARTURE = "departure"  # submission priority: referral -> departure


# Registration to submission: assumptions to verify per operation, not handbook figures.
DEFAULT_PROCESSING_DAYS: Mapping[Priority, int] = {
    Priority.EMERGENCY: 3, Priority.URGENT: 30, Priority.NORMAL: 180,
}
# Submission to departure (DOMAIN.md defaults; urgent and normal marked "verify" there).
DEFAULT_SUBMISSION_DAYS: Mapping[Priority, int] = {
    Priority.EMERGENCY: 7, Priority.URGENT: 42, Priority.NORMAL: 365,
}


@dataclass(frozen=True)
class DeadlineTargets:
    processing_days: Mapping[Priority, int] = field(
        default_factory=lambda: dict(DEFAULT_PROCESSING_DAYS))
    submission_days: Mapping[Priority, int] = field(
        default_factory=lambda: dict(DEFAULT_SUBMISSION_DAYS))
    due_soon_days: int = 14
    # The day the records stand at when they are a snapshot (a scenario loaded with its past
    # history): deadlines count from it, not from the calendar. None: a live operation.
    records_as_of: date | None = None


@dataclass(frozen=True)
class CaseClock:
    """What a deadline is computed from; the service fills it from the case and its history."""

    case_id: str
    status: CaseStatus
    processing_priority: Priority
    registered_at: datetime
    submission_priority: Priority | None = None
    referred_at: datetime | None = None


@dataclass(frozen=True)
class Deadline:
    case_id: str
    status: CaseStatus
    milestone: Milestone
    priority: Priority
    due: date

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def compute_deadline(clock: CaseClock, targets: DeadlineTargets) -> Deadline | None:
    """The next deadline of a case, or None when it has none (finished, excluded)."""
    if clock.status in TERMINAL or clock.status == CaseStatus.EXCLUDED:
        return None
    if clock.status in REFERRAL_STATES and clock.referred_at and clock.submission_priority:
        days = targets.submission_days[clock.submission_priority]
        due = clock.referred_at.date() + timedelta(days=days)
        return Deadline(clock.case_id, clock.status, Milestone.DEPARTURE,
                        clock.submission_priority, due)
    days = targets.processing_days[clock.processing_priority]
    due = clock.registered_at.date() + timedelta(days=days)
    return Deadline(clock.case_id, clock.status, Milestone.SUBMISSION, clock.processing_priority,
                    due)


@dataclass(frozen=True)
class DueList:
    overdue: tuple[Deadline, ...]
    due_soon: tuple[Deadline, ...]


def list_due(
    clocks: Iterable[CaseClock], targets: DeadlineTargets, today: date,
    within_days: int | None = None,
) -> DueList:
    """Overdue and due-soon cases, most urgent first (priority, then due date)."""
    horizon = today + timedelta(days=targets.due_soon_days if within_days is None else within_days)
    deadlines = [d for c in clocks if (d := compute_deadline(c, targets)) is not None]
    deadlines.sort(key=lambda d: (d.priority.rank, d.due, d.case_id))
    return DueList(
        overdue=tuple(d for d in deadlines if d.due < today),
        due_soon=tuple(d for d in deadlines if today <= d.due <= horizon),
    )


# Records that stop this many days or more before the clock's day are a past snapshot (a
# scenario such as the demo's, a training copy): a live operation records something every week.
STALE_AFTER_DAYS = 30


def deadline_day(latest_activity: date | None, clock_day: date,
                 records_as_of: date | None = None,
                 stale_after_days: int = STALE_AFTER_DAYS) -> date:
    """The day deadlines are counted from: the records' own day when they are a snapshot
    (``records_as_of``, stored with a scenario); else the clock's day, unless the records stop
    at least ``stale_after_days`` before it: then the day of the last recorded activity. So a
    past snapshot does not read as if every open case were overdue. `resettle case due`, the
    work queues and the dashboard all count from this day."""
    if records_as_of is not None and records_as_of < clock_day:
        return records_as_of
    if latest_activity is None or latest_activity >= clock_day:
        return clock_day
    if (clock_day - latest_activity).days >= stale_after_days:
        return latest_activity
    return clock_day
