"""In Chromium: an analyst lands on the forecast page, runs a small scenario and reads its
results (figure with a text alternative, tables), and is refused a case page."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser import log_in
from web_world import World

pytestmark = pytest.mark.browser


def test_an_analyst_sees_the_forecast_and_is_refused_a_case_page(
        page: Any, served: tuple[str, World]) -> None:
    base, world = served
    log_in(page, base, world, "analyst")
    page.wait_for_url(f"{base}/forecast")
    assert page.get_by_role("heading", name="Forecast", level=1).is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Forecast").count() == 1
    assert nav.get_by_role("link", name="Cases").count() == 0
    page.get_by_label("Replications").fill("3")
    page.get_by_label("2 more interviewers").check()
    page.get_by_role("button", name="Run the forecast").click()
    page.wait_for_url(lambda url: "/forecast/runs/" in url)
    # The run goes on in the background; its page refreshes itself until the results show.
    page.wait_for_selector("#forecast-lines", timeout=180_000)
    figure = page.locator("img[alt^='Persons still in the camp']")
    assert figure.count() == 1 and figure.get_attribute("src").startswith("data:image/png")
    assert page.locator("#band tbody tr").count() > 0
    assert page.locator("#levers tbody tr").count() == 1
    answer = page.goto(f"{base}/cases/C-001")
    assert answer is not None and answer.status == 403
    assert "Shirin" not in page.content() and "Karimi" not in page.content()
