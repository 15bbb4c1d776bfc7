"""Deduplication in the browser and the API: imports list likely duplicates per row; the
review queue, merges (four eyes once interviewed), reversals; who may reach them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from registry_uploads import CASES_HEADER, PERSONS_HEADER, files
from web_world import PASSWORD, USERS, World

from resettle.adapters.db.registry.dedup_store import save_trained_model
from resettle.adapters.db.security import store as user_store
from resettle.adapters.db.security.audit_store import list_audit
from resettle.security.auth import new_token, token_digest
from resettle.security.policy import GRANTS, Permission, Role

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


# Review and merge ---------------------------------------------------------------------------
LEILA_AGAIN = PERSONS_HEADER + (  # Leila Hosseini (C-003-P1, interviewed), registered again
    "N-800-1,N-800,principal,Leyla,Hoseini,لیلا,حسینی,F,1971-03-21,IRN,\n")
LEILA_CASES = CASES_HEADER + "N-800,N-800-1,1,normal,registered,2013-06-02\n"


def second_registrar(world: World) -> TestClient:
    """Another registration officer: the four eyes of a merge of interviewed persons."""
    with world.config.sessions() as session:
        user_store.add_user(session, keys=world.config.keys, username="registrar2",
                            role=Role.REGISTRATION_OFFICER, password=PASSWORD,
                            now=datetime(2026, 12, 7, tzinfo=UTC))
        user = user_store.get_user(session, keys=world.config.keys, username="registrar2")
        token, csrf = new_token(), new_token()
        user_store.create_session(session, token_digest=token_digest(token),
                                  user_id=user.user_id, csrf_token=csrf, now=datetime.now(UTC))
        session.commit()
    client = world.client()
    client.cookies.set("resettle_session", token)
    client.headers["X-CSRF-Token"] = csrf
    return client


def leila_merged_away(world: World) -> TestClient:
    """Leila registered again (N-800-1) and merged into C-003-P1 by two officers; the first
    officer's client."""
    first = world.login("registrar")
    assert first.post("/api/registry/import",
                      files=files(LEILA_AGAIN, LEILA_CASES)).status_code == 200
    merge = first.post("/api/duplicates/merges", json={
        "kept_person_id": "C-003-P1", "duplicate_person_id": "N-800-1",
        "reason": "same UNHCR card"}).json()
    confirmed = second_registrar(world).post(
        f"/api/duplicates/merges/{merge['merge_id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    return first


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_granted_dedup_review_reach_the_queue(shared_world: World,
                                                         role: Role) -> None:
    client = shared_world.login(USERS[role])
    expected = 200 if Permission.DEDUP_REVIEW in GRANTS[role] else 403
    assert client.get("/registry/duplicates").status_code == expected
    assert client.get("/api/duplicates").status_code == expected
    merge = client.post("/api/duplicates/merges", json={
        "kept_person_id": "C-003-P1", "duplicate_person_id": "C-002-P2", "reason": "x"})
    assert merge.status_code == (403 if expected == 403 else 201)


def test_the_queue_shows_both_records_in_their_own_script(world: World) -> None:
    with_model(world)
    world.login("registrar").post("/api/registry/import", files=files(AGAIN, AGAIN_CASES))
    page = world.login("registrar").get("/registry/duplicates")
    assert page.status_code == 200
    assert '<tr class="pair">' in page.text
    assert '<span class="original" dir="rtl" lang="fa">رضا احمدی</span>' in page.text
    api = world.login("registrar").get("/api/duplicates").json()
    assert any({p["person"]["person_id"], p["other_person"]["person_id"]} ==
               {"N-700-1", "C-002-P1"} for p in api["pairs"])
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="dedup.queue")
        assert entries and all("Reza" not in e.event.detail for e in entries)


def test_four_eyes_merge_of_an_interviewed_person_then_reversal(world: World) -> None:
    first = world.login("registrar")
    assert first.post("/api/registry/import",
                      files=files(LEILA_AGAIN, LEILA_CASES)).status_code == 200
    proposed = first.post("/api/duplicates/merges", json={
        "kept_person_id": "C-003-P1", "duplicate_person_id": "N-800-1",
        "reason": "same UNHCR card"})
    assert proposed.status_code == 201, proposed.text
    merge = proposed.json()
    assert merge["status"] == "proposed" and merge["needs_second_officer"]
    own = first.post(f"/api/duplicates/merges/{merge['merge_id']}/confirm")
    assert own.status_code == 403 and "four eyes" in own.text
    second = second_registrar(world)
    done = second.post(f"/api/duplicates/merges/{merge['merge_id']}/confirm")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "merged" and done.json()["decided_by"] == "registrar2"
    case = first.get("/api/cases/C-003").json()
    # N-800-1 joined C-003 and is merged away: Leila is counted once.
    assert {m["person_id"] for m in case["members"]} == {"C-003-P1"}
    assert first.get("/api/cases/N-800").json()["status"] == "closed"
    back = first.post(f"/api/duplicates/merges/{merge['merge_id']}/reverse",
                      json={"reason": "another Leila"})
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "reversed" and back.json()["reversal_case_id"]
    case = first.get("/api/cases/C-003").json()
    assert {m["person_id"] for m in case["members"]} == {"C-003-P1"}
    with world.config.sessions() as session:
        actions = [e.event.action for e in list_audit(session, limit=200)[0]]
        assert {"dedup.merge", "dedup.confirm", "dedup.reverse"} <= set(actions)


def test_a_refused_merge_comes_back_on_the_page_with_its_reason(world: World) -> None:
    client = world.login("registrar")
    csrf = client.headers.pop("X-CSRF-Token")
    answer = client.post("/registry/duplicates/merges", data={
        "csrf_token": csrf, "kept_person_id": "C-003-P1", "pair": "C-003-P1 C-003-P1",
        "reason": "x"})
    assert answer.status_code == 422
    assert "cannot be merged with themselves" in answer.text


def test_a_search_for_a_merged_away_record_shows_it_merged_into_its_survivor(
        world: World) -> None:
    first = leila_merged_away(world)
    found = first.get("/api/cases", params={"q": "N-800-1"}).json()
    assert found["merged"] == [{"person_id": "N-800-1", "merged_into": "C-003-P1"}]
    assert [i["case_id"] for i in found["items"]] == ["C-003"]
    page = first.get("/cases", params={"q": "N-800-1"})
    assert "N-800-1 matches, but was merged into C-003-P1" in page.text
    plain = first.get("/api/cases").json()
    assert plain["merged"] == []


def test_an_action_naming_a_merged_away_record_answers_merged_away(world: World) -> None:
    leila_merged_away(world)
    protection = world.login("protection")
    base = "/api/cases/C-003"
    for answer in (protection.get(f"{base}/members/N-800-1/statements"),
                   protection.post(f"{base}/consents", json={"person_id": "N-800-1"}),
                   protection.post(f"{base}/statements", json={"person_id": "N-800-1",
                                                                "text": "x"})):
        assert answer.status_code == 409, answer.text
        error = answer.json()["error"]
        assert error["code"] == "merged_away"
        assert error["message"].startswith("N-800-1 was merged into C-003-P1")
        assert "act on C-003-P1" in error["message"]
    stranger = protection.get(f"{base}/members/C-002-P1/statements")
    assert stranger.status_code == 422
    assert [i["code"] for i in stranger.json()["error"]["issues"]] == ["not_a_member"]
