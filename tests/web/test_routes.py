"""Route tests through the test client: login, cases, detail, API errors, audit entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Mount
from web_world import PASSWORD, World

from resettle.adapters.db.security.audit_store import list_audit, verify_audit
from resettle.adapters.web.guards import Guard


def all_routes(routes: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router
        flat.extend(all_routes(inner.routes) if inner is not None else [route])
    return flat


def test_every_route_declares_its_policy(shared_world: World) -> None:
    missing = []
    routes = all_routes(shared_world.app.routes)
    assert len(routes) > 15
    for route in routes:
        if isinstance(route, Mount):
            assert route.path == "/static"  # static assets are public by nature
            continue
        if not isinstance(route, APIRoute):
            if route.path in ("/openapi.json",):
                continue
            missing.append(route.path)
            continue
        guards = [d.call for d in route.dependant.dependencies if isinstance(d.call, Guard)]
        if len(guards) != 1:
            missing.append(f"{route.methods} {route.path}")
    assert missing == []


def test_pages_need_login(shared_world: World) -> None:
    client = shared_world.client()
    answer = client.get("/cases", follow_redirects=False)
    # to the login form, which returns to the page asked for (no session: none expired)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2Fcases"
    api = client.get("/api/cases")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "not_authenticated"


def test_login_page_and_form(shared_world: World) -> None:
    client = shared_world.client()
    form = client.get("/login")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post("/login", data={"username": "registrar", "password": "nope",
                                      "csrf_token": token})
    assert bad.status_code == 401 and "wrong username" in bad.text
    token = bad.text.split('name="csrf_token" value="')[1].split('"')[0]
    good = client.post("/login", data={"username": "registrar", "password": PASSWORD,
                                       "csrf_token": token}, follow_redirects=False)
    assert good.status_code == 303
    cookie = good.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/cases").status_code == 200


def test_login_form_without_csrf_is_refused(shared_world: World) -> None:
    answer = shared_world.client().post("/login", data={"username": "registrar",
                                                        "password": PASSWORD,
                                                        "csrf_token": "forged"})
    assert answer.status_code == 403


def test_case_list_search_and_detail(shared_world: World) -> None:
    client = shared_world.login("registrar")
    page = client.get("/cases", params={"q": "کریمی"})
    assert page.status_code == 200 and "C-001" in page.text and "C-002" not in page.text
    assert 'dir="auto"' in page.text
    api = client.get("/api/cases", params={"q": "ahmadi"}).json()
    assert [c["case_id"] for c in api["items"]] == ["C-002"] and api["total"] == 1
    filtered = client.get("/api/cases", params={"priority": "emergency"}).json()
    assert [c["case_id"] for c in filtered["items"]] == ["C-003"]
    paged = client.get("/api/cases", params={"limit": 1, "offset": 1}).json()
    assert paged["total"] == 3 and len(paged["items"]) == 1
    detail = client.get("/cases/C-002")
    assert detail.status_code == 200 and "رضا" in detail.text


def test_unsafe_api_call_needs_csrf(world: World) -> None:
    client = world.login("protection")
    del client.headers["X-CSRF-Token"]
    answer = client.post("/api/cases/C-003/notes", json={"section": "violence", "text": "x"})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "csrf_failed"


def test_reads_and_changes_are_audited_in_a_valid_chain(world: World) -> None:
    client = world.login("protection")
    assert client.get("/api/cases/C-001").status_code == 200
    created = client.post("/api/cases/C-003/notes", json={"section": "violence",
                                                          "text": "beaten in 2011"})
    assert created.status_code == 201
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="protection")
        actions = [(e.event.action, e.event.subject_id) for e in entries]
        assert ("case.read", "C-001") in actions and ("note.add", "C-003") in actions
        assert all("beaten" not in e.event.detail for e in entries)
        assert verify_audit(session, key=world.config.keys.audit_key).ok


def test_failed_change_writes_nothing(world: World) -> None:
    client = world.login("placement")
    answer = client.post("/api/cases/C-003/referrals", json={"country": "IRN"})
    assert answer.status_code == 422  # the members' nationality: named before anything else
    assert answer.json()["error"]["code"] == "refoulement_forbidden"
    unknown = client.post("/api/cases/C-003/referrals", json={"country": "XYZ"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["issues"][0]["code"] == "unknown_host_state"
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="referral.create")
        assert entries == []


def test_error_shape_is_the_same_everywhere(shared_world: World) -> None:
    client = shared_world.login("registrar")
    for answer in (client.get("/api/cases/NOPE"), client.get("/api/cases?limit=100000"),
                   client.get("/api/audit"), client.get("/api/nothing-here")):
        body = answer.json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"status", "code", "message", "issues"}
        assert body["error"]["status"] == answer.status_code


def test_repeated_failures_slow_the_source(world: World) -> None:
    """Failures slow their source and lock no account (see test_security_hardening)."""
    # A delay longer than a loaded machine's gap between two requests (the default first
    # delay, 1 s, could pass before the next argon2-checked login and make the test flaky).
    world.config.auth = replace(world.config.auth, first_delay=timedelta(minutes=5))
    client = world.client()
    for _ in range(world.config.auth.free_failures):
        assert client.post("/api/session", json={"username": "registrar",
                                                 "password": "wrong"}).status_code == 401
    slowed = client.post("/api/session", json={"username": "registrar", "password": PASSWORD})
    assert slowed.status_code == 429 and "wait" in slowed.json()["error"]["message"]


def test_second_factor_is_required_for_sensitive_roles(world: World) -> None:
    client = world.client()
    answer = client.post("/api/session", json={"username": "protection", "password": PASSWORD})
    assert answer.status_code == 401
    assert client.post("/api/session", json={"username": "protection", "password": PASSWORD,
                                             "totp": "000000"}).status_code == 401


def test_logout_ends_the_session_on_the_server(world: World) -> None:
    client = world.login_for_real("registrar")
    cookie = client.cookies.get("resettle_session")
    assert client.delete("/api/session").status_code == 204
    replay = world.client()
    replay.cookies.set("resettle_session", cookie or "")
    assert replay.get("/api/me").status_code == 401


def test_security_headers_and_no_cdn(shared_world: World) -> None:
    answer = shared_world.client().get("/login")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "http://" not in answer.text.replace("http://www.w3.org", "")
    assert "https://" not in answer.text
    assert shared_world.client().get("/static/app.css").status_code == 200


def test_screening_step_through_the_api_and_its_history(world: World) -> None:
    registrar = world.login("registrar")
    page = registrar.get("/cases/C-003")
    assert 'name="step"' in page.text and "Assess the claim" in page.text
    taken = registrar.post("/api/cases/C-003/steps",
                           json={"step": "assess_claim", "reason": "credible, consistent"})
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "assessed"
    history = registrar.get("/api/cases/C-003").json()["history"]
    assert any("assess_claim" in e["what"] and e["actor"] == "registrar" for e in history)
    illegal = registrar.post("/api/cases/C-003/steps",
                             json={"step": "depart", "reason": "x"})
    assert illegal.status_code == 409
    assert illegal.json()["error"]["code"] == "illegal_transition"
    for user in ("auditor", "liaison_alb", "placement"):
        denied = world.login(user).post("/api/cases/C-003/steps",
                                        json={"step": "recognize", "reason": "x"})
        assert denied.status_code in (403, 404), user
    liaison_other = world.login("liaison_alb").post("/api/cases/C-002/steps",
                                                    json={"step": "hold", "reason": "x"})
    assert liaison_other.status_code in (403, 404)
