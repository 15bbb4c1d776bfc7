"""Deduplication in the browser and the API: imports list likely duplicates per row."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from registry_uploads import CASES_HEADER, PERSONS_HEADER, files
from web_world import World

from resettle.adapters.db.registry.dedup_store import save_trained_model
from resettle.adapters.db.security.audit_store import list_audit

MODEL = Path(__file__).parents[1] / "registry" / "dedup" / "trained_model.json"
# Reza Ahmadi (C-002-P1, F in the test world, born 1971-03-21) registered again: another
# spelling, with the same brother (Ali, C-002-P2).
AGAIN = PERSONS_HEADER + (
    "N-700-1,N-700,principal,Reza,Ahmady,رضا,احمدی,F,1971-03-21,IRN,\n"
    "N-700-2,N-700,sibling,Ali,Ahmady,علی,احمدی,M,1972-03-21,IRN,\n"
)
AGAIN_CASES = CASES_HEADER + "N-700,N-700-1,2,normal,registered,2013-06-01\n"


def with_model(world: World) -> None:
    with world.config.sessions() as session:
        save_trained_model(session, json.loads(MODEL.read_text(encoding="utf-8")), persons=3000,
                           at=datetime(2026, 12, 7, tzinfo=UTC))
        session.commit()


def test_an_import_without_a_model_says_how_to_get_one(world: World) -> None:
    answer = world.login("registrar").post("/api/registry/import",
                                           files=files(AGAIN, AGAIN_CASES))
    assert answer.status_code == 200, answer.text
    assert answer.json()["likely_duplicates"] == []
    assert "resettle dedup run" in answer.json()["duplicates_note"]


def test_an_import_lists_likely_duplicates_per_row_and_stores_the_file(world: World) -> None:
    with_model(world)
    client = world.login("registrar")
    csrf = client.headers.pop("X-CSRF-Token")
    page = client.post("/registry/import", data={"csrf_token": csrf},
                       files=files(AGAIN, AGAIN_CASES))
    assert page.status_code == 200, page.text
    assert '<tr class="duplicate">' in page.text
    assert "احمدی" in page.text and 'dir="auto"' in page.text
    api = world.login("registrar").post("/api/registry/import", files=files(AGAIN, AGAIN_CASES))
    assert api.status_code == 200
    found = api.json()["likely_duplicates"]
    reza = [d for d in found if d["person_id"] == "N-700-1"]
    assert reza and reza[0]["other_person_id"] == "C-002-P1"
    assert reza[0]["row"] == 2 and reza[0]["file"] == "persons.csv"
    assert reza[0]["probability"] >= 0.5 and "dob: same date" in reza[0]["reasons"]
    assert world.login("registrar").get("/api/cases/N-700").status_code == 200  # stored
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="dedup.import_check")
        assert entries and any("C-002" in e.event.detail for e in entries)
        assert all("Reza" not in e.event.detail for e in entries)
