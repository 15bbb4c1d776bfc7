"""End-to-end in Chromium: an administrator adds a user who logs in with what the page showed;
a registration officer uploads a bad file, reads the problems, then a good one, and finds the
new case by searching."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_browser
from registry_uploads import BAD_CASES, BAD_PERSONS, GOOD_CASES, GOOD_PERSONS
from web_world import World

from key_samples import next_totp

pytestmark = pytest.mark.browser


def test_admin_adds_a_user_who_logs_in_with_the_shown_credentials(
    page: Any, served: tuple[str, World]
) -> None:
    base, world = served
    test_browser.log_in(page, base, world, "admin")
    page.get_by_role("link", name="Users").click()
    page.wait_for_url(f"{base}/users")
    page.get_by_label("Username").fill("farzaneh")
    page.get_by_label("Role").select_option("protection_officer")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Add user").click()
    page.wait_for_load_state()
    assert "User farzaneh added" in page.locator("h1").inner_text()
    password = page.locator("#cred-password").inner_text()
    secret = page.locator("#cred-totp-secret").inner_text()
    assert page.locator("#cred-totp-uri").inner_text().startswith("otpauth://totp/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/login")
    page.get_by_label("Username").fill("farzaneh")
    page.get_by_label("Password").fill(password)
    page.get_by_label("One-time code").fill(next_totp(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/queue")
    assert "farzaneh · protection officer" in page.locator(".who").inner_text()
    assert page.get_by_role("link", name="Users").count() == 0


def test_registrar_fixes_an_upload_then_finds_the_new_case(
    page: Any, served: tuple[str, World], tmp_path: Path
) -> None:
    base, world = served
    bad, good = tmp_path / "bad", tmp_path / "good"
    for folder, persons, cases in ((bad, BAD_PERSONS, BAD_CASES),
                                   (good, GOOD_PERSONS, GOOD_CASES)):
        folder.mkdir()
        (folder / "persons.csv").write_text(persons, encoding="utf-8")
        (folder / "cases.csv").write_text(cases, encoding="utf-8")
    test_browser.log_in(page, base, world, "registrar")
    page.get_by_role("link", name="Import").click()
    page.wait_for_url(f"{base}/registry/import")
    page.get_by_label("Files of persons and cases").set_input_files(
        [bad / "persons.csv", bad / "cases.csv"])
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert "Nothing was imported" in page.get_by_role("heading", level=2).inner_text()
    problems = page.locator("tr.issue")
    assert problems.count() == 3
    text = page.locator("table.list").inner_text()
    assert "birth_date" in text and "nationality" in text and "processing_priority" in text
    page.get_by_label("Files of persons and cases").set_input_files(
        [good / "persons.csv", good / "cases.csv"])
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert "2 cases (3 persons) stored" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Search id or name").fill("Rostami")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases?q=*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "N-500" in rows.first.inner_text()
    page.get_by_role("link", name="N-500").click()
    assert "پریسا" in page.content()
