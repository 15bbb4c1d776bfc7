"""The planner's guarantees on random instances: its plan passes the independent check, and
it never keeps people waiting longer than first-come-first-served (a feasible plan it could
have chosen), tier by tier."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.core.status import Priority
from resettle.departures.planner import (
    CaseToFly,
    PlanInput,
    check_plan,
    first_come_first_served,
    solve_plan,
    waiting_days,
)
from resettle.departures.records import Flight
from resettle.errors import ValidationError

START = datetime(2016, 7, 19, 6, 0)


@st.composite
def instances(draw: st.DrawFn) -> PlanInput:
    flights = tuple(
        Flight(f"F{n}", START + timedelta(days=draw(st.integers(0, 6))), "BGW",
               draw(st.sampled_from(["ALB", "ALB", "DEU"])), draw(st.integers(1, 12)),
               escorts=draw(st.integers(0, 1)))
        for n in range(draw(st.integers(1, 5))))
    ids = [f.flight_id for f in flights]
    cases = tuple(
        CaseToFly(f"C{n}", draw(st.integers(1, 5)), draw(st.sampled_from(list(Priority))),
                  draw(st.sampled_from(["ALB", "ALB", "DEU"])), draw(st.integers(0, 2)),
                  frozenset(draw(st.lists(st.sampled_from(ids), max_size=len(ids)))))
        for n in range(draw(st.integers(1, 10))))
    caps = {("ALB", START.date() + timedelta(days=d)): draw(st.integers(0, 20))
            for d in draw(st.lists(st.integers(0, 6), max_size=3))}
    return PlanInput(START.date(), cases, flights, caps, {"ALB": 2, "DEU": 3})


def gained(plan_input: PlanInput, bookings: dict[str, str], tier: Priority) -> int:
    day = {f.flight_id: f.day for f in plan_input.flights}
    horizon = max(f.day for f in plan_input.flights)
    return sum(c.persons * ((horizon - day[bookings[c.case_id]]).days + 1)
               for c in plan_input.cases if c.priority == tier and c.case_id in bookings)


@settings(max_examples=120, deadline=None)
@given(plan_input=instances())
def test_plan_is_valid_and_never_worse_than_first_come_first_served(
        plan_input: PlanInput) -> None:
    plan = solve_plan(plan_input)
    check_plan(plan_input, plan.bookings)
    baseline = first_come_first_served(plan_input)
    check_plan(plan_input, baseline)
    emergency = gained(plan_input, dict(plan.bookings), Priority.EMERGENCY)
    assert emergency >= gained(plan_input, baseline, Priority.EMERGENCY)
    if all(c.priority == Priority.NORMAL for c in plan_input.cases):
        assert plan.person_days_waiting <= waiting_days(plan_input, baseline)
    assert_nobody_left_who_fits(plan_input, dict(plan.bookings))
    # A re-plan without the first flight, the bookings held: still nobody left who fits.
    replanned = replace(plan_input, flights=plan_input.flights[1:], keep_tolerance=0.2, cases=tuple(
        replace(c, current_flight=plan.bookings.get(c.case_id)) for c in plan_input.cases))
    again = solve_plan(replanned)
    check_plan(replanned, again.bookings)
    assert_nobody_left_who_fits(replanned, dict(again.bookings))


def assert_nobody_left_who_fits(plan_input: PlanInput, bookings: dict[str, str]) -> None:
    """Every unbooked case has a reason, and it is a real one: on each flight it may take,
    adding it would break the seats, the day's cap or the escorts."""
    for case in plan_input.cases:
        if case.case_id in bookings:
            continue
        for flight in plan_input.flights:
            if flight.flight_id in case.eligible and flight.destination == case.destination:
                with pytest.raises(ValidationError):
                    check_plan(plan_input, {**bookings, case.case_id: flight.flight_id})


def test_a_cancelled_flight_moves_only_its_own_cases_when_room_remains() -> None:
    flights = tuple(Flight(f"F{n}", START + timedelta(days=n), "BGW", "ALB", 10)
                    for n in range(3))
    cases = tuple(CaseToFly(f"C{n}", 3, Priority.NORMAL, "ALB", 0,
                            frozenset(f.flight_id for f in flights)) for n in range(6))
    first = solve_plan(PlanInput(date(2016, 7, 19), cases, flights))
    assert first.persons_booked == 18
    kept = tuple(f for f in flights if f.flight_id != "F0")
    again = solve_plan(PlanInput(date(2016, 7, 19), tuple(
        CaseToFly(c.case_id, c.persons, c.priority, c.destination, 0, c.eligible,
                  current_flight=first.bookings[c.case_id]) for c in cases), kept))
    on_f0 = sum(1 for f in first.bookings.values() if f == "F0")
    assert again.moved == on_f0 and again.kept == 6 - on_f0
