"""``/queue`` and ``/api/queue``: each role's start page, what waits for it; and the counts the
navigation shows on every page.

The queue names cases, reviews, runs and pledges (ids, statuses, due days), never what a file
says; viewing it is audited with the case ids it showed.
"""

from __future__ import annotations

import threading
import time
import weakref
from datetime import date
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine

from resettle.adapters.db.reporting.queue_store import SqlQueueStore
from resettle.adapters.web.guards import Ctx, config_of, logged_in, utcnow
from resettle.adapters.web.pages import render
from resettle.errors import PermissionDeniedError
from resettle.reporting.queue import Kind, WorkQueue, kinds_for, work_queue
from resettle.security.policy import Principal

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api", tags=["queue"])
NAV_COUNT_SECONDS = 60  # the navigation's count may lag this long; the queue page never does

# Where each kind of work is done (the queue links there; case items link to the case).
KIND_LINKS: dict[Kind, str] = {
    Kind.NEW_REFERRALS: "/referrals", Kind.RUNS_TO_DECIDE: "/placements",
    Kind.PLEDGES_EXPIRING: "/placements", Kind.DEPARTURES_DUE: "/departures",
    Kind.DEPARTURES_OVERDUE: "/departures",
}


def _queue(ctx: Ctx) -> WorkQueue:
    """The user's queue; refused for a role that has none (administrator, auditor)."""
    if not kinds_for(ctx.user):
        raise PermissionDeniedError(f"your role ({ctx.user.role}) has no work queue",
                                    code="permission_denied")
    queue = work_queue(SqlQueueStore(ctx.session), ctx.user, ctx.now.date())
    case_ids = sorted({i.case_id for s in queue.sections for i in s.items if i.case_id})
    if case_ids:
        ctx.audit_cases("queue.view", case_ids)
    else:
        ctx.audit("queue.view")
    _NavCounts.remember(ctx.config.engine, ctx.user, queue)
    return queue


@pages.get("/queue")
def queue_page(request: Request,
               ctx: Annotated[Ctx, Depends(logged_in(writes=True))]) -> Response:
    """Policy: any logged-in user whose role has kinds of work (reporting.queue.KIND_PERMISSION);
    the others are refused."""
    queue = _queue(ctx)
    return render(request, ctx, "queue.html", queue=queue, links=KIND_LINKS)


@api.get("/queue")
def queue_api(ctx: Annotated[Ctx, Depends(logged_in(writes=True))]) -> dict[str, Any]:
    """Your work queue: per kind of work, how many items and the most urgent of them."""
    return queue_as_dict(_queue(ctx))


def queue_as_dict(queue: WorkQueue) -> dict[str, Any]:
    return {
        "day": queue.day.isoformat(), "clock_day": queue.clock_day.isoformat(),
        "total": queue.total,
        "sections": [{
            "kind": s.kind.value, "total": s.total,
            "items": [{"ref": i.ref, "case_id": i.case_id, "detail": i.detail,
                       "due": _iso(i.due), "since": _iso(i.since),
                       "priority": i.priority.value if i.priority else None, "count": i.count}
                      for i in s.items]} for s in queue.sections],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class _NavCounts:
    """The navigation's count per database, role and host state, kept ``NAV_COUNT_SECONDS``:
    counting every case's deadline on every page would cost more than the page."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _known: ClassVar[weakref.WeakKeyDictionary[Engine, dict[tuple[str, str | None],
                                                            tuple[float, int]]]] = (
        weakref.WeakKeyDictionary())

    @classmethod
    def remember(cls, engine: Engine, who: Principal, queue: WorkQueue) -> None:
        with cls._lock:
            cls._known.setdefault(engine, {})[(who.role.value, who.state)] = (
                time.monotonic(), queue.total)

    @classmethod
    def lookup(cls, engine: Engine, who: Principal) -> int | None:
        with cls._lock:
            known = cls._known.get(engine, {}).get((who.role.value, who.state))
        if known is None or time.monotonic() - known[0] > NAV_COUNT_SECONDS:
            return None
        return known[1]


def nav_queue_count(request: Request) -> int | None:
    """For base.html: how many items wait in the user's queue (None: the role has no queue,
    or nobody is logged in). Counted in a read-only transaction of its own, so it works on
    error pages too."""
    who: Principal | None = getattr(request.state, "principal", None)
    if who is None or not kinds_for(who):
        return None
    config = config_of(request)
    if (known := _NavCounts.lookup(config.engine, who)) is not None:
        return known
    with config.sessions() as session:
        queue = work_queue(SqlQueueStore(session), who, utcnow().date())
        session.rollback()
    _NavCounts.remember(config.engine, who, queue)
    return queue.total
