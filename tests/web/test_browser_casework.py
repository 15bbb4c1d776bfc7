"""In Chromium, the browser only (#19): a protection officer takes a registered family from
registration to ready for referral — interviews of each adult, their consent, a written
decision — a second officer recommends (four eyes); and a form error keeps what was typed,
focus on the field in error."""

from __future__ import annotations

from typing import Any

import pytest
from casework_world import FAMILY, SECOND_OFFICER, SECOND_TOTP
from test_browser import log_in
from web_world import PASSWORD, World

from conftest import screenshot_dir
from key_samples import next_totp

pytestmark = pytest.mark.browser
OVERFLOW = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def step(page: Any, action: str, reason: str) -> None:
    page.get_by_label("Screening action").select_option(action)
    page.get_by_label("Reason", exact=True).fill(reason)
    submit(page, "Record action")


def status(page: Any) -> str:
    return str(page.locator("dl.facts").first.inner_text())


def offered_steps(page: Any) -> list[str]:
    if page.locator("#step-choice").count() == 0:
        return []
    return [v for v in page.locator("#step-choice option").evaluate_all(
        "options => options.map(o => o.value)") if v]


def test_a_protection_officer_takes_a_family_to_ready_for_referral(
        page: Any, served_casework: tuple[str, World]) -> None:
    base, world = served_casework
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, base, world, "protection")
    page.goto(f"{base}/cases/{FAMILY}")
    step(page, "assess_needs", "needs assessed with the family")
    step(page, "schedule_interview", "interviews on Tuesday")
    assert "interview scheduled" in status(page).lower()
    assert "complete_interviews" not in offered_steps(page)  # not offered, and says why
    waiting = page.locator("#waiting").inner_text()
    assert "Complete the interviews" in waiting and f"{FAMILY}-P1" in waiting
    for adult in ("Maryam Rahimi", "Iraj Rahimi"):
        page.get_by_label("Adult interviewed").select_option(label=f"{adult} — not yet heard")
        page.get_by_label("Language (ISO 639-3, e.g. fas)").fill("fas")
        page.get_by_label("interpreter").check()
        page.get_by_label("Interview notes").fill("heard alone with an interpreter")
        submit(page, "Record interview")
    adults = page.locator("#adults").inner_text()
    assert adults.count("heard individually") == 2 and "Sara" not in adults
    step(page, "complete_interviews", "every adult heard in private")
    step(page, "assess_claim", "account credible and consistent")
    page.get_by_label("Decision", exact=True).select_option("recognize")
    page.get_by_label("Reasons for the decision (written, kept in the history)").fill(
        "well-founded fear of persecution for political opinion")
    submit(page, "Record decision")
    assert "recognized" in status(page).lower()
    page.get_by_label("Primary", exact=True).select_option("LEGAL_PHYSICAL")
    page.get_by_label("Secondary", exact=True).select_option("FAMILY_UNITY")
    page.get_by_label("Why these categories").fill("risk in the country of asylum")
    submit(page, "Set categories")
    for adult in ("Maryam Rahimi", "Iraj Rahimi"):
        page.get_by_label("Adult", exact=True).select_option(
            label=f"{adult} — no consent recorded")
        submit(page, "Record consent")
    assert page.locator("#adults").inner_text().count("consented") == 2
    step(page, "draft_submission", "submission drafted")
    assert "recommend" not in offered_steps(page)  # four eyes: listed, not offered
    assert "needs a second person" in page.locator("#waiting").inner_text()
    page.screenshot(path=str(screenshot_dir() / "casework-1366.png"), full_page=True)
    width, inner = page.evaluate(OVERFLOW)
    assert width <= inner, "sideways scroll at 1366 px"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: url.endswith("/login"))
    page.get_by_label("Username").fill(SECOND_OFFICER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("One-time code").fill(next_totp(SECOND_TOTP))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
    page.goto(f"{base}/cases/{FAMILY}")
    step(page, "recommend", "submission complete and well reasoned")
    assert "ready for referral" in status(page).lower()
    history = page.locator("ol.timeline").inner_text()
    assert "well-founded fear" in history and "recommend" in history.lower()


def test_a_form_error_keeps_the_text_and_focuses_the_field(
        page: Any, served_casework: tuple[str, World]) -> None:
    base, world = served_casework
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, base, world, "protection")
    page.goto(f"{base}/cases/{FAMILY}")
    page.get_by_label("Relation (e.g. brother)").fill("brother")
    page.get_by_label("Lives in (ISO code)").fill("DEU")
    submit(page, "Record relative")  # no name: refused on the case page itself
    assert page.locator("h1").inner_text() == f"Case {FAMILY}"
    assert page.get_by_label("Relation (e.g. brother)").input_value() == "brother"
    assert page.get_by_label("Lives in (ISO code)").input_value() == "DEU"
    assert page.evaluate("document.activeElement.id") == "rl-name"
    described = page.get_by_label("Name", exact=True).get_attribute("aria-describedby")
    assert "give the relative's name" in page.locator(f"#{described}").inner_text()
    typed = "گفت که در صورت بازگشت زندانی می‌شود"
    page.get_by_label("What the person said (confidential)").fill(typed)
    page.get_by_label("Country (ISO code, e.g. IRQ)").fill("XXZ")
    submit(page, "Add to the no-return list")
    assert page.get_by_label("What the person said (confidential)").input_value() == typed
    assert page.evaluate("document.activeElement.id") == "nr-country"
