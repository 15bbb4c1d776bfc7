"""End-to-end in Chromium: a placement officer starts a run on a small scenario, reviews it
(an explanation and a shadow price), and accepts it."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser import log_in
from web_world import World

pytestmark = pytest.mark.browser


def test_placement_run_started_reviewed_and_accepted(
    page: Any, served_placement: tuple[str, World]
) -> None:
    base, world = served_placement
    log_in(page, base, world, "placement")
    page.goto(f"{base}/placements")
    page.get_by_label("Label").fill("week 12")
    page.get_by_role("button", name="Start a run").click()
    page.wait_for_url("**/placements/PR-*")
    rows = page.locator("tr.case-row")
    assert rows.count() == 3
    # an explanation per case and the scarce place ranked first
    unplaced = page.locator("tr.case-row", has_text="unplaced")
    assert unplaced.count() == 1  # four persons, three places
    assert "had no places left" in unplaced.locator("td.explanation").inner_text()
    name = page.locator("tr#case-C-101 span[lang=fa]")
    assert name.inner_text() == "مریم رحیمی"
    assert name.evaluate("e => getComputedStyle(e).direction") == "rtl"
    first_price = page.locator("table.shadow-prices tbody tr").first.locator("td.effect")
    assert "lets in" in first_price.inner_text()  # one more place there lets someone in
    placed = [row for row in rows.all() if "unplaced" not in row.inner_text()]
    for row in placed:
        case_id = row.get_attribute("id").removeprefix("case-")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.get_by_role("button", name=f"Accept {case_id}").click()
        page.wait_for_load_state()
    decisions = page.locator("tr.case-row").all_inner_texts()
    assert sum("accept" in text for text in decisions) == len(placed) >= 2
