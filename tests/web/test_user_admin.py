"""The administrator's user management, pages and API alike (same service as the CLI)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from web_world import PASSWORD, World

from key_samples import next_totp
from resettle.adapters.db.security.audit_store import list_audit, verify_audit
from resettle.adapters.db.security.store import SqlUserStore
from resettle.errors import ConflictError
from resettle.security import service as user_admin


def log_in_with(world: World, username: str, password: str, secret: str | None) -> TestClient:
    client = world.client()
    code = next_totp(secret) if secret else ""
    answer = client.post("/api/session", json={"username": username, "password": password,
                                               "totp": code})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def csrf_of(world: World, username: str) -> str:
    return world.sessions[username][1]


def test_list_shows_accounts_and_no_secret(shared_world: World) -> None:
    listed = shared_world.login("admin").get("/api/users")
    assert listed.status_code == 200
    items = {u["username"]: u for u in listed.json()["items"]}
    assert items["liaison_alb"]["state"] == "ALB" and items["liaison_alb"]["role"] == \
        "host_state_liaison"
    assert set(items["registrar"]) == {"username", "role", "state", "disabled", "locked",
                                       "last_login_at"}
    assert "argon2" not in listed.text and shared_world.totp["admin"] not in listed.text
    page = shared_world.login("admin").get("/users")
    assert page.status_code == 200 and "liaison_deu" in page.text and "argon2" not in page.text
    assert 'name="csrf_token"' in page.text and 'href="/users"' in page.text


def test_admin_adds_a_user_who_then_logs_in(world: World) -> None:
    admin = world.login("admin")
    added = admin.post("/api/users", json={"username": "amina", "role": "protection_officer"})
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["totp_secret"] and body["totp_uri"].startswith("otpauth://totp/")
    amina = log_in_with(world, "amina", body["password"], body["totp_secret"])
    assert amina.get("/api/me").json()["role"] == "protection_officer"
    listed = {u["username"]: u for u in admin.get("/api/users").json()["items"]}
    assert listed["amina"]["last_login_at"] is not None
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="user.add")
        assert [(e.event.actor, e.event.subject_id) for e in entries] == [("admin", "amina")]
        assert all(body["password"] not in e.event.detail for e in entries)
        assert verify_audit(session, key=world.config.keys.audit_key).ok


def test_a_liaison_needs_a_state_and_only_a_liaison_takes_one(world: World) -> None:
    admin = world.login("admin")
    stateless = admin.post("/api/users", json={"username": "li",
                                               "role": "host_state_liaison"})
    assert stateless.status_code == 422
    assert [i["field"] for i in stateless.json()["error"]["issues"]] == ["state"]
    bound = admin.post("/api/users", json={"username": "reg", "role": "registration_officer",
                                           "state": "ALB"})
    assert bound.status_code == 422
    liaison = admin.post("/api/users", json={"username": "li", "role": "host_state_liaison",
                                             "state": "fra"})
    assert liaison.status_code == 201 and liaison.json()["totp_secret"] is None
    again = admin.post("/api/users", json={"username": "li", "role": "auditor"})
    assert again.status_code == 409
    listed = {u["username"]: u for u in admin.get("/api/users").json()["items"]}
    assert listed["li"]["state"] == "FRA" and "reg" not in listed


def test_disable_ends_sessions_and_enable_lets_back_in(world: World) -> None:
    admin = world.login("admin")
    registrar = world.login("registrar")
    assert registrar.get("/api/me").status_code == 200
    assert admin.post("/api/users/registrar/disable").json() == {"username": "registrar",
                                                                 "disabled": True}
    assert registrar.get("/api/me").status_code == 401
    refused = world.client().post("/api/session", json={"username": "registrar",
                                                        "password": PASSWORD})
    assert refused.status_code == 401
    assert admin.post("/api/users/registrar/enable").status_code == 200
    log_in_with(world, "registrar", PASSWORD, None)


def test_nobody_disables_themselves_or_the_last_administrator(world: World) -> None:
    admin = world.login("admin")
    own = admin.post("/api/users/admin/disable")
    assert own.status_code == 409 and "your own account" in own.json()["error"]["message"]
    with world.config.sessions() as session, pytest.raises(ConflictError, match="last enabled"):
        user_admin.set_account_disabled(SqlUserStore(session, world.config.keys),
                                        actor=user_admin.CLI_ACTOR, username="admin",
                                        disabled=True, now=datetime.now(UTC))
    page = admin.post("/users/admin/disable", data={"csrf_token": csrf_of(world, "admin")})
    assert page.status_code == 409 and "your own account" in page.text


def test_reset_unlocks_and_ends_sessions(world: World) -> None:
    stale = world.login("protection")
    reset = world.login("admin").post("/api/users/protection/reset")
    assert reset.status_code == 200
    body = reset.json()
    assert body["totp_secret"] and body["totp_secret"] != world.totp["protection"]
    assert stale.get("/api/me").status_code == 401
    log_in_with(world, "protection", body["password"], body["totp_secret"])
    missing = world.login("admin").post("/api/users/nobody/reset")
    assert missing.status_code == 404


def test_pages_add_and_reset_show_the_credentials_once(world: World) -> None:
    admin = world.login("admin")
    del admin.headers["X-CSRF-Token"]  # pages send the form field
    csrf = csrf_of(world, "admin")
    forged = admin.post("/users", data={"username": "x", "role": "auditor"})
    assert forged.status_code == 403
    added = admin.post("/users", data={"username": "omid", "role": "auditor", "state": "",
                                       "csrf_token": csrf})
    assert added.status_code == 201 and 'id="cred-password"' in added.text
    password = added.text.split('id="cred-password">')[1].split("<")[0]
    assert "cred-totp-secret" not in added.text  # an auditor sees nothing sensitive
    log_in_with(world, "omid", password, None)
    invalid = admin.post("/users", data={"username": "li2", "role": "host_state_liaison",
                                         "csrf_token": csrf})
    assert invalid.status_code == 422 and "host state" in invalid.text
    disabled = admin.post("/users/omid/disable", data={"csrf_token": csrf},
                          follow_redirects=False)
    assert disabled.status_code == 303 and disabled.headers["location"] == "/users"
    reset = admin.post("/users/exclusion/reset", data={"csrf_token": csrf})
    assert reset.status_code == 200 and 'id="cred-totp-secret"' in reset.text
    assert "otpauth://totp/" in reset.text
    assert reset.headers["cache-control"] == "no-store"


def test_a_username_is_plain_ascii_that_fits_in_a_url(world: World) -> None:
    admin = world.login("admin")
    for bad in ("a/b", "ad min", "аdmin", "", "-lead", "x" * 81):  # "а" is Cyrillic
        answer = admin.post("/api/users", json={"username": bad, "role": "auditor"})
        assert answer.status_code == 422, bad
        assert [i["field"] for i in answer.json()["error"]["issues"]] == ["username"], bad
    fine = admin.post("/api/users", json={"username": "amina.k@unhcr-1", "role": "auditor"})
    assert fine.status_code == 201
