"""Chromium, on the demo's own data and printed accounts: a placement officer reviews a run
(filters the unplaced, reads why, accepts several at once and stays on the row), a liaison is
told a refusal needs its reason before anything is sent and keeps the answer chosen, and a
search finds a person by full name in any order and by Arabic-keyboard letters. Screenshots
at 1366 and 768 px: no sideways scroll, no word broken letter by letter."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_demo_roles import logged_in, query, submit

from conftest import DemoServed, screenshot_dir

pytestmark = pytest.mark.browser
WIDTHS = (1366, 768)


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def narrowest_text_cell(page: Any, selector: str) -> float:
    """The narrowest rendered cell of ``selector`` in px (letter-by-letter breaking shows as
    a column a few letters wide)."""
    return float(page.evaluate(
        "s => Math.min(...[...document.querySelectorAll(s)].map(e => e.getBoundingClientRect()"
        ".width))", selector))


def look_at(page: Any, name: str, selector: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir() / f"{name}-{width}.png"), full_page=False)
        assert no_sideways_scroll(page), f"{name} scrolls sideways at {width} px"
        assert narrowest_text_cell(page, selector) > 120, f"{name}: words broken at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_placement_officer_reviews_a_run_of_the_demo(browser: Any,
                                                       served_demo: DemoServed) -> None:
    with logged_in(browser, served_demo, "placement") as page:
        page.get_by_role("link", name="Placement runs").click()
        page.get_by_label("Label").fill("review week")
        page.get_by_role("button", name="Start a run (cases ready for referral)").click()
        page.wait_for_url("**/placements/PR-*", timeout=180_000)
        run_url = page.url.split("?")[0]
        assert page.locator("tr.case-row").count() <= 50  # paged, not hundreds of rows
        height = page.evaluate("() => document.documentElement.scrollHeight")
        print(f"review page: {height} px tall at 1366 px")  # 118,000 px with 336 rows
        assert height < 20_000
        summary = page.locator("section.summary").inner_text()
        assert "left unplaced" in summary and "to decide" in summary
        page.get_by_label("Show").select_option("unplaced")
        with page.expect_navigation():
            page.get_by_role("button", name="Show", exact=True).click()
        unplaced = page.locator("tr.case-row")
        if unplaced.count():
            assert all("left unplaced" in row.locator("td.where").inner_text()
                       for row in unplaced.all())
            assert page.locator("button[aria-label^='Accept ']").count() == 0
            assert "Why cases were left unplaced" in summary
        look_at(page, "placement-unplaced", "td.explanation")
        for word in ("LP relaxation", "objective", "×1000", "Shadow price"):
            assert word not in page.content()

        page.goto(f"{run_url}?show=undecided")
        rows = page.locator("tr.case-row").filter(has=page.locator("input[form=bulk]"))
        ticked = [r.get_attribute("id").removeprefix("case-") for r in rows.all()[:3]]
        assert len(ticked) == 3
        for case_id in ticked:
            page.get_by_label(f"Tick {case_id}").check()
        submit(page, "Accept the ticked placements")
        assert "#cases-h" in page.url and "show=undecided" in page.url
        page.goto(f"{run_url}?show=decided")
        decided = page.locator("tr.case-row").all_inner_texts()
        assert sum("accepted" in text for text in decided) == 3

        page.goto(f"{run_url}?show=placed")  # accept a row further down: back on that row
        rows = page.locator("tr.case-row").filter(has=page.get_by_role("button", name="Accept"))
        row = rows.nth(min(20, rows.count() - 1))
        case_id = row.get_attribute("id").removeprefix("case-")
        submit(page, f"Accept {case_id}")
        assert page.url.endswith(f"#case-{case_id}")
        assert page.evaluate("() => window.scrollY") > 0  # not back at the top
        assert "accepted" in page.locator(f"tr#case-{case_id}").inner_text()
        look_at(page, "placement-placed", "td.explanation")


def test_the_override_chooser_and_a_full_place_keep_what_was_typed(
        browser: Any, served_demo: DemoServed) -> None:
    with logged_in(browser, served_demo, "placement") as page:
        page.get_by_role("link", name="Placement runs").click()
        page.get_by_role("button", name="Start a run (cases ready for referral)").click()
        page.wait_for_url("**/placements/PR-*", timeout=180_000)
        page.goto(page.url.split("?")[0] + "?show=undecided")
        row = page.locator("tr.case-row").filter(has=page.locator("details.override")).first
        case_id = row.get_attribute("id").removeprefix("case-")
        row.locator("details.override summary").click()
        fulls = [text for text in
                 page.locator(f"#loc-{case_id} option").all_inner_texts() if "(full)" in text]
        assert fulls and all("," in text for text in fulls)  # name, country, room left
        for full in fulls[:5]:  # a full place this case may go to (no no-return country)
            row = page.locator(f"tr#case-{case_id}")
            if not row.locator("details.override").evaluate("e => e.open"):
                row.locator("details.override summary").click()
            row.get_by_label("Place", exact=True).select_option(label=full)
            row.get_by_label("Reason", exact=True).fill("her brother lives there")
            submit(page, "Override", within=row)
            if "full in this run" in page.locator("div.problem").inner_text():
                break
        again = page.locator(f"tr#case-{case_id}")
        error = again.locator("span.error").first.inner_text()
        assert "full in this run" in error and "confirm the capacity overrun" in error
        assert again.get_by_label("Reason", exact=True).input_value() == "her brother lives there"
        chooser = again.get_by_label("Place", exact=True)
        assert chooser.evaluate("e => e.selectedOptions[0].text") == full
        again.get_by_label("I confirm the capacity overrun").check()
        following = page.locator(f"tr#case-{case_id} + tr").get_attribute("id")
        submit(page, "Override", within=again)
        assert page.url.endswith(f"#{following}")  # decided rows hidden: on the next one
        page.goto(page.url.split("?")[0] + "?show=decided")
        assert "capacity overrun confirmed" in page.locator(f"tr#case-{case_id}").inner_text()


def test_a_liaison_is_told_a_refusal_needs_its_reason_and_keeps_the_answer(
        browser: Any, served_demo: DemoServed) -> None:
    with logged_in(browser, served_demo, "liaison") as page:
        page.wait_for_url(f"{served_demo.base}/queue")  # the liaison starts on the work queue
        page.goto(f"{served_demo.base}/referrals")
        assert page.get_by_role("link", name="Next").count() == 1  # paged
        page.get_by_label("Show").select_option("waiting")
        with page.expect_navigation():
            page.get_by_role("button", name="Show", exact=True).click()
        form = page.locator("form.answer").first
        decision = form.get_by_label("Decision", exact=True)
        assert decision.input_value() == ""  # no answer chosen for the liaison
        decision.select_option("refused")
        reason = form.get_by_label("Reason")
        assert reason.evaluate("e => e.required")
        form.get_by_role("button", name="Send").click()  # the browser stops it, and says why
        assert reason.evaluate("e => e.validity.valueMissing")
        assert "showing=waiting" in page.url  # nothing was sent
        form.evaluate("f => { f.noValidate = true; }")  # the server says the same
        submit(page, "Send", within=form)
        kept = page.locator("form.answer").filter(has=page.locator("[aria-invalid=true]"))
        chosen = kept.get_by_label("Decision", exact=True).input_value()
        assert chosen == "refused"  # not reset to accepted
        assert "give the reason" in kept.locator("span.error").inner_text()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(screenshot_dir() / f"liaison-refusal-{width}.png"))
            assert no_sideways_scroll(page), f"the liaison's list scrolls sideways at {width}"

        referral = kept.get_attribute("action").split("/")[2]
        page.goto(f"{served_demo.base}/referrals/{referral}")  # decide from the dossier page
        shown = page.locator("[data-field=given_name_original]").count() > 0
        assert shown or "Dossier withheld" in page.content()  # as in the list
        page.get_by_label("Decision", exact=True).select_option("more_information")
        page.get_by_label("Reason").fill("medical report of the principal applicant")
        submit(page, "Send")
        assert page.url.endswith(f"/referrals/{referral}")
        assert "more information" in page.locator("dl.facts").inner_text()


def test_search_by_full_name_in_any_order_and_arabic_keyboard(
        browser: Any, served_demo: DemoServed) -> None:
    given, family, case_id, person_id = query(
        served_demo, "select given_name, family_name, case_id, person_id from persons "
        "where given_name <> '' and family_name <> '' and member_index > 1 limit 1")[0]
    persian = query(served_demo, "select given_name_original || ' ' || family_name_original, "
                    "case_id from persons where family_name_original like '%ی%' and "
                    "family_name_original like '%ک%' limit 1")[0]
    with logged_in(browser, served_demo, "protection") as page:
        page.get_by_role("link", name="Cases").click()
        for typed in (f"{family} {given}", f"{given.lower()} {family.upper()}"):
            page.get_by_label("Search id or name").fill(typed)
            with page.expect_navigation():
                page.get_by_role("button", name="Search").click()
            row = page.locator("table.list tbody tr", has_text=case_id)
            assert row.count() == 1
            assert person_id in row.locator("span.matched").inner_text()  # who matched
        arabic = persian[0].replace("ی", "ي").replace("ک", "ك")
        page.get_by_label("Search id or name").fill(arabic)
        with page.expect_navigation():
            page.get_by_role("button", name="Search").click()
        assert page.locator("table.list tbody tr", has_text=persian[1]).count() == 1
        number = case_id.split("-")[-1].lstrip("0")
        page.get_by_label("Search id or name").fill(number)
        with page.expect_navigation():
            page.get_by_role("button", name="Search").click()
        assert page.locator("table.list tbody tr a").first.inner_text() == case_id
