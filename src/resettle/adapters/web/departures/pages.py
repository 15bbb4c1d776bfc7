"""The departures page: flights and their loads, the plan as a figure (persons per flight over
time, per host state), planning, adding and cancelling flights. Same services as the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.departures import common
from resettle.adapters.web.departures.common import naive, store_of
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.departures import service
from resettle.departures.records import Booking, Flight, FlightKind, ItemKind
from resettle.errors import NotFoundError, NotTravelReadyError, ResettleError
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def page(request: Request, ctx: Ctx, *, outcome: service.PlanOutcome | None = None,
         affected: tuple[Booking, ...] = (), problem: ResettleError | None = None,
         done: str = "") -> Response:
    loads = service.flight_loads(store_of(ctx))
    return render(request, ctx, "departures.html", loads=loads, svg=common.plan_svg(loads),
                  outcome=outcome, affected=affected, problem=problem, done=done,
                  kinds=list(ItemKind), status_code=problem.http_status if problem else 200)


@router.get("/departures")
def departures(request: Request,
               ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_VIEW))]) -> Response:
    return page(request, ctx)


@router.post("/departures/plan")
def plan(request: Request, ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))],
         at: Annotated[datetime | None, Form()] = None) -> Response:
    """Plan and book; the page shows what changed and what blocks the cases left unbooked."""
    outcome = common.plan(ctx, dry_run=False, at=at)
    return page(request, ctx, outcome=outcome)


@router.post("/departures/flights")
def add_flight(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))],
    flight_id: Annotated[str, Form(max_length=64)],
    departs_at: Annotated[datetime, Form()],
    destination: Annotated[str, Form(max_length=3)],
    seats: Annotated[int, Form(ge=1, le=1000)],
    escorts: Annotated[int, Form(ge=0, le=100)] = 0,
    kind: Annotated[FlightKind, Form()] = FlightKind.CHARTER,
) -> Response:
    try:
        service.add_flight(store_of(ctx), Flight(flight_id, naive(ctx, departs_at), "BGW",
                                                 destination.upper(), seats, kind, escorts),
                           actor=ctx.user.username)
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=flight_id, subject_type="flight")
        return page(request, ctx, problem=refused)
    ctx.audit("departure.flight_add", subject_type="flight", subject_id=flight_id)
    return see_other("/departures")


@router.post("/departures/flights/{flight_id}/cancel")
def cancel(request: Request, flight_id: str,
           ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))],
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Cancel: the page names every case taken off the flight (then plan again)."""
    try:
        affected = common.cancel(ctx, flight_id, reason)
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=flight_id, subject_type="flight")
        return page(request, ctx, problem=refused)
    return page(request, ctx, affected=affected)


@router.post("/departures/items")
def record_item(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_RECORD))],
    case_id: Annotated[str, Form(max_length=64)], person_id: Annotated[str, Form(max_length=64)],
    kind: Annotated[ItemKind, Form()], valid_from: Annotated[datetime, Form()],
    valid_until: Annotated[datetime | None, Form()] = None,
    value: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Record one person's item (who and when are kept); an unfit record names the booking
    it cancels."""
    try:
        outcome = service.record_item(
            store_of(ctx), case_id, person_id, kind, valid_from=naive(ctx, valid_from),
            valid_until=naive(ctx, valid_until) if valid_until else None, value=value,
            actor=ctx.user.username, at=naive(ctx))
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=case_id, subject_type="case")
        return page(request, ctx, problem=refused)
    ctx.audit("departure.item", subject_type="case", subject_id=case_id, detail=kind)
    return page(request, ctx, affected=outcome.cancelled,
                done=f"{kind} of {person_id} recorded")


@router.post("/departures/flights/{flight_id}/depart")
def depart(request: Request, flight_id: str,
           ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))],
           no_shows: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """The flight left; no-shows as CASE=REASON, one a line."""
    absent = {}
    for line in filter(str.strip, no_shows.splitlines()):
        case_id, _, reason = line.partition("=")
        absent[case_id.strip()] = reason.strip() or "no-show"
    store = store_of(ctx)
    try:
        at = service.departure_time(store, flight_id, naive(ctx))
        done = service.depart_flight(store, flight_id, actor=ctx.user.username, at=at,
                                     no_shows=absent)
    except (*ON_PAGE, NotTravelReadyError, NotFoundError) as refused:
        record_refusal(request, ctx, refused, subject_id=flight_id, subject_type="flight")
        return page(request, ctx, problem=refused)
    ctx.audit("departure.depart", subject_type="flight", subject_id=flight_id)
    flown = sum(b.persons for b in done if b.state == "departed")
    return page(request, ctx, done=f"{flight_id} departed with {flown} persons; "
                f"{sum(1 for b in done if b.state == 'no_show')} no-show case(s)")


@router.get("/arrivals")
def arrivals(request: Request,
             ctx: Annotated[Ctx, Depends(allowed(Permission.ARRIVAL_REPORT))]) -> Response:
    return render(request, ctx, "arrivals.html", done="", problem=None)


@router.post("/arrivals")
def report_arrival(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.ARRIVAL_REPORT))],
    case_id: Annotated[str, Form(max_length=64)], place: Annotated[str, Form(max_length=200)],
    arrived_on: Annotated[date, Form()],
) -> Response:
    """The host state reports a case arrived (a liaison: its own state's cases only)."""
    try:
        common.report_arrival(ctx, case_id, place=place,
                              arrived_on=datetime.combine(arrived_on, datetime.min.time()))
    except (*ON_PAGE, NotFoundError) as refused:
        record_refusal(request, ctx, refused, subject_id=case_id, subject_type="case")
        return render(request, ctx, "arrivals.html", done="", problem=refused,
                      status_code=refused.http_status)
    return render(request, ctx, "arrivals.html", problem=None,
                  done=f"case {case_id} arrived at {place} on {arrived_on}")
