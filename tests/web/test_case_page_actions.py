"""Actions on the case page through the test client: exclusion review with four eyes, refusals
shown on the page itself (nothing written, the refusal audited), and the audit page's
hash-chain status."""

from __future__ import annotations

from sqlalchemy import text
from web_world import World

from resettle.adapters.db.security.audit_store import list_audit


def reviews_in_db(world: World) -> list[tuple[str, str]]:
    with world.config.sessions() as session:
        rows = session.execute(text("select state, person_id from exclusion_reviews"))
        return [(str(r[0]), str(r[1])) for r in rows]


def test_the_assessor_cannot_confirm_their_own_assessment(world: World) -> None:
    reviewer = world.login("exclusion")
    opened = reviewer.post("/cases/C-003/exclusion-reviews",
                           data={"person_id": "C-003-P1", "triggers": "role:commander",
                                 "reason": "named in a report"}, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"].split("#")[0] == "/cases/C-003"
    page = reviewer.get("/cases/C-003").text
    review_id = page.split('id="review-')[1].split('"')[0]
    assert "Record assessment" in page and "role:commander" in page
    base = f"/cases/C-003/exclusion-reviews/{review_id}"
    incomplete = reviewer.post(f"{base}/assessment", data={"recommendation": "exclude"})
    assert incomplete.status_code == 422 and 'role="alert"' in incomplete.text
    assert "membership alone never excludes" in incomplete.text  # every problem listed
    assert "proportionality" in incomplete.text and "Case C-003" in incomplete.text
    assert reviews_in_db(world) == [("open", "C-003-P1")]  # nothing written
    assessed = reviewer.post(f"{base}/assessment", data={"recommendation": "include"},
                             follow_redirects=False)
    assert assessed.status_code == 303
    own = reviewer.post(f"{base}/decision", data={"decision": "confirm", "reason": "agree"})
    assert own.status_code == 403
    assert "cannot also review it (four eyes)" in own.text and "Case C-003" in own.text
    assert reviews_in_db(world) == [("assessed", "C-003-P1")]
    with world.config.sessions() as session:
        denied, _ = list_audit(session, actor="exclusion", subject_id="C-003")
    assert any(e.event.outcome == "denied" and "decision" in e.event.action for e in denied)
    assert not any(e.event.action == "exclusion.review" for e in denied)


def test_roles_without_exclusion_details_see_no_review_and_may_not_open_one(
    world: World,
) -> None:
    protection = world.login("protection")
    assert "Exclusion reviews" not in protection.get("/cases/C-003").text
    refused = protection.post("/cases/C-003/exclusion-reviews",
                              data={"person_id": "C-003-P1", "triggers": "x", "reason": "y"})
    assert refused.status_code == 403 and reviews_in_db(world) == []


def test_an_illegal_step_is_explained_on_the_case_page(world: World) -> None:
    registrar = world.login("registrar")
    answer = registrar.post("/cases/C-003/steps", data={"step": "depart", "reason": "x"})
    assert answer.status_code == 409
    assert "Not done:" in answer.text and "allowed actions: assess_claim" in answer.text
    assert 'name="step"' in answer.text  # the form is there to try again


def test_audit_page_shows_whether_the_chain_verifies(world: World) -> None:
    world.login("registrar").get("/cases/C-001")
    auditor = world.login("auditor")
    page = auditor.get("/audit", params={"action": "case.read"})
    assert "Hash chain verified: the whole chain" in page.text
    assert "C-001" in page.text and "audit.view" not in page.text.split("<tbody>")[1]
    with world.config.sessions.begin() as session:
        session.execute(text("update audit_log set detail = 'edited' where seq = 1"))
    broken = auditor.get("/audit").text
    assert "Hash chain BROKEN" in broken and "edited_entry" in broken


def test_a_refused_referral_answer_is_explained_on_the_referrals_page(world: World) -> None:
    liaison = world.login("liaison_alb")
    referral = world.referral_ids["C-001"]
    answer = liaison.post(f"/referrals/{referral}/decision",
                          data={"decision": "refused", "reason": ""})
    assert answer.status_code == 422
    assert "Not done:" in answer.text and "Referrals to ALB" in answer.text
    assert "waiting for the host state" in answer.text  # nothing recorded; form to retry
    with world.config.sessions() as session:
        refused, _ = list_audit(session, actor="liaison_alb", subject_id=str(referral))
    assert [e.event.outcome for e in refused] == ["refused"]


def test_exclusion_review_through_the_api_keeps_four_eyes(world: World) -> None:
    reviewer = world.login("exclusion")
    base = "/api/cases/C-003/exclusion-reviews"
    opened = reviewer.post(base, json={"person_id": "C-003-P1", "triggers": ["event:x"],
                                       "reason": "named in a report"})
    assert opened.status_code == 201, opened.text
    review_id = opened.json()["review_id"]
    incomplete = reviewer.post(f"{base}/{review_id}/assessment",
                               json={"recommendation": "exclude"})
    assert incomplete.status_code == 422
    assert {i["field"] for i in incomplete.json()["error"]["issues"]} >= {
        "acts", "clause", "defences", "proportionality"}
    assessed = reviewer.post(f"{base}/{review_id}/assessment",
                             json={"recommendation": "include"})
    assert assessed.json()["state"] == "assessed"
    assert assessed.json()["assessment"]["assessor"] == "exclusion"
    own = reviewer.post(f"{base}/{review_id}/decision",
                        json={"decision": "confirm", "reason": "agree"})
    assert own.status_code == 403 and "four eyes" in own.json()["error"]["message"]
    listed = reviewer.get(base).json()["items"]
    assert [r["state"] for r in listed] == ["assessed"]
    elsewhere = reviewer.post(f"/api/cases/C-001/exclusion-reviews/{review_id}/decision",
                              json={"decision": "confirm", "reason": "x"})
    assert elsewhere.status_code == 404  # a review is decided only on its own case
