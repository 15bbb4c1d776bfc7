"""Departures in the REST API: checklists, items, flights, the plan, manifests, departure and
arrival. The same service as the pages and the CLI; each route's guard names its policy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from resettle.adapters.web.departures import common
from resettle.adapters.web.departures.common import naive, store_of
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.departures import service
from resettle.departures.records import Booking, Flight, FlightKind, ItemKind
from resettle.security.policy import Permission

router = APIRouter(prefix="/api/departures", responses=ERROR_RESPONSES, tags=["departures"])
ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
FlightId = Annotated[str, Path(pattern=ID_PATTERN)]
CaseId = Annotated[str, Path(pattern=ID_PATTERN)]
Country = Annotated[str, Path(pattern=r"^([A-Za-z]{3}|\*)$")]


class FlightIn(BaseModel):
    flight_id: str = Field(pattern=ID_PATTERN)
    departs_at: datetime
    destination: str = Field(min_length=3, max_length=3)
    seats: int = Field(ge=1, le=1000)
    origin: str = Field(default="BGW", max_length=8)
    kind: FlightKind = FlightKind.CHARTER
    escorts: int = Field(default=0, ge=0, le=100)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class DelayIn(ReasonIn):
    departs_at: datetime


class PlanIn(BaseModel):
    dry_run: bool = False
    at: datetime | None = None


class ItemIn(BaseModel):
    person_id: str = Field(pattern=ID_PATTERN)
    kind: ItemKind
    valid_from: datetime
    valid_until: datetime | None = None
    value: str = Field(default="", max_length=32)


class CapIn(BaseModel):
    country: str = Field(min_length=3, max_length=3)
    day: date
    persons: int = Field(ge=0, le=100_000)


class DepartIn(BaseModel):
    no_shows: dict[str, str] = Field(default_factory=dict)  # case -> reason
    at: datetime | None = None


class ArrivalIn(BaseModel):
    place: str = Field(min_length=1, max_length=200)
    arrived_on: date


def _flight(f: Flight, persons: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"flight_id": f.flight_id, "departs_at": f.departs_at.isoformat(),
                           "origin": f.origin, "destination": f.destination, "seats": f.seats,
                           "kind": f.kind, "escorts": f.escorts, "status": f.status}
    if persons is not None:
        out["persons"] = persons
    return out


def _bookings(found: tuple[Booking, ...] | list[Booking]) -> list[dict[str, Any]]:
    return [{"case_id": b.case_id, "flight_id": b.flight_id, "persons": b.persons,
             "state": b.state, "reason": b.reason} for b in found]


@router.get("/flights")
def list_flights(ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_VIEW))]
                 ) -> dict[str, Any]:
    """Flights with the persons booked or flown on each (no names)."""
    loads = service.flight_loads(store_of(ctx))
    return {"items": [_flight(x.flight, x.persons) | {"cases": x.cases} for x in loads]}


@router.post("/flights", status_code=201)
def add_flight(body: FlightIn,
               ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]) -> dict[str, Any]:
    """Add a charter, or a block of seats on a scheduled flight."""
    flight = service.add_flight(store_of(ctx), Flight(
        body.flight_id, naive(ctx, body.departs_at), body.origin.upper(),
        body.destination.upper(), body.seats, body.kind, body.escorts),
        actor=ctx.user.username)
    ctx.audit("departure.flight_add", subject_type="flight", subject_id=flight.flight_id)
    return _flight(flight)


@router.post("/flights/{flight_id}/cancel")
def cancel_flight(flight_id: FlightId, body: ReasonIn,
                  ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]
                  ) -> dict[str, Any]:
    """Cancel a flight: answers the bookings taken off it (re-plan to book them again)."""
    return {"affected": _bookings(common.cancel(ctx, flight_id, body.reason))}


@router.post("/flights/{flight_id}/delay")
def delay_flight(flight_id: FlightId, body: DelayIn,
                 ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]
                 ) -> dict[str, Any]:
    """Move a flight: the bookings whose items lapse by the new time are taken off."""
    affected = service.delay_flight(store_of(ctx), flight_id, naive(ctx, body.departs_at),
                                    actor=ctx.user.username, reason=body.reason)
    ctx.audit("departure.flight_delay", subject_type="flight", subject_id=flight_id)
    return {"affected": _bookings(affected)}


@router.post("/plan")
def plan(body: PlanIn, ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]
         ) -> dict[str, Any]:
    """Plan every accepted case onto the flights (HiGHS) and book it (unless dry_run):
    what changed, and what blocks every case left unbooked."""
    outcome = common.plan(ctx, dry_run=body.dry_run, at=body.at)
    p = outcome.plan
    return {"status": p.status, "persons_booked": p.persons_booked,
            "person_days_waiting": p.person_days_waiting, "kept": p.kept, "moved": p.moved,
            "seconds": p.seconds, "bookings": dict(p.bookings),
            "changed": {c: {"before": b, "after": a} for c, (b, a) in outcome.changed.items()},
            "unbooked": {c: list(r) for c, r in p.unbooked.items()},
            "not_planned": dict(outcome.not_planned)}


@router.get("/flights/{flight_id}/manifest.csv")
def manifest_csv(flight_id: FlightId,
                 ctx: Annotated[Ctx, Depends(allowed(Permission.MANIFEST_READ))]) -> Response:
    """The manifest: only the fields the movement needs."""
    return Response(common.manifest(ctx, flight_id, "csv"), media_type="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="manifest-{flight_id}.csv"'})


@router.get("/flights/{flight_id}/manifest.html", response_class=HTMLResponse)
def manifest_html(flight_id: FlightId,
                  ctx: Annotated[Ctx, Depends(allowed(Permission.MANIFEST_READ))]) -> Response:
    """The manifest as a printable page."""
    return HTMLResponse(common.manifest(ctx, flight_id, "html"))


@router.post("/flights/{flight_id}/depart")
def depart(flight_id: FlightId, body: DepartIn,
           ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]) -> dict[str, Any]:
    """The flight left: each booked case departed (ready at boarding) or was a no-show."""
    done = service.depart_flight(store_of(ctx), flight_id, actor=ctx.user.username,
                                 at=naive(ctx, body.at), no_shows=body.no_shows)
    ctx.audit("departure.depart", subject_type="flight", subject_id=flight_id,
              detail=f"{len(done)} bookings")
    return {"bookings": _bookings(done)}


@router.post("/cases/{case_id}/items", status_code=201)
def record_item(case_id: CaseId, body: ItemIn,
                ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_RECORD))]
                ) -> dict[str, Any]:
    """Record one person's pre-departure item (an unfit record cancels the booking)."""
    outcome = service.record_item(
        store_of(ctx), case_id, body.person_id, body.kind, valid_from=naive(ctx, body.valid_from),
        valid_until=naive(ctx, body.valid_until) if body.valid_until else None,
        value=body.value, actor=ctx.user.username, at=naive(ctx))
    ctx.audit("departure.item", subject_type="case", subject_id=case_id, detail=body.kind)
    return {"item_id": outcome.item.item_id, "cancelled": _bookings(outcome.cancelled)}


@router.get("/cases/{case_id}/readiness")
def readiness(case_id: CaseId, at: datetime,
              ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_RECORD))]
              ) -> dict[str, Any]:
    """Travel-ready at ``at``? Every missing or invalid item, by person."""
    ready = service.case_readiness(store_of(ctx), case_id, naive(ctx, at))
    ctx.audit("departure.readiness", subject_type="case", subject_id=case_id)
    return {"case_id": case_id, "at": ready.at.isoformat(), "ready": ready.ready,
            "blockers": [{"person_id": b.person_id, "kind": b.kind, "problem": b.problem}
                         for b in ready.blockers]}


@router.post("/cases/{case_id}/arrival")
def arrival(case_id: CaseId, body: ArrivalIn,
            ctx: Annotated[Ctx, Depends(allowed(Permission.ARRIVAL_REPORT))]) -> dict[str, Any]:
    """The host state reports the case arrived (a liaison: its own state's cases only)."""
    common.report_arrival(ctx, case_id, place=body.place,
                          arrived_on=datetime.combine(body.arrived_on, datetime.min.time()))
    return {"case_id": case_id, "status": "arrived", "place": body.place}


@router.get("/checklists/{country}")
def get_checklist(country: Country,
                  ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_VIEW))]
                  ) -> dict[str, Any]:
    """The checklist in force for a host state (or the default)."""
    checklist = service.checklist_of_state(store_of(ctx), country.upper())
    return service.checklist_to_dict(checklist)


@router.put("/checklists/{country}")
def put_checklist(country: Country, body: dict[str, Any],
                  ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]
                  ) -> dict[str, Any]:
    """Store the next version of a host state's checklist (format: docs/departures.md)."""
    checklist = service.set_checklist(store_of(ctx), body, actor=ctx.user.username,
                                      country=country.upper(), at=naive(ctx))
    ctx.audit("departure.checklist", subject_type="checklist", subject_id=checklist.country,
              detail=f"version {checklist.version}")
    return service.checklist_to_dict(checklist)


@router.post("/caps")
def set_cap(body: CapIn,
            ctx: Annotated[Ctx, Depends(allowed(Permission.DEPARTURE_PLAN))]) -> dict[str, Any]:
    """A host state's arrival cap for one day."""
    cap = service.set_arrival_cap(store_of(ctx), body.country.upper(), body.day,
                                  body.persons, actor=ctx.user.username)
    ctx.audit("departure.cap", subject_type="country", subject_id=cap.country)
    return {"country": cap.country, "day": cap.day.isoformat(), "persons": cap.persons}
