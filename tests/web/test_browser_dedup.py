"""End-to-end in Chromium: an import lists a likely duplicate, the officer opens the queue,
sees both records (Persian names right to left), proposes a merge of a person past the interview
and cannot confirm it alone (four eyes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from registry_uploads import CASES_HEADER, PERSONS_HEADER
from test_browser import log_in
from web_world import World

from resettle.adapters.db.registry.dedup_store import save_trained_model

pytestmark = pytest.mark.browser
MODEL = Path(__file__).parents[1] / "registry" / "dedup" / "trained_model.json"
PERSONS = PERSONS_HEADER + (
    "N-700-1,N-700,principal,Reza,Ahmady,رضا,احمدی,F,1971-03-21,IRN,\n"
    "N-700-2,N-700,sibling,Ali,Ahmady,علی,احمدی,M,1972-03-21,IRN,\n")
CASES = CASES_HEADER + "N-700,N-700-1,2,normal,registered,2013-06-01\n"


def test_import_then_review_a_likely_duplicate(page: Any, served: tuple[str, World]) -> None:
    base, world = served
    with world.config.sessions() as session:
        save_trained_model(session, json.loads(MODEL.read_text(encoding="utf-8")),
                           persons=3000, at=datetime(2026, 12, 7, tzinfo=UTC))
        session.commit()
    log_in(page, base, world, "registrar")
    page.goto(f"{base}/registry/import")
    page.set_input_files("#files", files=[
        {"name": "persons.csv", "mimeType": "text/csv", "buffer": PERSONS.encode()},
        {"name": "cases.csv", "mimeType": "text/csv", "buffer": CASES.encode()}])
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    duplicates = page.locator("tr.duplicate")
    assert duplicates.count() >= 1
    assert "C-002-P1" in duplicates.first.inner_text()
    page.get_by_role("link", name="Duplicates", exact=True).click()
    page.wait_for_url(f"{base}/registry/duplicates")
    pair = page.locator("tr.pair", has_text="N-700-1").first
    original = pair.locator("span.original").first
    assert original.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "احمدی" in original.inner_text()
    # C-002 has been referred to a host state: past the interview, so the merge is proposed
    # and waits for a second officer; the one who proposed it cannot confirm it.
    pair.get_by_label("Keep").select_option("C-002-P1")
    pair.locator("form[action$='/merges'] input[name=reason]").fill("same photo")
    pair.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_url(f"{base}/registry/duplicates")
    proposed = page.locator("tr.merge-proposed", has_text="N-700-1")
    assert "four eyes" in proposed.inner_text()
    assert page.locator("tr.pair", has_text="N-700-1").filter(has_text="C-002-P1").count() == 0
    proposed.get_by_role("button", name="Confirm merge").click()
    page.wait_for_load_state()
    assert "four eyes" in page.get_by_role("alert").inner_text()
