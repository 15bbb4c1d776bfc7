"""The work queue on the web: each role's start page, its API twin, the count in the
navigation; the login form's way back to the page asked for (never off the site); error pages
that keep the navigation; words instead of codes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from web_world import PASSWORD, USERS, World

from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.web.labels import LABELS, age, birth, day, direction, words
from resettle.adapters.web.problems import safe_next
from resettle.core import CaseStatus
from resettle.reporting.queue import kinds_for
from resettle.security.policy import Principal, Role


@pytest.mark.parametrize("role", list(Role))
def test_each_role_starts_on_its_queue(shared_world: World, role: Role) -> None:
    client = shared_world.login(USERS[role])
    start = client.get("/", follow_redirects=False)
    has_queue = bool(kinds_for(Principal(1, "x", role, "ALB")))
    expected = "/queue" if has_queue else "/forecast" if role is Role.ANALYST else "/dashboard"
    assert start.headers["location"] == expected
    page = client.get(expected)
    assert page.status_code == 200
    nav = page.text.split("</nav>")[0]
    assert ('href="/queue"' in nav) == has_queue
    api = client.get("/api/queue")
    if not has_queue:
        assert api.status_code == 403
        return
    body = api.json()
    assert api.status_code == 200 and body["total"] == sum(s["total"] for s in body["sections"])
    assert f'<span class="badge" aria-label="{body["total"]} waiting">{body["total"]}</span>' \
        in page.text
    shown = re.sub(r"<[^>]+>", " ", page.text.split("<h1>")[1].split("</main>")[0])
    assert "Your work queue" in shown and "_" not in shown  # words, not codes


def test_liaison_queue_lists_its_states_referral(shared_world: World) -> None:
    body = shared_world.login("liaison_alb").get("/api/queue").json()
    waiting = {s["kind"]: s for s in body["sections"]}["new_referrals"]
    assert [i["case_id"] for i in waiting["items"]] == ["C-001"]  # not DEU's C-002
    page = shared_world.login("liaison_alb").get("/queue").text
    assert f'/referrals/{shared_world.referral_ids["C-001"]}/dossier.html' in page
    assert "Albania" in page and "C-002" not in page


def test_the_queue_read_is_audited(world: World) -> None:
    world.login("liaison_alb").get("/queue")
    with world.config.sessions() as session:
        entries, _ = list_audit(session, action="queue.view")
    assert entries and "C-001" in entries[0].event.subject_id + entries[0].event.detail


def test_login_returns_to_the_page_asked_for(world: World) -> None:
    client = world.client()
    client.cookies.set("resettle_session", "expired-or-unknown")
    asked = client.get("/cases?status=registered", follow_redirects=False)
    assert asked.headers["location"] == "/login?next=%2Fcases%3Fstatus%3Dregistered&expired=1"
    form = client.get(asked.headers["location"])
    assert "Your session expired; sign in again" in form.text
    assert 'name="next" id="next" value="/cases?status=registered"' in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post("/login", data={"username": "registrar", "password": PASSWORD,
                                       "csrf_token": token, "next": "/cases?status=registered"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/cases?status=registered"
    # an action sent without a session: the login form, told, no way back to a POST route
    sent = world.client()
    sent.cookies.set("resettle_session", "gone")
    answer = sent.post("/cases/C-001/notes", data={"section": "history", "text": "kept?",
                                                   "csrf_token": "x"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?expired=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/x", "javascript:x",
    "/login?next=/x", "/logout", "", "cases", "/%0d%0aSet-Cookie:x", "/ok\r\nx", "/api/cases",
])
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target) in ("/", "/%0d%0aSet-Cookie:x")
    assert safe_next("/cases/C-001?tab=notes") == "/cases/C-001?tab=notes"


def test_login_ignores_an_unsafe_next(world: World) -> None:
    client = world.client()
    form = client.get("/login?next=https://evil.example/")
    assert 'value="https://evil.example/"' not in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post("/login", data={"username": "registrar", "password": PASSWORD,
                                       "csrf_token": token, "next": "//evil.example"},
                       follow_redirects=False)
    assert done.headers["location"] == "/"


def test_error_pages_keep_the_navigation_and_speak_words(shared_world: World) -> None:
    client = shared_world.login("protection")
    refused = client.get("/users")
    assert refused.status_code == 403
    assert 'aria-label="Main"' in refused.text and "Log out" in refused.text
    assert "Your role (protection officer) cannot manage users" in refused.text
    missing = client.get("/cases/NO-SUCH-CASE")
    assert missing.status_code == 404 and 'aria-label="Main"' in missing.text


def test_words_for_every_code() -> None:
    for kind, table in LABELS.items():
        for member in kind:
            assert str(member.value) in table, f"{kind.__name__}.{member.name} has no words"
            assert "_" not in words(member)
    assert words(CaseStatus.READY_FOR_REFERRAL) == "Ready for referral"
    assert words("LEGAL_PHYSICAL") == "Legal or physical protection needs"
    assert words("fas:native", "language") == "Persian (native)"
    assert words("wheelchair_user", "need") == "Uses a wheelchair"
    assert words("ALB", "country") == "Albania"
    assert birth("1975-01-01", "year") == "1975" and birth("1975-03-04", "exact") == "4 March 1975"
    assert day(date(2015, 6, 30)) == "30 June 2015"
    assert age(date(1975, 7, 1), on=date(2015, 6, 30)) == "39 years"
    assert age(date(2015, 1, 15), on=date(2015, 6, 30)) == "5 months"
    assert direction("fa") == direction("ar") == "rtl" and direction("en") == "ltr"


def test_right_to_left_layout_when_the_interface_language_is(world: World,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.setenv("RESETTLE_UI_LANGUAGE", "fa")
    page = world.client().get("/login")
    assert '<html lang="fa" dir="rtl">' in page.text
    monkeypatch.setenv("RESETTLE_UI_LANGUAGE", "en")
    assert '<html lang="en" dir="ltr">' in world.client().get("/login").text
