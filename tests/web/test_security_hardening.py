"""Findings of the outside security probe (issue 18) that are not a question of who sees what
(those are in test_role_matrix.py): sessions, logins, errors and logs, CSV, audit entries."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_world import PASSWORD, World, person

from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security import store as user_store
from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.db.security.tables import SessionRow
from resettle.adapters.web.guards import Ctx, public
from resettle.core import Case, CaseStatus, Priority, RegistryBatch
from resettle.errors import ValidationError
from resettle.security.auth import new_token, token_digest, totp_now


def _session_made(world: World, username: str, created: datetime, seen: datetime) -> str:
    token = new_token()
    with world.config.sessions.begin() as session:
        user = user_store.get_user(session, keys=world.config.keys, username=username)
        user_store.create_session(session, token_digest=token_digest(token),
                                  user_id=user.user_id, csrf_token=new_token(), now=created)
        session.execute(update(SessionRow).where(SessionRow.token_digest == token_digest(token))
                        .values(last_seen_at=seen))
    return token


def test_a_session_ends_after_its_absolute_lifetime_even_if_used(world: World) -> None:
    """Finding 4: only the idle timeout was checked; a 30-day-old session stayed valid."""
    now = datetime.now(UTC)
    lifetime = world.config.auth.session_lifetime
    old = _session_made(world, "registrar", now - lifetime - timedelta(minutes=1),
                        now - timedelta(minutes=1))
    young = _session_made(world, "registrar", now - lifetime + timedelta(minutes=5),
                          now - timedelta(minutes=1))
    client = world.client()
    client.cookies.set("resettle_session", old)
    assert client.get("/api/me").status_code == 401
    assert client.get("/cases", follow_redirects=False).status_code == 303  # to the login
    client.cookies.set("resettle_session", young)
    assert client.get("/api/me").status_code == 200


CLIENT_LOGGERS = ("httpx", "httpcore")


def _server_log(caplog: pytest.LogCaptureFixture) -> str:
    records = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    assert not [r for r in records if r.exc_info], "a traceback was logged"
    return "\n".join(r.getMessage() for r in records)


@pytest.mark.parametrize("path", ["/api/cases", "/cases"])
def test_a_nul_byte_in_a_search_is_refused_and_nothing_personal_is_logged(
        world: World, caplog: pytest.LogCaptureFixture, path: str) -> None:
    """Finding 5: a NUL in a search made SQLite FTS5 raise; the 500's traceback logged the
    SQL parameters (the searched name) and the liaison's state."""
    caplog.set_level(logging.DEBUG)
    for username in ("protection", "liaison_alb"):
        answer = world.login(username).get(path, params={"q": "Kar\x00imi"})
        assert answer.status_code == 422, answer.text
        assert "Kar" not in answer.text.replace("Karimi", "")  # the input is not echoed back
    logged = _server_log(caplog)
    assert "Kar" not in logged and "ALB" not in logged


def test_a_nul_byte_in_a_json_field_is_refused(world: World) -> None:
    answer = world.login("protection").post(
        "/api/cases/C-001/notes", json={"section": "confidential", "text": "a\x00b"})
    assert answer.status_code == 422, answer.text


def test_an_unexpected_error_answers_500_with_security_headers_and_logs_no_data(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    """Findings 5 and 12: an unhandled error logged its traceback (with parameters) and its
    500 answer had none of the security headers."""

    def broken(ctx: Annotated[Ctx, Depends(public())]) -> None:
        raise RuntimeError("Karimi lives at SECRET-ADDRESS")

    world.app.add_api_route("/api/broken", broken)
    world.app.add_api_route("/broken", broken)
    caplog.set_level(logging.DEBUG)
    for path in ("/api/broken", "/broken"):
        answer = world.client().get(path)
        assert answer.status_code == 500
        assert "Content-Security-Policy" in answer.headers
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "SECRET-ADDRESS" not in answer.text
    logged = _server_log(caplog)
    assert "RuntimeError" in logged and "SECRET-ADDRESS" not in logged


@pytest.mark.parametrize("path", ["/referrals/9223372036854775808/decision",
                                  "/api/referrals/9223372036854775808/decision",
                                  "/referrals/99999999999999999999999999/decision"])
def test_huge_ids_answer_404_not_500(world: World, path: str) -> None:
    """Finding 12: the page route answered 500 for an id beyond SQLite's 64-bit integers."""
    client = world.login("liaison_alb")
    form = {"decision": "accepted", "csrf_token": world.sessions["liaison_alb"][1]}
    answer = (client.post(path, json={"decision": "accepted"}) if path.startswith("/api")
              else client.post(path, data=form))
    assert answer.status_code in (404, 422), answer.text


def test_engine_refuses_nul_and_huge_integers_before_the_database(world: World) -> None:
    with world.config.sessions() as session:
        for value in ("a\x00b", 2**70):
            with pytest.raises(ValidationError):
                session.execute(select(SessionRow).where(SessionRow.user_id == value))


def test_a_liaison_404_on_another_states_referral_decision_is_audited(world: World) -> None:
    """Finding 10: case reads out of scope were audited, referral decisions were not."""
    other = world.referral_ids["C-002"]  # referred to DEU
    client = world.login("liaison_alb")
    assert client.post(f"/api/referrals/{other}/decision",
                       json={"decision": "accepted"}).status_code == 404
    form = {"decision": "accepted", "csrf_token": world.sessions["liaison_alb"][1]}
    assert client.post(f"/referrals/{other}/decision", data=form).status_code == 404
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="liaison_alb")
    denied = [e.event for e in entries if e.event.outcome == "denied"]
    assert len(denied) == 2
    assert all(e.subject_id == str(other) for e in denied)


def test_the_web_export_guards_formula_cells(world: World) -> None:
    """Finding 6: GET /api/export/cases.csv wrote cells starting with =, + or @ unchanged."""
    names = ("=HYPERLINK(\"http://x\")", "-2+3", "+1", "@SUM")
    shirin = person("F-900", 1, (names[0], names[1], names[2], names[3]))
    with world.config.sessions.begin() as session:
        store_batch(session, batch=RegistryBatch(cases=(
            Case("F-900", "F-900-P1", (shirin,), Priority.NORMAL, CaseStatus.REGISTERED),)))
    exported = world.login("placement").get("/api/export/cases.csv").text
    cells = {cell for row in csv.reader(io.StringIO(exported)) for cell in row}
    for name in names:
        assert name not in cells
        assert "'" + name in cells


def _from(world: World, address: str) -> TestClient:
    return TestClient(world.app, raise_server_exceptions=False, client=(address, 50000))


def _attempt(client: TestClient, username: str, password: str = "wrong password!") -> Any:
    answer = client.post("/api/session", json={"username": username, "password": password})
    message = answer.json()["error"]["message"] if answer.is_error else ""
    return answer.status_code, re.sub(r"\d+", "N", message)  # waits differ by a second


def test_failed_logins_slow_their_source_and_lock_no_account(world: World) -> None:
    """Finding 9: 5 failures locked an account (anyone could lock anyone's) and the 'locked'
    answer told which usernames exist."""
    # A first delay long enough that a slow test machine never sees it pass.
    world.config.auth = replace(world.config.auth, first_delay=timedelta(minutes=5))
    attacker_known, attacker_unknown = _from(world, "10.0.0.1"), _from(world, "10.0.0.2")
    answers_known = [_attempt(attacker_known, "registrar") for _ in range(8)]
    answers_unknown = [_attempt(attacker_unknown, "no-such-user") for _ in range(8)]
    assert answers_known == answers_unknown  # the same answers, known user or not
    assert answers_known[-1][0] == 429  # the source now waits before its next try
    # ...and with the right password too, from that source, until its delay has passed
    assert _attempt(attacker_known, "registrar", PASSWORD)[0] == 429
    # the account itself is not locked: its owner, elsewhere, logs in at once
    assert _attempt(_from(world, "10.0.0.3"), "registrar", PASSWORD) == (200, "")


def test_a_totp_code_is_accepted_once(world: World) -> None:
    """Finding 8: a TOTP code could be used twice (e.g. replayed from a shoulder-surf)."""
    code = totp_now(world.totp["protection"], datetime.now(UTC))
    body = {"username": "protection", "password": PASSWORD, "totp": code}
    assert world.client().post("/api/session", json=body).status_code == 200
    assert world.client().post("/api/session", json=body).status_code == 401
