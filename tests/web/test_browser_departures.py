"""A movement officer in Chromium, on the demo's own data: the demo's departures step plans
its accepted cases onto charters; a flight is added, another cancelled (the page names who is
taken off), and the re-plan books them on the new flight."""

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
from resettle.adapters.cli.departures import step_plan_departures

pytestmark = pytest.mark.browser


def flights(served: DemoServed) -> list[tuple[str, str, int]]:
    path = served.url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(
            "select f.flight_id, f.departs_at, count(b.booking_id) from departure_flights f "
            "left join departure_bookings b on b.flight_id = f.flight_id and "
            "b.state = 'booked' where f.destination = 'ALB' group by f.flight_id "
            "order by f.departs_at").fetchall()


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
        row.get_by_label("Reason").fill("aircraft grounded")
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
        page.screenshot(path=str(screenshot_dir() / "departures.png"), full_page=True)
    finally:
        context.close()
