"""A movement officer and a liaison in Chromium, on the demo's own data: the demo's departures
step plans its accepted cases onto charters; a flight is added, another cancelled (the page
names who is taken off), the re-plan books them on the new flight; a missing exit permit is
recorded and the case booked; the flight departs; the liaison reports an arrival."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from demo_site import DemoTemplate, log_in
from rich.console import Console

from conftest import DemoServed, screenshot_dir
from resettle.adapters.cli.demo import DemoContext
from resettle.adapters.cli.demo.departures import step_plan_departures

pytestmark = pytest.mark.browser


def query(served: DemoServed, sql: str) -> list[tuple[Any, ...]]:
    """Read the served copy of the demo database (to pick records; results are read on the
    pages)."""
    path = served.url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(sql).fetchall()


def flights(served: DemoServed) -> list[tuple[str, str, int]]:
    return query(served,
            "select f.flight_id, f.departs_at, count(b.booking_id) from departure_flights f "
            "left join departure_bookings b on b.flight_id = f.flight_id and "
            "b.state = 'booked' where f.destination = 'ALB' group by f.flight_id "
            "order by f.departs_at")


def run_demo_step(served: DemoServed, template: DemoTemplate, folder: Path,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's departures step, on the served copy (the shared template stops earlier)."""
    monkeypatch.delenv("RESETTLE_DATA_KEYS", raising=False)
    monkeypatch.setenv("RESETTLE_KEY_FILE", str(template.database.parent /
                                                 "resettle-keys.json"))
    step_plan_departures(DemoContext(served.url, folder, 2011, Console(file=io.StringIO())))


def test_movement_officer_adds_cancels_and_re_plans(
        browser: Any, served_demo: DemoServed, demo_template: DemoTemplate, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    run_demo_step(served_demo, demo_template, tmp_path, monkeypatch)
    planned = flights(served_demo)
    assert planned and all(booked > 0 for _, _, booked in planned)  # the demo's own plan
    cancelled = planned[-1][0]
    first = datetime.fromisoformat(planned[0][1])
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        log_in(page, served_demo.base, served_demo.logins["movement"])
        page.get_by_role("link", name="Departures").click()
        page.wait_for_url("**/departures")
        assert page.get_by_role("img", name="Persons per flight over time, per host state")
        page.get_by_label("Flight id").fill("ALB-EXTRA")
        page.get_by_label("Departs (UTC)").fill((first + timedelta(hours=10))
                                               .strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("To (ISO3)").fill("ALB")
        page.get_by_role("button", name="Add flight").click()
        page.wait_for_load_state()
        assert "ALB-EXTRA" in page.locator("#flights").inner_text()
        row = page.locator("#flights tr", has_text=cancelled)
        row.get_by_label("Reason", exact=True).fill("aircraft grounded")
        row.get_by_role("button", name=f"Cancel {cancelled}").click()
        page.wait_for_load_state()
        taken_off = page.locator("#affected-h ~ ul").inner_text()
        assert taken_off.count("case ") == planned[-1][2]
        page.get_by_role("button", name="Plan flights (accepted cases)").click()
        page.wait_for_load_state()
        summary = page.locator("#plan-summary").inner_text()
        assert "moved 0" in summary  # the other bookings keep their seats
        extra = page.locator("#flights tr", has_text="ALB-EXTRA").inner_text().split("\t")
        assert int(extra[5]) > 0  # persons now booked on the new flight
        record_missing_permit(page, served_demo, first)
        page.get_by_role("button", name="Record departure of ALB-EXTRA").click()
        page.wait_for_load_state()
        assert "ALB-EXTRA departed with" in page.locator("#done").inner_text()
        page.screenshot(path=str(screenshot_dir() / "departures.png"), full_page=True)
    finally:
        context.close()
    liaison_reports_arrival(browser, served_demo, first)


def record_missing_permit(page: Any, served: DemoServed, first: datetime) -> None:
    """The demo left one case in ten without an exit permit: record it, plan, see it booked."""
    case_id, person_id = query(
        served, "select p.case_id, p.person_id from persons p join cases c on "
        "c.case_id = p.case_id where c.status = 'accepted' and c.case_id in (select case_id "
        "from departure_items) and not exists (select 1 from departure_items i where "
        "i.person_id = p.person_id and i.kind = 'exit_permit') and (select count(*) from "
        "persons q where q.case_id = c.case_id) = 1 order by p.case_id limit 1")[0]
    page.get_by_label("Case", exact=True).fill(case_id)
    page.get_by_label("Person", exact=True).fill(person_id)
    page.get_by_label("Item").select_option("exit_permit")
    page.get_by_label("Valid from (UTC)").fill((first - timedelta(days=5))
                                               .strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record item").click()
    page.wait_for_load_state()
    assert "exit_permit of" in page.locator("#done").inner_text()
    page.get_by_role("button", name="Plan flights (accepted cases)").click()
    page.wait_for_load_state()
    assert f"case {case_id}: – → ALB" in page.locator("#plan-h ~ ul").first.inner_text()


def liaison_reports_arrival(browser: Any, served: DemoServed, first: datetime) -> None:
    case_id = query(served, "select case_id from departure_bookings where flight_id = "
                    "'ALB-EXTRA' and state = 'departed' order by case_id limit 1")[0][0]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        log_in(page, served.base, served.logins["liaison"])
        page.get_by_role("link", name="Arrivals").click()
        page.get_by_label("Case").fill(case_id)
        page.get_by_label("Place of arrival").fill("Tirana, Manëz reception centre")
        page.get_by_label("Arrived on").fill(first.date().isoformat())
        page.get_by_role("button", name="Report arrival").click()
        page.wait_for_load_state()
        assert f"case {case_id} arrived at Tirana" in page.locator("#done").inner_text()
    finally:
        context.close()
