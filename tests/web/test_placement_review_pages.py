"""The placement review and the liaison's portal as pages: filtered and paged, a summary of
who was left unplaced and why, many accepted at once, back to the row acted on; a form
mistake (an unknown locality, a refusal without reason) is answered next to its field with
what was typed kept, never a full-page error."""

from __future__ import annotations

from typing import Any

from placement_world import READY_NAMES
from web_world import World


def started(world: World) -> str:
    answer = world.login("placement").post("/api/placements", json={"label": "week 1"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["run_id"])


def run_of(world: World, run_id: str, **query: Any) -> dict[str, Any]:
    got = world.login("placement").get(f"/api/placements/{run_id}", params=query)
    assert got.status_code == 200, got.text
    return dict(got.json())


def test_the_review_is_filtered_paged_and_summarised(placement_world: World) -> None:
    run_id = started(placement_world)
    full = run_of(placement_world, run_id)
    summary = full["summary"]
    assert (summary["cases"], summary["placed"], summary["unplaced"]) == (3, 2, 1)
    assert summary["why_unplaced"] == [{"reason": "the places they may go to had no places "
                                                  "left", "cases": 1}]
    unplaced = run_of(placement_world, run_id, show="unplaced")
    assert unplaced["total"] == 1 and unplaced["cases"][0]["locality_id"] is None
    assert "would suit it better" in unplaced["cases"][0]["explanation"]
    paged = run_of(placement_world, run_id, offset=1, limit=1)
    assert paged["total"] == 3 and len(paged["cases"]) == 1
    berlin = run_of(placement_world, run_id, locality="DEU-BER")
    assert {c["locality_id"] for c in berlin["cases"]} == {"DEU-BER"}
    page = placement_world.login("placement").get(f"/placements/{run_id}?show=unplaced")
    assert page.status_code == 200
    assert page.text.count('class="case-row') == 1 and "1 left unplaced" in page.text
    assert "Tirana, Albania (full)" in page.text  # the chooser: names, country, room


def test_many_accepted_at_once_and_back_to_the_row(placement_world: World) -> None:
    run_id = started(placement_world)
    placed = [c["case_id"] for c in run_of(placement_world, run_id, show="placed")["cases"]]
    officer = placement_world.login("placement")
    answer = officer.post(f"/placements/{run_id}/accepted", follow_redirects=False,
                          data={"case_id": placed, "back": "show=undecided&offset=0"})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/placements/{run_id}?show=undecided&offset=0" \
        "&limit=50#cases-h"
    decided = run_of(placement_world, run_id, show="decided")["cases"]
    assert sorted(c["case_id"] for c in decided) == sorted(placed)
    assert all(c["decision"]["action"] == "accept" for c in decided)
    (left,) = run_of(placement_world, run_id, show="undecided")["cases"]
    refused = officer.post(f"/placements/{run_id}/accepted",
                           data={"case_id": [left["case_id"]]})
    assert refused.status_code == 422 and "left case" in refused.text  # nothing to accept
    one = officer.post(f"/placements/{run_id}/decisions", follow_redirects=False, data={
        "case_id": left["case_id"], "action": "override", "locality_id": "DEU-BER",
        "reason": "joins her sister", "confirm_overrun": "true", "back": "show=all"})
    assert one.status_code == 303
    assert one.headers["location"].endswith(f"#case-{left['case_id']}")


def test_an_unknown_locality_is_answered_next_to_the_field(placement_world: World) -> None:
    run_id = started(placement_world)
    case_id = sorted(READY_NAMES)[0]
    answer = placement_world.login("placement").post(f"/placements/{run_id}/decisions", data={
        "case_id": case_id, "action": "override", "locality_id": "NOWHERE",
        "reason": "سه خواهر در تیرانا"})
    assert answer.status_code == 422  # the run's page, not a 404
    assert f'id="err-locality_id-{case_id}"' in answer.text
    assert "there is no locality &#39;NOWHERE&#39;" in answer.text
    assert 'value="سه خواهر در تیرانا"' in answer.text  # the reason typed is kept
    assert '<option value="NOWHERE" selected>' in answer.text
    assert "<nav" in answer.text  # the navigation stays


def test_a_liaisons_refusal_without_reason_keeps_the_answer(placement_world: World) -> None:
    liaison = placement_world.login("liaison_alb")
    listing = liaison.get("/referrals")
    assert listing.status_code == 200
    assert '<option value="" selected>choose the answer</option>' in listing.text
    assert 'data-needs-reason="more_information not_considered refused split"' in listing.text
    referral = placement_world.referral_ids["C-001"]
    answer = liaison.post(f"/referrals/{referral}/decision",
                          data={"decision": "refused", "reason": " ", "back": "showing=waiting"})
    assert answer.status_code == 422
    assert '<option value="refused" selected>' in answer.text  # not reset to accepted
    assert f'id="e-r-{referral}"' in answer.text and "give the reason" in answer.text
    empty = liaison.post(f"/referrals/{referral}/decision", data={"reason": "x"})
    assert empty.status_code == 422 and "choose the host state&#39;s answer" in empty.text
    page = liaison.get(f"/referrals/{referral}")  # the dossier, with the answer form
    assert page.status_code == 200 and 'data-field="given_name_original"' in page.text
    sent = liaison.post(f"/referrals/{referral}/decision", follow_redirects=False, data={
        "decision": "more_information", "reason": "the medical report",
        "back": f"referral:{referral}"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/referrals/{referral}"
    waiting = liaison.get("/api/referrals", params={"showing": "waiting"}).json()
    assert [r["referral_id"] for r in waiting["items"]] == [referral]
    assert liaison.get("/api/referrals", params={"showing": "answered"}).json()["total"] == 0
