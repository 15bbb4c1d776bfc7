"""What the departures API and pages share: the store of the request's transaction, the
audited calls, and the plan figure. Policy is checked by each route's guard, and here where a
record's scope matters (a liaison reports arrivals in its own state only)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from resettle.adapters.db.departures.store import SqlDeparturesStore
from resettle.adapters.web.guards import Ctx
from resettle.departures import service
from resettle.departures.records import Booking, FlightStatus
from resettle.security.policy import Permission, RecordFacts, authorize


def store_of(ctx: Ctx) -> SqlDeparturesStore:
    return SqlDeparturesStore(ctx.session)


def naive(ctx: Ctx, at: datetime | None = None) -> datetime:
    """UTC without tzinfo, as the database stores times."""
    moment = at or ctx.now
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def plan(ctx: Ctx, *, dry_run: bool, at: datetime | None = None) -> service.PlanOutcome:
    authorize(ctx.user, Permission.DEPARTURE_PLAN)
    store = store_of(ctx)
    start = naive(ctx, at) if at else service.plan_start(store, naive(ctx))
    outcome = service.plan_flights(store, actor=ctx.user.username, at=start,
                                   commit=not dry_run)
    ctx.audit("departure.plan", subject_type="flight_plan",
              detail=f"{'dry run; ' if dry_run else ''}{outcome.plan.status}: "
                     f"{len(outcome.plan.bookings)} cases, moved {outcome.plan.moved}")
    return outcome


def cancel(ctx: Ctx, flight_id: str, reason: str) -> tuple[Booking, ...]:
    authorize(ctx.user, Permission.DEPARTURE_PLAN)
    affected = service.cancel_flight(store_of(ctx), flight_id, actor=ctx.user.username,
                                     reason=reason)
    ctx.audit("departure.flight_cancel", subject_type="flight", subject_id=flight_id,
              detail=f"{len(affected)} bookings affected")
    return affected


def manifest(ctx: Ctx, flight_id: str, kind: str) -> str:
    authorize(ctx.user, Permission.MANIFEST_READ)
    flight, rows = service.flight_manifest(store_of(ctx), flight_id)
    ctx.audit("departure.manifest", subject_type="flight", subject_id=flight_id,
              detail=f"{kind}, {len(rows)} persons")
    return service.manifest_html(flight, rows) if kind == "html" else service.manifest_csv(rows)


def report_arrival(ctx: Ctx, case_id: str, *, place: str, arrived_on: datetime) -> None:
    """A liaison reports arrivals in its own state only: another state's case is not found."""
    store = store_of(ctx)
    destination = service.destination_of(store, case_id)
    authorize(ctx.user, Permission.ARRIVAL_REPORT, RecordFacts(case_id, frozenset({destination})))
    service.report_arrival(store, case_id, place=place, arrived_on=arrived_on.date(),
                           actor=ctx.user.username, state=ctx.user.state, at=naive(ctx))
    ctx.audit("arrival.report", subject_type="case", subject_id=case_id)


COLOURS = ("#1b6ca8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#2c3e50", "#b7950b",
           "#117a65", "#7b241c", "#5d6d7e")


def plan_svg(loads: list[service.FlightLoad]) -> str:
    """Persons per flight over time, one colour per host state: a bar per planned or flown
    flight in order of departure, its seats as an outline, the day under the first flight of
    each day. The flights table is its text alternative."""
    live = sorted((x for x in loads if x.flight.status != FlightStatus.CANCELLED),
                  key=lambda x: x.flight.departs_at)
    if not live:
        return ""
    top = max(max(x.flight.seats, x.persons) for x in live)
    width, height, pad, legend = 640, 240, 30, 40
    step = (width - 2 * pad) / len(live)
    states = sorted({x.flight.destination for x in live})
    colour = {s: COLOURS[n % len(COLOURS)] for n, s in enumerate(states)}
    plot = height - pad - legend
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             'role="img" aria-label="Persons per flight over time, per host state" '
             'class="chart">']
    previous_day = None
    for n, load in enumerate(live):
        x, bar_w = pad + n * step, max(step * 0.7, 2)
        seat_h, used_h = plot * load.flight.seats / top, plot * load.persons / top
        label = escape(f"{load.flight.flight_id} {load.flight.departs_at:%Y-%m-%d %H:%M} to "
                       f"{load.flight.destination}: {load.persons} of {load.flight.seats}")
        parts.append(f'<rect x="{x:.1f}" y="{legend + plot - seat_h:.1f}" width="{bar_w:.1f}" '
                     f'height="{seat_h:.1f}" fill="none" stroke="#999"/>')
        parts.append(f'<rect x="{x:.1f}" y="{legend + plot - used_h:.1f}" width="{bar_w:.1f}" '
                     f'height="{used_h:.1f}" fill="{colour[load.flight.destination]}">'
                     f'<title>{label}</title></rect>')
        if load.flight.day != previous_day:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="10">'
                         f'{load.flight.day:%d %b}</text>')
            previous_day = load.flight.day
    for n, state in enumerate(states):
        parts.append(f'<text x="{pad + (n % 10) * 58}" y="{14 + 14 * (n // 10)}" '
                     f'fill="{colour[state]}" font-size="12">■ {escape(state)}</text>')
    parts.append("</svg>")
    return "".join(parts)
