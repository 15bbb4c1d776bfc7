"""Moving people: plan flights, book, fly, report arrival, and the manifest of a flight.

Every booking goes through :func:`book_case`, which asks the two rules that must hold before
anyone boards: non-refoulement (screening's one check, for the state named in the workflow's
history) and travel-readiness on the flight's departure time. Departure asks them again at the
moment of boarding. Status changes go through the screening workflow (prepare_departure,
depart, report_arrival), so the case's history stays one story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from resettle.core.issues import Issue
from resettle.core.status import CaseStatus, Priority
from resettle.departures.checklist import blockers, checklist_for, escort_persons
from resettle.departures.planner import CaseToFly, FlightPlan, PlanInput, check_plan, solve_plan
from resettle.departures.ports import DeparturesStore, active_bookings
from resettle.departures.preparation import (
    active_booking,
    case_readiness,
    destination_of,
)
from resettle.departures.records import (
    Booking,
    BookingState,
    Flight,
    FlightStatus,
    ItemKind,
)
from resettle.errors import (
    IllegalTransitionError,
    NotFoundError,
    NotTravelReadyError,
    RefoulementError,
    ValidationError,
)
from resettle.screening.actions import advance_case, check_case_destination, utc_now
from resettle.screening.workflow import Action

CANDIDATE_STATES = frozenset({CaseStatus.ACCEPTED, CaseStatus.PRE_DEPARTURE})


def book_case(store: DeparturesStore, case_id: str, flight_id: str, *, actor: str,
              at: datetime | None = None, reason: str = "booked") -> Booking:
    """Book a whole case on a flight: the one gate every booking passes."""
    at = at or utc_now()
    case = store.screening.get_case(case_id)
    if case.status not in CANDIDATE_STATES:
        raise IllegalTransitionError(f"case {case_id} is {case.status}; only an accepted case "
                                     "can be booked")
    flight = store.get_flight(flight_id)
    country = destination_of(store, case_id)
    if flight.status != FlightStatus.PLANNED or flight.destination != country:
        raise IllegalTransitionError(f"flight {flight_id} ({flight.status}, to "
                                     f"{flight.destination}) cannot take a case accepted by "
                                     f"{country}")
    check_case_destination(store.screening, case_id, country)  # non-refoulement, the one rule
    ready = case_readiness(store, case_id, flight.departs_at)
    if not ready.ready:
        raise NotTravelReadyError(f"case {case_id} is not travel-ready on {flight.departs_at}: "
                                  + "; ".join(map(str, ready.blockers)))
    if (current := active_booking(store, case_id)) is not None:
        store.save_booking(replace(current, state=BookingState.CANCELLED,
                                   reason=f"re-booked on {flight_id}"))
    if case.status == CaseStatus.ACCEPTED:
        advance_case(store.screening, case_id, Action.PREPARE_DEPARTURE, actor=actor,
                     reason=f"booked on flight {flight_id}", at=at,
                     data={"flight": flight_id, "country": country})
    booking = Booking(store.new_id("BKG"), case_id, flight_id, case.size, BookingState.BOOKED,
                      actor, at, reason)
    store.add_booking(booking)
    return booking


def submission_priority(store: DeparturesStore, case_id: str) -> Priority:
    for event in reversed(store.screening.history(case_id)):
        if event.action == Action.REFER and event.data.get("submission_priority"):
            return Priority(event.data["submission_priority"])
    return store.screening.get_case(case_id).processing_priority


def _case_to_fly(store: DeparturesStore, case_id: str, flights: list[Flight]
                 ) -> CaseToFly | str:
    """The planner's view of one case, or why it cannot be planned at all."""
    case = store.screening.get_case(case_id)
    try:
        country = destination_of(store, case_id)
        check_case_destination(store.screening, case_id, country)
    except (IllegalTransitionError, RefoulementError) as error:
        return error.message
    ids = [m.person_id for m in case.members]
    items = store.items_of(ids)
    checklist = checklist_for(country, store.checklists())
    eligible: set[str] = set()
    why: list[str] = []
    for flight in flights:
        if flight.destination != country:
            continue
        found = blockers(ids, items, checklist, flight.departs_at)
        if not found:
            eligible.add(flight.flight_id)
        elif len(why) < 3:
            why.append(f"{flight.flight_id}: " + "; ".join(map(str, found[:4])))
    current = active_booking(store, case_id)
    return CaseToFly(case_id, case.size, submission_priority(store, case_id), country,
                     escort_persons(ids, items), frozenset(eligible), tuple(why),
                     current.flight_id if current else None)


@dataclass(frozen=True)
class PlanOutcome:
    plan: FlightPlan
    plan_input: PlanInput
    not_planned: Mapping[str, str]  # case -> why it could not enter the plan at all
    changed: Mapping[str, tuple[str | None, str | None]]  # case -> (flight before, after)


def build_plan_input(store: DeparturesStore, *, at: datetime, keep_tolerance: float = 0.01,
                     time_limit: float = 30.0) -> tuple[PlanInput, dict[str, str]]:
    flights = [f for f in store.flights()
               if f.status == FlightStatus.PLANNED and f.departs_at >= at]
    cases, not_planned = [], {}
    for clock in store.screening.case_clocks():
        if clock.status not in CANDIDATE_STATES:
            continue
        found = _case_to_fly(store, clock.case_id, flights)
        if isinstance(found, str):
            not_planned[clock.case_id] = found
        else:
            cases.append(found)
    states = {c.destination for c in cases} | {f.destination for f in flights}
    checklists = store.checklists()
    caps = {(c.country, c.day): c.persons for c in store.caps()}
    for state in states:
        default = checklist_for(state, checklists).arrival_cap_per_day
        for day in {f.day for f in flights if f.destination == state}:
            if default is not None:
                caps.setdefault((state, day), default)
    ratios = {s: checklist_for(s, checklists).escort_ratio for s in states}
    return PlanInput(at.date(), tuple(cases), tuple(flights), caps, ratios, keep_tolerance,
                     time_limit), not_planned


def release_stale_bookings(store: DeparturesStore) -> list[Booking]:
    """Cancel the bookings of cases that left pre-departure meanwhile (put on hold, or their
    referral withdrawn because the state is now on a member's no-return list): nobody boards
    on a booking the workflow no longer stands behind."""
    stale = []
    for booking in active_bookings(store.bookings()):
        status = store.screening.get_case(booking.case_id).status
        if status != CaseStatus.PRE_DEPARTURE:
            stale.append(replace(booking, state=BookingState.CANCELLED,
                                 reason=f"the case is now {status}"))
            store.save_booking(stale[-1])
    return stale


def plan_start(store: DeparturesStore, now: datetime) -> datetime:
    """When a plan starts by default: now, unless no planned flight departs after now; then
    the day before the earliest planned flight (so a past scenario, like the demo's, plans)."""
    planned = [f.departs_at for f in store.flights() if f.status == FlightStatus.PLANNED]
    if not planned or max(planned) >= now:
        return now
    return min(planned) - timedelta(days=1)


def plan_flights(store: DeparturesStore, *, actor: str, at: datetime | None = None,
                 commit: bool = True, keep_tolerance: float = 0.01,
                 time_limit: float = 30.0) -> PlanOutcome:
    """Plan every accepted case onto the planned flights (HiGHS), check the plan apart from
    the solver, and (``commit``) book it: changed bookings are cancelled and re-made."""
    at = at or utc_now()
    if commit:
        release_stale_bookings(store)
    plan_input, not_planned = build_plan_input(store, at=at, keep_tolerance=keep_tolerance,
                                               time_limit=time_limit)
    plan = solve_plan(plan_input)
    check_plan(plan_input, plan.bookings)
    changed = {c.case_id: (c.current_flight, plan.bookings.get(c.case_id))
               for c in plan_input.cases
               if c.current_flight != plan.bookings.get(c.case_id)}
    if commit:
        for case_id, (before, after) in sorted(changed.items()):
            if after is not None:
                book_case(store, case_id, after, actor=actor, at=at,
                          reason="planned" if before is None else f"re-planned from {before}")
            elif (current := active_booking(store, case_id)) is not None:
                store.save_booking(replace(current, state=BookingState.CANCELLED,
                                           reason="re-plan found no flight: "
                                           + "; ".join(plan.unbooked.get(case_id, ()))))
    return PlanOutcome(plan, plan_input, not_planned, changed)


def depart_flight(store: DeparturesStore, flight_id: str, *, actor: str,
                  at: datetime | None = None,
                  no_shows: Mapping[str, str] | None = None) -> list[Booking]:
    """The flight left: each booked case departs (ready at boarding, never to a country on
    its no-return list), or is a no-show with its reason and stays to be re-booked."""
    at = at or utc_now()
    no_shows = dict(no_shows or {})
    flight = store.get_flight(flight_id)
    if flight.status != FlightStatus.PLANNED:
        raise IllegalTransitionError(f"flight {flight_id} is {flight.status}")
    booked = active_bookings(store.bookings(flight_id=flight_id))
    unknown = set(no_shows) - {b.case_id for b in booked}
    if unknown:
        raise NotFoundError(f"no booking on {flight_id} for {', '.join(sorted(unknown))}")
    boarding = [b for b in booked if b.case_id not in no_shows]
    problems = [f"{b.case_id}: the case is {status}" for b in boarding
                if (status := store.screening.get_case(b.case_id).status)
                != CaseStatus.PRE_DEPARTURE]
    if not problems:
        not_ready = {b.case_id: case_readiness(store, b.case_id, at) for b in boarding}
        problems = [f"{c}: " + "; ".join(map(str, r.blockers))
                    for c, r in not_ready.items() if not r.ready]
    if problems:
        raise NotTravelReadyError("not travel-ready at boarding; fix the items or record "
                                  "them as no-shows: " + " | ".join(problems))
    done = []
    for booking in booked:
        if booking.case_id in no_shows:
            done.append(replace(booking, state=BookingState.NO_SHOW,
                                reason=no_shows[booking.case_id] or "no-show"))
        else:
            check_case_destination(store.screening, booking.case_id, flight.destination)
            advance_case(store.screening, booking.case_id, Action.DEPART, actor=actor,
                         reason=f"departed on flight {flight_id}", at=at,
                         data={"flight": flight_id, "country": flight.destination})
            done.append(replace(booking, state=BookingState.DEPARTED))
        store.save_booking(done[-1])
    store.save_flight(replace(flight, status=FlightStatus.DEPARTED))
    return done


def departure_time(store: DeparturesStore, flight_id: str, now: datetime) -> datetime:
    """When a departure recorded ``now`` happened: now, or the flight's own time when that is
    already past by more than a day (a past scenario, like the demo's)."""
    planned = store.get_flight(flight_id).departs_at
    return planned if now - planned > timedelta(days=1) else now


def departed_booking(store: DeparturesStore, case_id: str) -> Booking | None:
    return next((b for b in store.bookings(case_id=case_id)
                 if b.state == BookingState.DEPARTED), None)


def report_arrival(store: DeparturesStore, case_id: str, *, place: str, arrived_on: date,
                   actor: str, state: str | None = None, at: datetime | None = None) -> Booking:
    """The host state's liaison reports the case arrived (``state``: the liaison's own; a
    case flown elsewhere is not theirs to see)."""
    booking = departed_booking(store, case_id)
    flight = store.get_flight(booking.flight_id) if booking else None
    if booking is None or flight is None or (state is not None and flight.destination != state):
        raise NotFoundError(f"no departed case {case_id} that you may report on")
    if not place.strip():
        raise ValidationError([Issue("missing_value", "name the place of arrival",
                                     field="place")])
    advance_case(store.screening, case_id, Action.REPORT_ARRIVAL, actor=actor,
                 reason=f"arrived in {flight.destination} at {place}", at=at or utc_now(),
                 data={"flight": flight.flight_id, "country": flight.destination,
                       "place": place, "arrived_on": arrived_on.isoformat()})
    return booking


@dataclass(frozen=True)
class ManifestRow:
    """Only what the movement needs: who boards, to be counted, identified and escorted."""

    flight_id: str
    case_id: str
    person_id: str
    family_name: str
    given_name: str
    sex: str
    birth_date: str
    nationality: str
    escort: str  # none, medical or operational
    status: str  # booked, departed


MANIFEST_FIELDS = ("flight_id", "case_id", "person_id", "family_name", "given_name", "sex",
                   "birth_date", "nationality", "escort", "status")


def flight_manifest(store: DeparturesStore, flight_id: str) -> tuple[Flight, list[ManifestRow]]:
    flight = store.get_flight(flight_id)
    rows: list[ManifestRow] = []
    for booking in sorted(store.bookings(flight_id=flight_id), key=lambda b: b.case_id):
        if booking.state not in (BookingState.BOOKED, BookingState.DEPARTED):
            continue
        case = store.screening.get_case(booking.case_id)
        if booking.state == BookingState.BOOKED and case.status != CaseStatus.PRE_DEPARTURE:
            continue  # on hold or withdrawn since: not on the manifest (re-plan cancels it)
        ids = [m.person_id for m in case.members]
        escort = {i.person_id: i.value for i in sorted(
            store.items_of(ids), key=lambda i: i.recorded_at)
            if i.kind == ItemKind.ESCORT_ASSESSMENT}
        rows.extend(ManifestRow(flight_id, case.case_id, m.person_id, m.family_name,
                                m.given_name, str(m.sex), m.birth_date.isoformat(),
                                m.nationality, escort.get(m.person_id, ""),
                                str(booking.state)) for m in case.members)
    return flight, rows


@dataclass(frozen=True)
class FlightLoad:
    flight: Flight
    persons: int  # booked or departed
    cases: int


def flight_loads(store: DeparturesStore) -> list[FlightLoad]:
    loads = []
    for flight in store.flights():
        live = [b for b in store.bookings(flight_id=flight.flight_id)
                if b.state in (BookingState.BOOKED, BookingState.DEPARTED)]
        loads.append(FlightLoad(flight, sum(b.persons for b in live), len(live)))
    return loads

