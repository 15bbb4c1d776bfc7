"""The departures stage in memory: checklists, readiness, planning, re-planning, tracking."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from departures_helpers import T0, accept, family, make_ready
from resettle.core import CaseStatus, Priority
from resettle.departures import service
from resettle.departures.planner import PlanStatus
from resettle.departures.records import (
    BookingState,
    EscortNeed,
    Flight,
    FlightStatus,
    ItemKind,
    Problem,
)
from resettle.errors import (
    IllegalTransitionError,
    NotFoundError,
    NotTravelReadyError,
    RefoulementError,
    ValidationError,
)
from resettle.screening.people import declare_no_return
from resettle.screening.records import NoReturnDeclaration
from resettle.simulation.memory_store import MemoryScreeningStore

DAY1 = T0 + timedelta(days=2)


def world(*cases: tuple[str, int, Priority, str]) -> service.InMemoryDeparturesStore:
    built = [family(cid, size, prio) for cid, size, prio, _ in cases]
    screening = MemoryScreeningStore(built)
    for case, (_, _, prio, country) in zip(built, cases, strict=True):
        accept(screening, case, country, prio)
    return service.InMemoryDeparturesStore(screening)


def flight(store: service.DeparturesStore, fid: str, at: datetime, *, seats: int,
           dest: str = "ALB", escorts: int = 0) -> Flight:
    return service.add_flight(store, Flight(fid, at, "BGW", dest, seats, escorts=escorts),
                              actor="movement-1")


def test_checklist_file_reports_every_problem_and_versions_are_kept() -> None:
    store = world()
    with pytest.raises(ValidationError) as error:
        service.set_checklist(store, {"country": "XX", "items": [{"kind": "visa"},
                                      {"kind": "fit_to_travel", "window_hours": -1}],
                                      "escort_ratio": 0}, actor="m")
    assert {i.field for i in error.value.issues} == {"country", "items[1]", "items[2]",
                                                     "escort_ratio"}
    first = service.set_checklist(store, {"country": "ALB", "items": [
        {"kind": "travel_document"}]}, actor="m")
    second = service.set_checklist(store, {"country": "ALB", "items": [
        {"kind": "travel_document"}, {"kind": "fit_to_travel", "window_hours": 48}]},
        actor="m")
    assert (first.version, second.version) == (1, 2)
    assert service.checklist_of_state(store, "ALB") == second
    assert service.checklist_of_state(store, "DEU") == service.DEFAULT_CHECKLIST


def test_travel_ready_needs_every_members_items_valid_on_the_day() -> None:
    store = world(("C1", 2, Priority.NORMAL, "ALB"))
    assert {b.problem for b in service.case_readiness(store, "C1", DAY1).blockers} == {
        Problem.MISSING}
    make_ready(store, "C1", DAY1)
    assert service.case_readiness(store, "C1", DAY1).ready
    # Fit to travel holds 72 hours: four days later it is too old.
    later = service.case_readiness(store, "C1", DAY1 + timedelta(days=4))
    assert {(b.kind, b.problem) for b in later.blockers} == {
        (ItemKind.FIT_TO_TRAVEL, Problem.TOO_OLD)}
    assert len(later.blockers) == 2  # one per member


def test_item_input_problems_are_reported_together() -> None:
    store = world(("C1", 1, Priority.NORMAL, "ALB"))
    with pytest.raises(ValidationError) as error:
        service.record_item(store, "C1", "X-9", ItemKind.ESCORT_ASSESSMENT, value="lots",
                            valid_from=T0, valid_until=T0 - timedelta(days=1), actor="")
    assert {i.field for i in error.value.issues} == {"actor", "person_id", "value",
                                                     "valid_until"}


def test_plan_books_whole_families_emergency_first_and_tracks_to_arrival() -> None:
    store = world(("N1", 4, Priority.NORMAL, "ALB"), ("E1", 3, Priority.EMERGENCY, "ALB"),
                  ("U1", 2, Priority.URGENT, "ALB"))
    flight(store, "F1", DAY1, seats=5)
    flight(store, "F2", DAY1 + timedelta(days=1), seats=5)
    for cid in ("N1", "E1", "U1"):
        make_ready(store, cid, DAY1)
    # The fit-to-travel window covers both days (24 h before F1, 48 h before F2).
    outcome = service.plan_flights(store, actor="movement-1", at=T0)
    assert outcome.plan.bookings == {"E1": "F1", "U1": "F1", "N1": "F2"}
    assert outcome.plan.status == PlanStatus.COMPLETE
    assert store.screening.get_case("N1").status == CaseStatus.PRE_DEPARTURE
    _, rows = service.flight_manifest(store, "F2")
    assert [r.person_id for r in rows] == ["N1-P1", "N1-P2", "N1-P3", "N1-P4"]
    done = service.depart_flight(store, "F1", actor="movement-1", at=DAY1,
                                 no_shows={"U1": "hospitalised"})
    assert {b.case_id: b.state for b in done} == {"E1": BookingState.DEPARTED,
                                                  "U1": BookingState.NO_SHOW}
    assert store.screening.get_case("U1").status == CaseStatus.PRE_DEPARTURE
    with pytest.raises(NotFoundError):  # a DEU liaison cannot report an ALB arrival
        service.report_arrival(store, "E1", place="Tirana", arrived_on=DAY1.date(),
                               actor="liaison-deu", state="DEU", at=DAY1 + timedelta(hours=5))
    service.report_arrival(store, "E1", place="Tirana", arrived_on=DAY1.date(),
                           actor="liaison-alb", state="ALB", at=DAY1 + timedelta(hours=5))
    history = store.screening.history("E1")
    assert [e.action for e in history][-3:] == ["prepare_departure", "depart", "report_arrival"]
    assert history[-1].data["place"] == "Tirana"


def test_infeasibility_names_what_blocks() -> None:
    store = world(("BIG", 6, Priority.NORMAL, "ALB"), ("DOC", 1, Priority.NORMAL, "ALB"),
                  ("FAR", 1, Priority.NORMAL, "DEU"), ("ESC", 2, Priority.NORMAL, "ALB"))
    flight(store, "F1", DAY1, seats=5)
    make_ready(store, "BIG", DAY1)
    make_ready(store, "DOC", DAY1, skip=ItemKind.EXIT_PERMIT)
    make_ready(store, "FAR", DAY1)
    make_ready(store, "ESC", DAY1, escort=EscortNeed.MEDICAL)
    plan = service.plan_flights(store, actor="m", at=T0).plan
    assert plan.bookings == {}
    assert plan.status == PlanStatus.NOTHING
    assert "no seats" in plan.unbooked["BIG"][0]
    assert "exit_permit missing" in plan.unbooked["DOC"][0]
    assert "no flight to DEU" in plan.unbooked["FAR"][0]
    assert "not enough escorts" in plan.unbooked["ESC"][0]


def test_arrival_caps_and_escorts_are_respected() -> None:
    store = world(*[(f"C{i}", 2, Priority.NORMAL, "ALB") for i in range(4)])
    flight(store, "F1", DAY1, seats=100, escorts=1)
    service.set_arrival_cap(store, "ALB", DAY1.date(), 6, actor="m")
    for i in range(4):
        make_ready(store, f"C{i}", DAY1, escort=EscortNeed.MEDICAL if i < 3 else
                   EscortNeed.NONE)
    plan = service.plan_flights(store, actor="m", at=T0).plan
    # cap 6 persons: three cases; escort ratio 4 per escort: at most two escorted cases.
    assert plan.persons_booked == 6
    assert sum(1 for c in plan.bookings if c != "C3") == 2


def test_non_refoulement_is_asked_before_booking() -> None:
    store = world(("C1", 1, Priority.NORMAL, "ALB"))
    flight(store, "F1", DAY1, seats=10)
    make_ready(store, "C1", DAY1)
    store.screening.add_declaration(NoReturnDeclaration("C1-P1", "ALB", "off", T0))
    outcome = service.plan_flights(store, actor="m", at=T0)
    assert "non-refoulement" in outcome.not_planned["C1"]
    with pytest.raises(RefoulementError):
        service.book_case(store, "C1", "F1", actor="m", at=T0)


def test_unfit_cancels_the_booking_and_a_cancelled_flight_is_re_planned() -> None:
    store = world(*[(f"C{i}", 2, Priority.NORMAL, "ALB") for i in range(6)])
    flight(store, "F1", DAY1, seats=4)
    flight(store, "F2", DAY1 + timedelta(hours=12), seats=4)
    flight(store, "F3", DAY1 + timedelta(days=1), seats=6)
    for i in range(6):
        make_ready(store, f"C{i}", DAY1)
    first = service.plan_flights(store, actor="m", at=T0).plan
    assert first.persons_booked == 12
    on_f1 = sorted(c for c, f in first.bookings.items() if f == "F1")
    affected = service.cancel_flight(store, "F1", actor="m", reason="aircraft grounded")
    assert sorted(b.case_id for b in affected) == on_f1
    again = service.plan_flights(store, actor="m", at=T0)
    assert again.plan.kept == 4 and again.plan.moved == 0  # the four others keep their seats
    assert again.plan.persons_booked == 10
    with pytest.raises(IllegalTransitionError, match="cancelled"):
        service.book_case(store, on_f1[0], "F1", actor="m", at=T0)
    outcome = service.record_item(store, "C5", "C5-P1", ItemKind.FIT_TO_TRAVEL, value="unfit",
                                  valid_from=T0, actor="doctor", at=T0 + timedelta(hours=1))
    assert [b.case_id for b in outcome.cancelled] == (["C5"] if "C5" in again.plan.bookings
                                                      else [])
    assert service.active_booking(store, "C5") is None


def test_departure_refuses_a_case_whose_items_lapsed() -> None:
    store = world(("C1", 1, Priority.NORMAL, "ALB"))
    flight(store, "F1", DAY1, seats=10)
    make_ready(store, "C1", DAY1)
    service.plan_flights(store, actor="m", at=T0)
    with pytest.raises(NotTravelReadyError, match="fit_to_travel"):
        service.depart_flight(store, "F1", actor="m", at=DAY1 + timedelta(days=3))
    delayed = service.delay_flight(store, "F1", DAY1 + timedelta(days=3), actor="m",
                                   reason="weather")
    assert [b.case_id for b in delayed] == ["C1"]
    service.cancel_flight(store, "F1", actor="m", reason="crew")
    with pytest.raises(IllegalTransitionError):
        service.cancel_flight(store, "F1", actor="m", reason="again")
    assert store.get_flight("F1").status == FlightStatus.CANCELLED


def test_a_fear_declared_after_booking_takes_the_case_off_the_flight() -> None:
    store = world(("C1", 1, Priority.NORMAL, "ALB"), ("C2", 1, Priority.NORMAL, "ALB"))
    flight(store, "F1", DAY1, seats=10)
    for cid in ("C1", "C2"):
        make_ready(store, cid, DAY1)
    service.plan_flights(store, actor="m", at=T0)
    # The referral is withdrawn by screening's own rule; the booking must not stand.
    declare_no_return(store.screening, "C1", "C1-P1", "ALB", actor="protection",
                      reason="fears persecution in ALB", at=T0 + timedelta(hours=2))
    assert store.screening.get_case("C1").status == CaseStatus.READY_FOR_REFERRAL
    _, rows = service.flight_manifest(store, "F1")
    assert [r.case_id for r in rows] == ["C2"]
    with pytest.raises(NotTravelReadyError, match="C1: the case is ready_for_referral"):
        service.depart_flight(store, "F1", actor="m", at=DAY1)
    outcome = service.plan_flights(store, actor="m", at=T0 + timedelta(hours=3))
    assert "C1" not in outcome.plan.bookings
    assert service.active_booking(store, "C1") is None
    done = service.depart_flight(store, "F1", actor="m", at=DAY1)
    assert [b.case_id for b in done] == ["C2"]
