"""Property: no case is ever booked or departed with a missing or expired item, whatever the
items, flights, caps and escorts; the planner's plan passes its independent check."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from departures_helpers import T0, accept, family
from resettle.core import Priority
from resettle.departures import service
from resettle.departures.planner import check_plan
from resettle.departures.records import BookingState, Flight, ItemKind
from resettle.errors import IllegalTransitionError, NotTravelReadyError
from resettle.simulation.memory_store import MemoryScreeningStore

# Mostly good items, so that plans book people; sometimes missing, expiring, unfit.
item_st = st.tuples(st.sampled_from(["ok"] * 60 + ["missing", "expiring", "unfit"]),
                    st.integers(min_value=-60, max_value=24),
                    st.sampled_from(["none", "none", "medical", "operational"]))
case_st = st.tuples(st.integers(1, 4), st.sampled_from(list(Priority)),
                    st.sampled_from(["ALB", "ALB", "ALB", "DEU"]),
                    st.lists(st.lists(item_st, min_size=len(ItemKind), max_size=len(ItemKind)),
                             min_size=4, max_size=4))
flight_st = st.tuples(st.integers(0, 24 * 6), st.integers(1, 12), st.integers(0, 2),
                      st.sampled_from(["ALB", "ALB", "ALB", "DEU"]))


def record(store: service.InMemoryDeparturesStore, case_id: str, person_id: str,
           kind: ItemKind, raw: tuple[str, int, str]) -> None:
    state, hours, escort = raw
    if state == "missing":
        return
    valid_from = T0 - timedelta(days=1)
    if kind == ItemKind.FIT_TO_TRAVEL:
        valid_from = T0 + timedelta(hours=hours)  # 72 h from then: some flights too late
    until = T0 + timedelta(hours=abs(hours)) if state == "expiring" else None
    value = {ItemKind.ESCORT_ASSESSMENT: escort,
             ItemKind.FIT_TO_TRAVEL: "unfit" if state == "unfit" else "fit"}.get(kind, "")
    service.record_item(store, case_id, person_id, kind, valid_from=valid_from,
                        valid_until=until, value=value, actor="m", at=T0 - timedelta(days=40))


def build(cases: list, flights: list, cap: int | None) -> service.InMemoryDeparturesStore:
    built = [family(f"C{n}", size, prio) for n, (size, prio, _, _) in enumerate(cases)]
    screening = MemoryScreeningStore(built)
    store = service.InMemoryDeparturesStore(screening)
    for case, (_, prio, country, items) in zip(built, cases, strict=True):
        accept(screening, case, country, prio)
        for member, member_items in zip(case.members, items, strict=False):
            for kind, raw in zip(ItemKind, member_items, strict=True):
                record(store, case.case_id, member.person_id, kind, raw)
    for n, (hours, seats, escorts, dest) in enumerate(flights):
        at = T0 + timedelta(hours=hours + 1)
        service.add_flight(store, Flight(f"F{n}", at, "BGW", dest, seats, escorts=escorts),
                           actor="m")
        if cap is not None:
            service.set_arrival_cap(store, dest, at.date(), cap, actor="m")
    return store


def force_every_booking(store: service.InMemoryDeparturesStore) -> None:
    """Try every case on every flight: either refused, or ready on that flight."""
    for clock in store.screening.case_clocks():
        for flight in store.flights():
            try:
                service.book_case(store, clock.case_id, flight.flight_id, actor="m", at=T0)
            except (NotTravelReadyError, IllegalTransitionError):
                continue
            assert service.case_readiness(store, clock.case_id, flight.departs_at).ready


def fly_late(store: service.InMemoryDeparturesStore, late: timedelta) -> None:
    """Every flight leaves ``late``: whoever lapsed meanwhile must be a no-show."""
    for flight in store.flights():
        at = flight.departs_at + late
        booked = [b.case_id for b in store.bookings(flight_id=flight.flight_id)
                  if b.state == BookingState.BOOKED]
        try:
            service.depart_flight(store, flight.flight_id, actor="m", at=at)
        except NotTravelReadyError:
            lapsed = {c: "lapsed" for c in booked
                      if not service.case_readiness(store, c, at).ready}
            assert lapsed
            service.depart_flight(store, flight.flight_id, actor="m", at=at, no_shows=lapsed)
        for b in store.bookings(flight_id=flight.flight_id):
            if b.state == BookingState.DEPARTED:
                assert service.case_readiness(store, b.case_id, at).ready


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(case_st, min_size=1, max_size=6),
       flights=st.lists(flight_st, min_size=1, max_size=4),
       cap=st.one_of(st.none(), st.integers(2, 12)),
       late_hours=st.integers(0, 30))
def test_never_booked_or_departed_unready(cases: list, flights: list, cap: int | None,
                                          late_hours: int) -> None:
    store = build(cases, flights, cap)
    outcome = service.plan_flights(store, actor="m", at=T0)
    check_plan(outcome.plan_input, outcome.plan.bookings)
    for booking in store.bookings():
        if booking.state == BookingState.BOOKED:
            at = store.get_flight(booking.flight_id).departs_at
            assert service.case_readiness(store, booking.case_id, at).ready
    force_every_booking(store)
    fly_late(store, timedelta(hours=late_hours))
