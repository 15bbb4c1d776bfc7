"""Departures through the API and the page: an accepted case made ready, booked, re-planned
after a cancellation, flown, and reported arrived by its own state's liaison only."""

from __future__ import annotations

from datetime import timedelta

from web_world import World

from departures_helpers import T0, accept, family, make_ready
from resettle.adapters.db.departures.store import departures_store
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import store_batch
from resettle.core import CaseStatus, Priority, RegistryBatch
from resettle.departures.records import ItemKind

FLIGHT_AT = T0 + timedelta(days=2)


def accepted_world(world: World, skip: ItemKind | None = ItemKind.ORIENTATION) -> None:
    cases = [family("W1", 2, Priority.URGENT), family("W2", 3)]
    with make_session_factory(world.config.engine, keys=world.config.keys).begin() as session:
        store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    with departures_store(world.config.engine, keys=world.config.keys) as store:
        for case in cases:
            accept(store.screening, case, "ALB", case.processing_priority)
            make_ready(store, case.case_id, FLIGHT_AT, skip=skip)


def test_departure_through_the_api(world: World) -> None:
    accepted_world(world)
    mover = world.login("movement")
    for person in ("W1-P1", "W1-P2"):
        answer = mover.post("/api/departures/cases/W1/items", json={
            "person_id": person, "kind": "orientation",
            "valid_from": (T0 - timedelta(days=2)).isoformat()})
        assert answer.status_code == 201, answer.text
    ready = mover.get("/api/departures/cases/W2/readiness",
                      params={"at": FLIGHT_AT.isoformat()}).json()
    assert not ready["ready"] and {b["kind"] for b in ready["blockers"]} == {"orientation"}
    for n, seats in ((1, 2), (2, 150)):
        answer = mover.post("/api/departures/flights", json={
            "flight_id": f"TIA-{n}", "departs_at": (FLIGHT_AT + timedelta(hours=n)).isoformat(),
            "destination": "ALB", "seats": seats})
        assert answer.status_code == 201, answer.text
    plan = mover.post("/api/departures/plan", json={"at": T0.isoformat()}).json()
    assert plan["bookings"] == {"W1": "TIA-1"}
    assert "orientation missing" in plan["unbooked"]["W2"][0]
    cancelled = mover.post("/api/departures/flights/TIA-1/cancel",
                           json={"reason": "aircraft grounded"}).json()
    assert [b["case_id"] for b in cancelled["affected"]] == ["W1"]
    again = mover.post("/api/departures/plan", json={"at": T0.isoformat()}).json()
    assert again["bookings"] == {"W1": "TIA-2"}
    manifest = mover.get("/api/departures/flights/TIA-2/manifest.csv")
    assert manifest.status_code == 200
    assert manifest.text.splitlines()[0].startswith("flight_id,case_id,person_id,family_name")
    assert len(manifest.text.splitlines()) == 3
    assert world.login("auditor").get(
        "/api/departures/flights/TIA-2/manifest.csv").status_code == 403
    departed = mover.post("/api/departures/flights/TIA-2/depart",
                          json={"at": FLIGHT_AT.isoformat()}).json()
    assert [b["state"] for b in departed["bookings"]] == ["departed"]
    body = {"place": "Tirana", "arrived_on": FLIGHT_AT.date().isoformat()}
    assert world.login("liaison_deu").post("/api/departures/cases/W1/arrival",
                                           json=body).status_code == 404
    page = world.login("liaison_deu").post("/arrivals", data={
        "csrf_token": world.sessions["liaison_deu"][1], "case_id": "W1", "place": "Berlin",
        "arrived_on": FLIGHT_AT.date().isoformat()})
    assert page.status_code == 404 and "that you may" in page.text
    answer = world.login("liaison_alb").post("/api/departures/cases/W1/arrival", json=body)
    assert answer.status_code == 200, answer.text
    with departures_store(world.config.engine, keys=world.config.keys) as store:
        assert store.screening.get_case("W1").status == CaseStatus.ARRIVED
        assert [e.action for e in store.screening.history("W1")][-3:] == [
            "prepare_departure", "depart", "report_arrival"]


def test_departures_page_plans_and_cancels(world: World) -> None:
    accepted_world(world, skip=None)
    mover = world.login("movement")
    csrf = world.sessions["movement"][1]
    answer = mover.post("/departures/flights", data={
        "csrf_token": csrf, "flight_id": "TIA-9", "departs_at": FLIGHT_AT.isoformat()[:16],
        "destination": "alb", "seats": "160", "escorts": "1"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = mover.post("/departures/plan", data={"csrf_token": csrf, "at": T0.isoformat()})
    assert page.status_code == 200 and "Plan " in page.text and 'role="img"' in page.text
    page = mover.post("/departures/flights/TIA-9/cancel",
                      data={"csrf_token": csrf, "reason": "strike"})
    assert page.status_code == 200 and "Taken off the flight" in page.text
    assert "case W1 (2 persons)" in page.text and "case W2 (3 persons)" in page.text
    refused = mover.post("/departures/flights", data={
        "csrf_token": csrf, "flight_id": "TIA-10", "departs_at": FLIGHT_AT.isoformat()[:16],
        "destination": "XXX", "seats": "160"})
    assert refused.status_code == 422 and "ISO 3166" in refused.text
