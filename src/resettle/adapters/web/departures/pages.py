"""The departures page: flights and their loads, the plan as a figure (persons per flight over
time, per host state), planning, adding and cancelling flights. Same services as the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.departures import common
from resettle.adapters.web.departures.common import naive, store_of
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.departures import service
from resettle.departures.records import Booking, Flight, FlightKind
from resettle.errors import ResettleError
from resettle.security.policy import Action

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def page(request: Request, ctx: Ctx, *, outcome: service.PlanOutcome | None = None,
         affected: tuple[Booking, ...] = (), problem: ResettleError | None = None) -> Response:
    loads = service.flight_loads(store_of(ctx))
    return render(request, ctx, "departures.html", loads=loads, svg=common.plan_svg(loads),
                  outcome=outcome, affected=affected, problem=problem,
                  status_code=problem.http_status if problem else 200)


@router.get("/departures")
def departures(request: Request,
               ctx: Annotated[Ctx, Depends(allowed(Action.DEPARTURE_VIEW))]) -> Response:
    return page(request, ctx)


@router.post("/departures/plan")
def plan(request: Request, ctx: Annotated[Ctx, Depends(allowed(Action.DEPARTURE_PLAN))],
         at: Annotated[datetime | None, Form()] = None) -> Response:
    """Plan and book; the page shows what changed and what blocks the cases left unbooked."""
    outcome = common.plan(ctx, dry_run=False, at=at)
    return page(request, ctx, outcome=outcome)


@router.post("/departures/flights")
def add_flight(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Action.DEPARTURE_PLAN))],
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
           ctx: Annotated[Ctx, Depends(allowed(Action.DEPARTURE_PLAN))],
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Cancel: the page names every case taken off the flight (then plan again)."""
    try:
        affected = common.cancel(ctx, flight_id, reason)
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=flight_id, subject_type="flight")
        return page(request, ctx, problem=refused)
    return page(request, ctx, affected=affected)
