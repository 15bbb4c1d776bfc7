"""End-to-end in Chromium: log in, search cases, act on a case, a liaison's portal."""

from __future__ import annotations

from typing import Any

import pytest
from web_world import PASSWORD, World

from key_samples import next_totp

pytestmark = pytest.mark.browser


def log_in(page: Any, base: str, world: World, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if username in world.totp:
        page.get_by_label("One-time code").fill(next_totp(world.totp[username]))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def test_login_with_keyboard_and_search_in_persian(page: Any,
                                                   served: tuple[str, World]) -> None:
    base, _ = served
    page.goto(f"{base}/login")
    # Usable from the keyboard: the username field has focus, Tab reaches the password,
    # Enter submits.
    assert page.evaluate("document.activeElement.id") == "username"
    page.get_by_label("Username").fill("registrar")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/queue")  # each role starts on its work queue
    page.goto(f"{base}/dashboard")
    assert page.locator("svg.chart").count() == 4
    page.get_by_role("link", name="Cases").click()
    page.get_by_label("Search id or name").fill("کریمی")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases?q=*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    assert "C-001" in rows.first.inner_text()
    original = rows.first.locator("td[lang=fa]")
    assert original.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.get_by_role("link", name="C-001").click()
    assert "شیرین" in page.content()


def test_wrong_password_shows_an_error(page: Any, served: tuple[str, World]) -> None:
    base, _ = served
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill("registrar")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert "wrong username" in page.get_by_role("alert").inner_text()


def test_protection_officer_adds_an_encrypted_note(page: Any,
                                                   served: tuple[str, World]) -> None:
    base, world = served
    log_in(page, base, world, "protection")
    page.goto(f"{base}/cases/C-003")
    page.get_by_label("Add a note in section").select_option("violence")
    page.get_by_label("Note (stored encrypted)").fill("ضرب و شتم در زندان اوین")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()
    assert "ضرب و شتم" in page.locator("#violence_notes-h + blockquote").inner_text()


def test_liaison_accepts_a_referral_and_cannot_open_another_states_case(
    page: Any, served: tuple[str, World]
) -> None:
    base, world = served
    log_in(page, base, world, "liaison_alb")
    page.wait_for_url(f"{base}/queue")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.wait_for_url(f"{base}/referrals")
    assert page.locator("table.list tbody tr").count() == 1
    referral = world.referral_ids["C-001"]
    page.get_by_label("Decision").select_option("accepted")
    page.locator(f"#reason-{referral}").fill("security vetting passed")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert "accepted" in page.locator("table.list tbody").inner_text()
    # A liaison reads cases only through its state's dossiers: no case page at all, and so
    # the same answer for another state's case as for its own.
    answer = page.goto(f"{base}/cases/C-002")  # referred to Germany, not Albania
    assert answer is not None and answer.status == 403
    assert "Karimi" not in page.content() and "Ahmadi" not in page.content()


def test_registrar_takes_a_screening_action(page: Any, served: tuple[str, World]) -> None:
    base, world = served
    log_in(page, base, world, "registrar")
    page.goto(f"{base}/cases/C-003")
    page.get_by_label("Screening action").select_option("assess_claim")
    page.get_by_label("Reason", exact=True).fill("account credible and consistent")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Record action").click()
    page.wait_for_load_state()
    assert "assessed" in page.locator("dl.facts").first.inner_text()
    assert "account credible" in page.locator("ol.timeline").inner_text()
