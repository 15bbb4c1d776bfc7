"""End-to-end in Chromium: a host state's liaison refuses a referral with its reason, loses
access to the case, and the next placement run re-places the case in another state."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser import log_in
from web_world import World

pytestmark = pytest.mark.browser


def test_a_refused_case_is_re_placed_in_another_state(
    page: Any, served_placement: tuple[str, World]
) -> None:
    base, world = served_placement
    log_in(page, base, world, "liaison_alb")
    page.goto(f"{base}/referrals")
    referral = world.referral_ids["C-001"]
    with page.expect_navigation():  # the dossier its agreement allows, names in own script
        page.get_by_role("link", name="open").first.click()
    assert 'data-field="given_name_original"' in page.content()
    page.goto(f"{base}/referrals")
    page.locator(f"#d-{referral}").select_option("refused")
    page.locator(f"#reason-{referral}").fill("security vetting not passed")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{base}/referrals?*")
    assert "No referral." in page.locator("table.list").inner_text()  # access ended
    assert page.goto(f"{base}/referrals/{referral}/dossier.html").status == 404
    assert page.goto(f"{base}/cases/C-001").status == 403  # never the case page

    page.context.clear_cookies()
    log_in(page, base, world, "placement")
    page.goto(f"{base}/placements")
    page.get_by_label("Label").fill("after Albania's refusal")
    page.get_by_role("button", name="Start a run").click()
    page.wait_for_url("**/placements/PR-*")
    row = page.locator("tr#case-C-001")
    text = row.inner_text()
    assert "re-placement after ALB: refused" in text
    assert "Berlin, Germany" in row.locator("td.where").inner_text()  # in another state
    ruled_out = row.locator("td.explanation details").text_content()  # the pair rule
    assert "Tirana, Albania: this host state refused the case (ALB: refused" in ruled_out
    assert "Re-placements" in page.locator("dl.facts").inner_text()
