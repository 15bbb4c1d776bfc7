"""The departures store on a real database: the same flow, each step its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from departures_helpers import T0, accept, family, make_ready
from resettle.adapters.db.departures.store import SqlDeparturesStore, departures_store
from resettle.core import CaseStatus, Priority
from resettle.departures import service
from resettle.departures.records import BookingState, Flight, FlightStatus
from screening_helpers import load_cases

T = TypeVar("T")
DAY1 = T0 + timedelta(days=2)


def run(engine: Engine, work: Callable[[SqlDeparturesStore], T]) -> T:
    with departures_store(engine) as store:
        return work(store)


def test_accepted_case_is_made_ready_booked_flown_and_reported(engine: Engine,
                                                               session: Session) -> None:
    cases = [family("D1", 3, Priority.URGENT), family("D2", 2)]
    load_cases(session, *cases)
    for case in cases:
        run(engine, lambda s, c=case: accept(s.screening, c, "ALB", c.processing_priority))
    run(engine, lambda s: service.set_checklist(s, service.checklist_to_dict(
        service.DEFAULT_CHECKLIST) | {"country": "ALB", "arrival_cap_per_day": 4},
        actor="movement-1"))
    run(engine, lambda s: service.add_flight(s, Flight("F1", DAY1, "BGW", "ALB", 10),
                                             actor="movement-1"))
    for case in cases:
        run(engine, lambda s, c=case: make_ready(s, c.case_id, DAY1))
    outcome = run(engine, lambda s: service.plan_flights(s, actor="movement-1", at=T0))
    # Arrival cap of 4 a day: the urgent family of 3 flies, the family of 2 waits.
    assert outcome.plan.bookings == {"D1": "F1"}
    assert "arrival cap of ALB" in outcome.plan.unbooked["D2"][0]
    flight, rows = run(engine, lambda s: service.flight_manifest(s, "F1"))
    assert [r.person_id for r in rows] == ["D1-P1", "D1-P2", "D1-P3"]
    done = run(engine, lambda s: service.depart_flight(s, "F1", actor="movement-1", at=DAY1))
    assert [b.state for b in done] == [BookingState.DEPARTED]
    run(engine, lambda s: service.report_arrival(s, "D1", place="Tirana",
                                                 arrived_on=DAY1.date(), actor="liaison",
                                                 state="ALB", at=DAY1 + timedelta(hours=4)))
    status = run(engine, lambda s: (s.screening.get_case("D1").status,
                                    s.get_flight("F1").status,
                                    [c.version for c in s.checklist_versions("ALB")]))
    assert status == (CaseStatus.ARRIVED, FlightStatus.DEPARTED, [1])
    assert flight.destination == "ALB"
