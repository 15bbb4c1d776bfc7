"""The work queues' store on SQLAlchemy: implements :class:`resettle.reporting.queue.QueueStore`.

Read only, and no sealed column is opened: a queue names cases, reviews, runs and pledges,
never what an assessment or a note says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from resettle.adapters.db.placement.tables import (
    PlacementAssignmentRow,
    PlacementDecisionRow,
    PlacementRunRow,
)
from resettle.adapters.db.referral.tables import ReferralRow
from resettle.adapters.db.reporting.store import SqlReportingStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import ExclusionReviewRow
from resettle.core import Pledge, Priority
from resettle.reporting.queue import ReferralWaiting, ReviewWaiting, RunWaiting
from resettle.screening.deadlines import CaseClock, DeadlineTargets
from resettle.screening.exclusion import ReviewState

_reviews: Table = ExclusionReviewRow.__table__  # type: ignore[assignment]
_referrals: Table = ReferralRow.__table__  # type: ignore[assignment]
_runs: Table = PlacementRunRow.__table__  # type: ignore[assignment]
_assignments: Table = PlacementAssignmentRow.__table__  # type: ignore[assignment]
_decisions: Table = PlacementDecisionRow.__table__  # type: ignore[assignment]
WAITING_REFERRALS = ("pending", "more_information", "split")


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


class SqlQueueStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._screening = SqlScreeningStore(session)

    def case_clocks(self) -> Sequence[CaseClock]:
        return self._screening.case_clocks()

    def deadline_targets(self) -> DeadlineTargets:
        return self._screening.settings().deadlines

    def latest_activity_day(self) -> date | None:
        return self._screening.latest_activity_day()

    def reviews_waiting(self) -> Sequence[ReviewWaiting]:
        rows = self.session.execute(
            select(_reviews.c.review_id, _reviews.c.case_id, _reviews.c.state,
                   _reviews.c.opened_at, _reviews.c.opened_by)
            .where(_reviews.c.state.in_([ReviewState.OPEN.value, ReviewState.ASSESSED.value])))
        return [ReviewWaiting(r.review_id, r.case_id, r.state == ReviewState.ASSESSED.value,
                              r.opened_at, r.opened_by) for r in rows]

    def referrals_waiting(self, state: str | None) -> Sequence[ReferralWaiting]:
        query = select(_referrals.c.referral_id, _referrals.c.case_id, _referrals.c.country,
                       _referrals.c.state, _referrals.c.referred_at, _referrals.c.decided_at,
                       _referrals.c.submission_priority
                       ).where(_referrals.c.state.in_(WAITING_REFERRALS))
        if state is not None:
            query = query.where(_referrals.c.country == state)
        priorities = {p.value: p for p in Priority}
        return [ReferralWaiting(r.referral_id, r.case_id, r.country, r.state,
                                _naive(r.decided_at or r.referred_at),
                                priorities.get(r.submission_priority))
                for r in self.session.execute(query)]

    def runs_waiting(self) -> Sequence[RunWaiting]:
        placed = (select(_assignments.c.run_id, func.count().label("n"))
                  .where(_assignments.c.locality_id.is_not(None))
                  .group_by(_assignments.c.run_id).subquery())
        decided = (select(_decisions.c.run_id,
                          func.count(func.distinct(_decisions.c.case_id)).label("n"))
                   .group_by(_decisions.c.run_id).subquery())
        rows = self.session.execute(
            select(_runs.c.run_id, _runs.c.label, _runs.c.created_at,
                   func.coalesce(placed.c.n, 0), func.coalesce(decided.c.n, 0))
            .outerjoin(placed, placed.c.run_id == _runs.c.run_id)
            .outerjoin(decided, decided.c.run_id == _runs.c.run_id)
            .order_by(_runs.c.created_at.desc()))
        return [RunWaiting(run_id, label, created, int(n_placed), max(0, n_placed - n_decided))
                for run_id, label, created, n_placed, n_decided in rows]

    def pledges(self) -> Sequence[Pledge]:
        return SqlReportingStore(self.session).pledges()
