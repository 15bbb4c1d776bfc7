"""Work queues: what waits for each role, most urgent first.

A role's queue is made of the kinds of work its permissions let it do (``KIND_PERMISSION``,
authorization as data): deadlines by priority target (screening's rule and targets, counted
from screening's day, so the queue, the dashboard and `resettle case due` agree), exclusion
reviews waiting for an assessment or for a second reviewer, referrals waiting for a host state's
answer, host-state requests for more information and split decisions, placement runs with
proposals nobody has decided, and pledges about to expire.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from resettle.core.locality import Pledge
from resettle.core.status import CaseStatus, Priority
from resettle.screening.deadlines import (
    CaseClock,
    DeadlineTargets,
    Milestone,
    deadline_day,
    list_due,
)
from resettle.security.policy import Permission, Principal, Scope, may, scope_of

PLEDGE_WARNING_DAYS = 30  # a pledge ending within this many days is about to expire
SHOWN_PER_KIND = 10  # items listed per kind on the queue page; the count covers them all


class Kind(StrEnum):
    """Kinds of work, in the order a queue shows them."""

    OVERDUE = "overdue"  # past the target for the case's priority
    DUE_SOON = "due_soon"  # due within the operation's "due soon" days
    DEPARTURES_OVERDUE = "departures_overdue"  # accepted, past the departure target
    DEPARTURES_DUE = "departures_due"
    REFERRALS_OVERDUE = "referrals_overdue"  # with a host state, no answer, past the target
    TO_ASSESS = "to_assess"  # exclusion review opened, no assessment yet
    SECOND_REVIEW = "second_review"  # assessed: a second reviewer decides (four eyes)
    NEW_REFERRALS = "new_referrals"  # with the host state, no answer yet
    MORE_INFORMATION = "more_information"  # the host state asked for more information
    SPLIT_DECISIONS = "split_decisions"  # part of the family accepted: split or decline
    RUNS_TO_DECIDE = "runs_to_decide"  # placement runs with proposals not yet decided
    PLEDGES_EXPIRING = "pledges_expiring"


# Which permission makes a kind of work the user's own (the role's queue follows its grants).
KIND_PERMISSION: dict[Kind, Permission] = {
    Kind.OVERDUE: Permission.SCREENING_ACT,
    Kind.DUE_SOON: Permission.SCREENING_ACT,
    Kind.DEPARTURES_OVERDUE: Permission.DEPARTURE_PLAN,
    Kind.DEPARTURES_DUE: Permission.DEPARTURE_PLAN,
    Kind.REFERRALS_OVERDUE: Permission.REFERRAL_WITHDRAW,
    Kind.TO_ASSESS: Permission.EXCLUSION_DECIDE,
    Kind.SECOND_REVIEW: Permission.EXCLUSION_DECIDE,
    Kind.NEW_REFERRALS: Permission.REFERRAL_DECIDE,
    Kind.MORE_INFORMATION: Permission.REFERRAL_CREATE,
    Kind.SPLIT_DECISIONS: Permission.REFERRAL_SPLIT,
    Kind.RUNS_TO_DECIDE: Permission.PLACEMENT_ACCEPT,
    Kind.PLEDGES_EXPIRING: Permission.PLACEMENT_RUN,
}
URGENT_KINDS = frozenset({Kind.OVERDUE, Kind.DEPARTURES_OVERDUE, Kind.REFERRALS_OVERDUE})
DEADLINE_KINDS = frozenset({Kind.OVERDUE, Kind.DUE_SOON, Kind.DEPARTURES_OVERDUE,
                            Kind.DEPARTURES_DUE, Kind.REFERRALS_OVERDUE})


@dataclass(frozen=True)
class ReviewWaiting:
    review_id: str
    case_id: str
    assessed: bool  # True: waits for the second reviewer; False: for an assessment
    since: datetime
    opened_by: str


@dataclass(frozen=True)
class ReferralWaiting:
    referral_id: int
    case_id: str
    country: str
    state: str  # referral.records.ReferralState value: pending, more_information, split
    since: datetime
    submission_priority: Priority | None


@dataclass(frozen=True)
class RunWaiting:
    run_id: str
    label: str
    created_at: datetime
    proposals: int  # cases the run placed
    undecided: int  # of those, not yet accepted or overridden


class QueueStore(Protocol):
    """What the queues read. The database adapter implements it
    (adapters/db/reporting/queue_store.py)."""

    def case_clocks(self) -> Sequence[CaseClock]: ...

    def deadline_targets(self) -> DeadlineTargets: ...

    def latest_activity_day(self) -> date | None: ...

    def reviews_waiting(self) -> Sequence[ReviewWaiting]: ...

    def referrals_waiting(self, state: str | None) -> Sequence[ReferralWaiting]:
        """Referrals pending, asking for more information or split; of one host state, or
        of every state when ``state`` is None."""
        ...

    def runs_waiting(self) -> Sequence[RunWaiting]: ...

    def pledges(self) -> Sequence[Pledge]: ...


@dataclass(frozen=True)
class Item:
    """One thing to do: a case, review, run or pledge, with its due day when it has one."""

    ref: str  # case id, review id, run id or pledge id
    case_id: str  # the case concerned ("" for runs and pledges)
    detail: str  # a status, country or label: a code the web turns into words
    due: date | None = None
    priority: Priority | None = None
    since: date | None = None
    count: int = 0  # undecided proposals of a run, places of a pledge


@dataclass(frozen=True)
class Section:
    kind: Kind
    total: int
    items: tuple[Item, ...]  # the first SHOWN_PER_KIND

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT_KINDS and self.total > 0


@dataclass(frozen=True)
class WorkQueue:
    day: date  # the day deadlines count from
    clock_day: date  # the calendar day of the request
    sections: tuple[Section, ...]

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def counted_from_records(self) -> bool:
        """The records stop before today: deadlines count from their last day."""
        return self.day != self.clock_day


def kinds_for(principal: Principal) -> tuple[Kind, ...]:
    """The kinds of work a user's role does, in queue order (empty: no queue)."""
    return tuple(k for k in Kind if may(principal, KIND_PERMISSION[k]))


def work_queue(store: QueueStore, principal: Principal, clock_day: date,
               *, shown: int = SHOWN_PER_KIND) -> WorkQueue:
    """The user's queue as of ``clock_day`` (deadlines from screening's day, see
    deadlines.deadline_day)."""
    kinds = kinds_for(principal)
    day = deadline_day(store.latest_activity_day(), clock_day,
                       store.deadline_targets().records_as_of)
    found: dict[Kind, list[Item]] = {}
    if DEADLINE_KINDS & set(kinds):
        found.update(_deadlines(store, day))
    if {Kind.TO_ASSESS, Kind.SECOND_REVIEW} & set(kinds):
        found.update(_reviews(store.reviews_waiting()))
    if {Kind.NEW_REFERRALS, Kind.MORE_INFORMATION, Kind.SPLIT_DECISIONS} & set(kinds):
        # A host state's liaison sees its own state's referrals only ("" matches none).
        own_state = scope_of(principal.role, Permission.REFERRAL_LIST) == Scope.OWN_STATE
        found.update(_referrals(store.referrals_waiting(
            (principal.state or "") if own_state else None)))
    if Kind.RUNS_TO_DECIDE in kinds:
        found[Kind.RUNS_TO_DECIDE] = [
            Item(r.run_id, "", r.label, since=r.created_at.date(), count=r.undecided)
            for r in store.runs_waiting() if r.undecided]
    if Kind.PLEDGES_EXPIRING in kinds:
        found[Kind.PLEDGES_EXPIRING] = expiring_pledges(store.pledges(), day)
    return WorkQueue(day, clock_day, tuple(
        Section(k, len(found.get(k, [])), tuple(found.get(k, [])[:shown])) for k in kinds))


def _deadlines(store: QueueStore, day: date) -> dict[Kind, list[Item]]:
    due = list_due(store.case_clocks(), store.deadline_targets(), day)
    found: dict[Kind, list[Item]] = {k: [] for k in DEADLINE_KINDS}
    for deadlines, late in ((due.overdue, True), (due.due_soon, False)):
        for d in deadlines:
            # Once referred, the departure clock runs: accepted cases wait on the movement;
            # the others on the host state (whoever referred them follows up, or withdraws).
            if d.milestone == Milestone.DEPARTURE:
                if d.status in (CaseStatus.ACCEPTED, CaseStatus.PRE_DEPARTURE):
                    kind = Kind.DEPARTURES_OVERDUE if late else Kind.DEPARTURES_DUE
                elif late:
                    kind = Kind.REFERRALS_OVERDUE
                else:
                    continue
            else:
                kind = Kind.OVERDUE if late else Kind.DUE_SOON
            found[kind].append(Item(d.case_id, d.case_id, d.status.value, due=d.due,
                                    priority=d.priority))
    return found


def _reviews(reviews: Iterable[ReviewWaiting]) -> dict[Kind, list[Item]]:
    ordered = sorted(reviews, key=lambda r: (r.since, r.review_id))
    return {
        Kind.TO_ASSESS: [Item(r.review_id, r.case_id, "open", since=r.since.date())
                         for r in ordered if not r.assessed],
        Kind.SECOND_REVIEW: [Item(r.review_id, r.case_id, "assessed", since=r.since.date())
                             for r in ordered if r.assessed],
    }


def _referrals(referrals: Iterable[ReferralWaiting]) -> dict[Kind, list[Item]]:
    kinds = {"pending": Kind.NEW_REFERRALS, "more_information": Kind.MORE_INFORMATION,
             "split": Kind.SPLIT_DECISIONS}
    found: dict[Kind, list[Item]] = {k: [] for k in kinds.values()}
    rank = {p: p.rank for p in Priority}
    for r in sorted(referrals, key=lambda r: (rank.get(r.submission_priority, 9)
                                              if r.submission_priority else 9, r.since)):
        if r.state in kinds:
            found[kinds[r.state]].append(Item(str(r.referral_id), r.case_id, r.country,
                                              priority=r.submission_priority,
                                              since=r.since.date()))
    return found


def expiring_pledges(pledges: Iterable[Pledge], day: date,
                     within_days: int = PLEDGE_WARNING_DAYS) -> list[Item]:
    """Pledges still running on ``day`` whose period ends within ``within_days``."""
    horizon = day + timedelta(days=within_days)
    return [Item(p.pledge_id, "", p.country, due=p.period_end, count=p.places_persons)
            for p in sorted(pledges, key=lambda p: (p.period_end, p.pledge_id))
            if p.period_start <= day <= p.period_end <= horizon]


def queue_counts(queue: WorkQueue) -> dict[str, int]:
    return {s.kind.value: s.total for s in queue.sections}
