"""The security findings of issue 18 whose fix touches the database, on every configured
database (SQLite always, PostgreSQL when RESETTLE_TEST_DATABASE_URL is set): the web world is
built on ``database_url`` instead of the SQLite template the other web tests copy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from web_world import PASSWORD, World, build_world

from resettle.adapters.db.registry.store import get_case
from resettle.adapters.db.security.audit_store import list_audit
from resettle.security.auth import totp_now


@pytest.fixture
def db_world(database_url: str) -> Iterator[World]:
    world = build_world(database_url)
    yield world
    world.config.engine.dispose()


def test_hardening_holds_on_this_database(db_world: World) -> None:
    world = db_world
    # 5, 12: NUL and huge ids are bad input, not a database error
    protection = world.login("protection")
    assert protection.get("/api/cases", params={"q": "Kar\x00imi"}).status_code == 422
    liaison = world.login("liaison_alb")
    huge = liaison.post("/referrals/9223372036854775808/decision",
                        data={"decision": "accepted",
                              "csrf_token": world.sessions["liaison_alb"][1]})
    assert huge.status_code in (404, 422)
    # 10: a liaison's 404 on another state's referral is audited (a 42-character route)
    other = world.referral_ids["C-002"]
    assert liaison.post(f"/api/referrals/{other}/decision",
                        json={"decision": "accepted"}).status_code == 404
    # 1: an exclusion review's reason stays out of other roles' history
    reviewer = world.login("exclusion")
    assert reviewer.post("/api/cases/C-003/exclusion-reviews", json={
        "person_id": "C-003-P1", "triggers": ["role:TRIG-SECRET"],
        "reason": "REASON-SECRET"}).status_code == 201
    assert "REASON-SECRET" not in world.login("registrar").get("/api/cases/C-003").text
    assert "REASON-SECRET" in reviewer.get("/api/cases/C-003").text
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="liaison_alb")
        stored = get_case(session, case_id="C-001").members[0]
    assert any(e.event.outcome == "denied" and e.event.subject_id == str(other)
               for e in entries)
    assert stored.profiles == ("former_combatant",)


def test_logins_on_this_database(db_world: World) -> None:
    world = db_world
    # 8: a TOTP code works once
    code = totp_now(world.totp["protection"], datetime.now(UTC))
    body = {"username": "protection", "password": PASSWORD, "totp": code}
    assert world.client().post("/api/session", json=body).status_code == 200
    assert world.client().post("/api/session", json=body).status_code == 401
    # 9: failures slow their source (an upsert per failure), lock no account
    world.config.auth = replace(world.config.auth, first_delay=timedelta(minutes=5))
    attacker = TestClient(world.app, raise_server_exceptions=False, client=("10.9.9.9", 1))
    statuses = [attacker.post("/api/session", json={"username": "registrar",
                                                    "password": "wrong"}).status_code
                for _ in range(6)]
    assert statuses == [401] * world.config.auth.free_failures + [429, 429]
    owner = TestClient(world.app, raise_server_exceptions=False, client=("10.9.9.10", 1))
    assert owner.post("/api/session", json={"username": "registrar",
                                            "password": PASSWORD}).status_code == 200
