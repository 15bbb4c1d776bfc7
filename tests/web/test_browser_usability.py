"""Usable on a tablet and a laptop, with labels and from the keyboard: the main pages on the
demo's data, in Chromium, as each page's user sees them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from demo_site import DemoServed, log_in

from key_samples import next_totp

pytestmark = pytest.mark.browser

VIEWPORTS = {"tablet": {"width": 768, "height": 1024}, "laptop": {"width": 1366, "height": 768}}
# page -> who uses it (the role that sees the most on it)
PAGES = {
    "/dashboard": "placement",
    "/queue": "registrar",
    "/cases": "registrar",
    "/cases?status=recognized": "exclusion",
    "/placements": "placement",
    "/referrals": "liaison",
    "/audit": "auditor",
}

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden')
  .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 120))"""
OVERFLOW = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def pages_by_user(browser: Any, served_demo: DemoServed) -> Iterator[dict[str, Any]]:
    """One logged-in page per user of the pages above (logging in is slow on purpose)."""
    contexts, pages = [], {}
    for username in sorted(set(PAGES.values())):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(90_000)
        log_in(page, served_demo.base, served_demo.logins[username])
        contexts.append(context)
        pages[username] = page
    yield pages
    for context in contexts:
        context.close()


def check_page(page: Any, name: str) -> list[str]:
    problems = []
    width, inner = page.evaluate(OVERFLOW)
    if width > inner:
        problems.append(f"{name}: scrolls sideways ({width}px wide in {inner}px)")
    problems.extend(f"{name}: no label for {html}" for html in page.evaluate(UNLABELLED))
    return problems


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_main_pages_fit_and_label_every_field(
    viewport: str, pages_by_user: dict[str, Any], served_demo: DemoServed, browser: Any
) -> None:
    problems = []
    for path, username in PAGES.items():
        page = pages_by_user[username]
        page.set_viewport_size(VIEWPORTS[viewport])
        page.goto(f"{served_demo.base}{path}")
        problems += check_page(page, f"{viewport} {path}")
        if path == "/cases?status=recognized":  # and a case, with the exclusion forms
            page.locator("table.list tbody tr a").first.click()
            page.wait_for_url("**/cases/ASH-*")
            assert page.locator("#reviews-h").count() == 1
            problems += check_page(page, f"{viewport} case page")
    login = browser.new_page(viewport=VIEWPORTS[viewport])
    login.goto(f"{served_demo.base}/login")
    problems += check_page(login, f"{viewport} /login")
    assert problems == []
    # The checks can fail: a too-wide block and an unlabelled field are both reported.
    login.evaluate("""() => { const wide = document.createElement('div');
        wide.textContent = 'wide'; wide.style.width = '2000px';  // CSSOM: CSP blocks style=""
        document.querySelector('main').append(wide, document.createElement('input')); }""")
    caught = check_page(login, "spoiled")
    assert len(caught) == 2 and "sideways" in caught[0] and "<input>" in caught[1]
    login.close()


def test_login_with_the_keyboard_only(browser: Any, served_demo: DemoServed) -> None:
    account = served_demo.logins["protection"]  # a role with a second factor
    page = browser.new_page(viewport=VIEWPORTS["tablet"])
    page.set_default_timeout(90_000)
    page.goto(f"{served_demo.base}/login")
    assert page.evaluate("document.activeElement.id") == "username"  # no click needed
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(account.password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "totp"
    assert account.totp_secret is not None
    page.keyboard.type(next_totp(account.totp_secret))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Log in"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served_demo.base}/queue")
    # Focus is visible: the skip link is the first stop and shows itself when focused.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert skip.bounding_box()["x"] >= 0
    page.close()
