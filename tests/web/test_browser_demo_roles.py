"""Every role does its work in Chromium, on the demo's own data, with the accounts the demo
printed (the done-criterion of the web app: `make demo`, log in, work).

One walk through a working day, in order, because the auditor at the end must find what the
others did; each role's part is its own function so a failure names the role.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

import pytest
from demo_site import log_in

from conftest import DemoServed

pytestmark = pytest.mark.browser


def query(served: DemoServed, sql: str, *args: str) -> list[tuple[Any, ...]]:
    """Read the served copy of the demo database (to pick cases; never to check results)."""
    path = served.url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(sql, args).fetchall()


@contextmanager
def logged_in(browser: Any, served: DemoServed, username: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(90_000)  # argon2 and a placement solve on a loaded machine
    try:
        log_in(page, served.base, served.logins[username])
        yield page
    finally:
        context.close()


def submit(page: Any, button: str, within: Any = None) -> Any:
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        (within or page).get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return answer.value


def registrar_assesses_needs(browser: Any, served: DemoServed) -> str:
    with logged_in(browser, served, "registrar") as page:
        page.get_by_role("link", name="Cases").click()
        page.get_by_label("Status").select_option("registered")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/cases?*status=registered*")
        first = page.locator("table.list tbody tr a").first
        case_id = first.inner_text()
        first.click()
        page.get_by_label("Screening action").select_option("assess_needs")
        page.get_by_label("Reason", exact=True).fill("needs assessed with the family")
        submit(page, "Record action")
        assert "Needs assessed" in page.locator("dl.facts").first.inner_text()  # words
        assert "needs assessed with the family" in page.locator("ol.timeline").inner_text()
    return case_id


def protection_officer_schedules_and_notes(browser: Any, served: DemoServed) -> str:
    case_id = query(served, "select case_id from cases where status = 'needs_assessed' "
                    "order by case_id limit 1")[0][0]
    with logged_in(browser, served, "protection") as page:
        page.goto(f"{served.base}/cases/{case_id}")
        page.get_by_label("Screening action").select_option("schedule_interview")
        page.get_by_label("Reason", exact=True).fill("interviews booked for next week")
        submit(page, "Record action")
        assert "Interview scheduled" in page.locator("dl.facts").first.inner_text()
        page.get_by_label("Add a note in section").select_option("confidential")
        page.get_by_label("Note (stored encrypted)").fill("از همسرش پنهان بماند")
        submit(page, "Add note")
        page.goto(f"{served.base}/cases/{case_id}")  # seen again, on a fresh read
        kept = page.locator("#confidential_notes-h ~ blockquote").first.inner_text()
        assert "از همسرش پنهان بماند" in kept and "protection" in kept
    return case_id


def _clean_recognized_case(served: DemoServed) -> tuple[str, str]:
    return query(served, "select c.case_id, p.person_id from cases c join persons p on "
                 "p.case_id = c.case_id where c.status = 'recognized' and not exists (select 1 "
                 "from exclusion_reviews r where r.case_id = c.case_id) order by c.case_id "
                 "limit 1")[0]


def exclusion_review_with_four_eyes(browser: Any, served: DemoServed) -> str:
    case_id, person_id = _clean_recognized_case(served)
    with logged_in(browser, served, "exclusion") as page:
        page.goto(f"{served.base}/cases/{case_id}")
        page.get_by_label("Open a review for").select_option(person_id)
        page.get_by_label("Triggers (comma-separated)").fill("role:commander")
        page.locator("#xr-reason").fill("named as a commander in a 2014 report")
        submit(page, "Open review")
        review = page.locator("article.review").first
        assert "open" in review.locator("h3").inner_text().lower()
        review.get_by_label("Recommendation").select_option("include")
        submit(page, "Record assessment")
        review = page.locator("article.review").first
        assert "assessed" in review.locator("h3").inner_text().lower()
        review.get_by_label("Second review").select_option("confirm")
        review.get_by_label("Reviewer's reasons").fill("I agree with myself")
        refused = submit(page, "Record decision")
        assert refused.status == 403
        alert = page.get_by_role("alert").inner_text()
        assert "four eyes" in alert and "ask another reviewer" in alert
        assert "assessed" in page.locator("article.review h3").first.inner_text().lower()
    with logged_in(browser, served, "exclusion2") as page:
        page.goto(f"{served.base}/cases/{case_id}")
        review = page.locator("article.review").first
        review.get_by_label("Second review").select_option("confirm")
        review.get_by_label("Reviewer's reasons").fill("no serious reasons; the report is "
                                                       "hearsay")
        submit(page, "Record decision")
        heading = page.locator("article.review h3").first.inner_text().lower()
        assert "decided" in heading and "outcome: include" in heading
        assert "exclusion2" in page.locator("article.review").first.inner_text()
    return case_id


def placement_officer_runs_and_accepts(browser: Any, served: DemoServed) -> None:
    with logged_in(browser, served, "placement") as page:
        page.get_by_role("link", name="Placement runs").click()
        page.get_by_label("Label").fill("demo week")
        page.get_by_role("button", name="Start a run (cases ready for referral)").click()
        page.wait_for_url("**/placements/PR-*", timeout=180_000)
        placed = page.locator("tr.case-row").filter(has_not_text="unplaced")
        assert placed.count() > 0
        assert placed.first.locator("td.explanation").inner_text().strip()  # why here
        assert page.locator("table.shadow-prices tbody tr").count() > 0  # where places lack
        case_id = placed.first.get_attribute("id").removeprefix("case-")
        submit(page, f"Accept {case_id}")
        assert "accept" in page.locator(f"tr#case-{case_id}").inner_text()


def liaison_answers_and_is_kept_to_its_state(browser: Any, served: DemoServed) -> None:
    with logged_in(browser, served, "liaison") as page:
        page.wait_for_url(f"{served.base}/queue")
        page.get_by_role("link", name="Referrals", exact=True).click()
        page.wait_for_url(f"{served.base}/referrals")
        state = served.logins["liaison"].role  # "host_state_liaison"; the state is on the page
        assert state == "host_state_liaison"
        heading = page.locator("h1").inner_text()  # "Referrals to ALB"
        country = heading.split()[-1]
        form = page.locator("form[action^='/referrals/']").first
        row = page.locator("table.list tbody tr", has=form)
        case_id = row.locator("td").first.inner_text()
        form.get_by_label("Decision").select_option("accepted")
        form.get_by_label("Reason").fill("security vetting passed")
        referral = form.get_attribute("action").split("/")[2]
        submit(page, "Send", within=form)
        assert "accepted" in page.get_by_role("status").inner_text()  # said, though moved on
        page.goto(f"{served.base}/referrals/{referral}")  # its page: the answer, and why
        answered = page.locator("dl.facts").inner_text()
        assert "accepted" in answered and "security vetting passed" in answered
        other = query(served, "select referral_id from host_referrals where country != ? "
                      "limit 1", country)[0][0]
        answer = page.goto(f"{served.base}/referrals/{other}/dossier.html")
        assert answer is not None and answer.status == 404
        answer = page.goto(f"{served.base}/cases/{case_id}")  # its own case: dossier only
        assert answer is not None and answer.status == 403


def filter_audit(page: Any, *, actor: str = "", action: str = "", subject: str = "") -> str:
    page.get_by_label("User").fill(actor)
    page.get_by_label("Action").fill(action)
    page.get_by_label("Case or record").fill(subject)
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    return str(page.locator("table.list tbody").inner_text())


def auditor_finds_the_days_work(browser: Any, served: DemoServed, cases: dict[str, str]
                                ) -> None:
    with logged_in(browser, served, "auditor") as page:
        page.get_by_role("link", name="Audit log").click()
        assert "verified" in page.locator("#chain-status").inner_text()
        found = filter_audit(page, actor="registrar", action="screening.assess_needs")
        assert page.locator("table.list tbody tr").count() == 1 and cases["registrar"] in found
        log = filter_audit(page, subject=cases["exclusion"])
        for action in ("exclusion.open", "exclusion.assess", "exclusion.review", "denied"):
            assert action in log
        assert "exclusion2" in log
        note = filter_audit(page, action="note.add", subject=cases["protection"])
        assert "section confidential" in note and "پنهان" not in note  # never the note text
        assert "verified" in page.locator("#chain-status").inner_text()


def test_every_role_does_its_work_with_the_printed_demo_accounts(
    browser: Any, served_demo: DemoServed
) -> None:
    assert {"registrar", "protection", "exclusion", "exclusion2", "placement", "liaison",
            "auditor", "admin"} <= set(served_demo.logins)
    cases = {"registrar": registrar_assesses_needs(browser, served_demo),
             "protection": protection_officer_schedules_and_notes(browser, served_demo),
             "exclusion": exclusion_review_with_four_eyes(browser, served_demo)}
    placement_officer_runs_and_accepts(browser, served_demo)
    liaison_answers_and_is_kept_to_its_state(browser, served_demo)
    auditor_finds_the_days_work(browser, served_demo, cases)


def test_dashboard_figures_have_text_alternatives(browser: Any, served_demo: DemoServed
                                                  ) -> None:
    with logged_in(browser, served_demo, "placement") as page:
        page.wait_for_url(f"{served_demo.base}/queue")
        page.goto(f"{served_demo.base}/dashboard")
        charts = page.locator("svg.chart")
        assert charts.count() == 4
        for chart in charts.all():
            assert chart.get_attribute("role") == "img"
            assert len(chart.locator("title").first.text_content() or "") > 10
            assert chart.bounding_box()["width"] > 100  # drawn, not collapsed
            assert chart.locator("rect").count() > 0  # bars from the demo's figures
