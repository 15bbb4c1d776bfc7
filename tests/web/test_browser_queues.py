"""In Chromium, on the demo's data: each role lands on its work queue with counts that make
sense (not every case overdue; the navigation says what the page says); a session that expires
while a note is typed sends the user through the login form back to the page, note kept; the
dashboard's chart text is at least 12 px as shown; at 768 px the members table keeps specific
needs on screen and no page touched scrolls sideways. Screenshots at 1366 and 768 px."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from demo_site import DemoServed, log_in

from conftest import screenshot_dir
from key_samples import next_totp

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 768, "height": 1024}}
ROLES_WITHOUT_QUEUE = {"admin", "auditor"}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def new_page(browser: Any, viewport: str = "laptop") -> Any:
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    page.set_default_timeout(90_000)
    return page


def read(served: DemoServed, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(served.url.removeprefix("sqlite:///"))) as db:
        rows = db.execute(sql, args).fetchall()
        db.commit()
        return rows


def test_each_role_lands_on_its_queue(browser: Any, served_demo: DemoServed) -> None:
    open_cases = read(served_demo, "select count(*) from cases where status not in "
                      "('departed', 'arrived', 'closed', 'withdrawn', 'excluded')")[0][0]
    for username, login in served_demo.logins.items():
        page = new_page(browser)
        try:
            log_in(page, served_demo.base, login)
            if username in ROLES_WITHOUT_QUEUE:
                page.wait_for_url(f"{served_demo.base}/dashboard")
                continue
            if username == "analyst":  # aggregates only: starts on the forecast
                page.wait_for_url(f"{served_demo.base}/forecast")
                continue
            page.wait_for_url(f"{served_demo.base}/queue")
            assert "30 June 2015" in page.locator("main .hint").first.inner_text()
            counts = [int(n.replace(",", "")) for n in
                      page.locator(".queue-summary strong").all_inner_texts()]
            badge = int(page.locator("nav .badge").inner_text())
            assert badge == sum(counts) > 0, username  # the navigation says what the page says
            assert all(n < open_cases for n in counts), username  # not everything is overdue
            page.screenshot(path=str(screenshot_dir() / f"queue-{username}-1366.png"),
                            full_page=True)
        finally:
            page.close()


def test_a_session_expiry_returns_to_the_page_with_the_note_kept(
        browser: Any, served_demo: DemoServed) -> None:
    case_id = read(served_demo, "select case_id from cases where status = 'registered' "
                   "order by case_id limit 1")[0][0]
    page = new_page(browser)
    log_in(page, served_demo.base, served_demo.logins["protection"])
    page.goto(f"{served_demo.base}/cases/{case_id}")
    note = "Met the family at the gate; the father asks for a medical appointment."
    page.get_by_label("Note (stored encrypted)").fill(note)
    # Meanwhile the session runs out (idle for two hours).
    long_ago = (datetime.now(UTC) - timedelta(hours=2)).replace(tzinfo=None).isoformat(" ")
    read(served_demo, "update user_sessions set last_seen_at = ?, created_at = ?", long_ago,
         long_ago)
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(re.compile(r"/login\?expired=1$"))
    assert "Your session expired; sign in again" in page.locator("#expired").inner_text()
    log_in_here(page, served_demo)
    page.wait_for_url(f"{served_demo.base}/cases/{case_id}")
    assert page.get_by_label("Note (stored encrypted)").input_value() == note
    assert "put back" in page.locator("#draft-restored").inner_text()
    page.screenshot(path=str(screenshot_dir() / "session-expired-note-kept.png"))
    # Sent now, the note is stored and the form is empty again (the draft is not put back twice)
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"{served_demo.base}/cases/{case_id}#note")  # back at the note form
    assert page.get_by_label("Note (stored encrypted)").input_value() == ""
    page.close()


def log_in_here(page: Any, served: DemoServed) -> None:
    """The login form the user was sent to, filled in (not a fresh visit: the way back is in
    the form)."""
    login = served.logins["protection"]
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(login.password)
    assert login.totp_secret is not None
    page.get_by_label("One-time code").fill(next_totp(login.totp_secret))
    page.get_by_role("button", name="Log in").click()


FONT_SIZES = """() => [...document.querySelectorAll('svg.chart text')].map(t => {
  const scale = t.ownerSVGElement.getScreenCTM().a;
  return parseFloat(getComputedStyle(t).fontSize) * scale; })"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_dashboard_text_is_readable_as_shown(browser: Any, served_demo: DemoServed,
                                             viewport: str) -> None:
    page = new_page(browser, viewport)
    log_in(page, served_demo.base, served_demo.logins["auditor"])
    page.goto(f"{served_demo.base}/dashboard")
    sizes = page.evaluate(FONT_SIZES)
    assert len(sizes) > 20 and min(sizes) >= 12, sorted(sizes)[:5]
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.locator("table.figures").count() == page.locator("svg.chart").count() == 4
    bar = page.locator("svg.chart a").first  # each bar opens the list it counts
    href = bar.get_attribute("href")
    assert href is not None and href.startswith("/cases?status=")
    page.screenshot(path=str(screenshot_dir() / f"dashboard-{VIEWPORTS[viewport]['width']}.png"),
                    full_page=True)
    page.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_members_needs_stay_on_screen(browser: Any, served_demo: DemoServed,
                                      viewport: str) -> None:
    case_id = read(served_demo, "select c.case_id from cases c join persons p on "
                   "p.case_id = c.case_id group by c.case_id having count(*) > 2 "
                   "order by c.case_id limit 1")[0][0]
    page = new_page(browser, viewport)
    log_in(page, served_demo.base, served_demo.logins["protection"])
    page.goto(f"{served_demo.base}/cases/{case_id}")
    width = VIEWPORTS[viewport]["width"]
    for cell in page.locator('table.members td[data-label="Specific needs"]').all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    born = page.locator('table.members td[data-label="Born"]').all_inner_texts()
    assert born and not any("(year)" in b or re.search(r"\d{4}-\d\d-\d\d", b) for b in born)
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(screenshot_dir() / f"case-{width}.png"), full_page=True)
    page.goto(f"{served_demo.base}/queue")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(screenshot_dir() / f"queue-protection-{width}.png"),
                    full_page=True)
    page.close()
