"""Casework in the browser's pages and the API (issue 19): interviews and consent per adult,
decisions with reasons, priority, categories, no-return, relatives, statements, split, merge
and the due list — through the screening services, offered only when they would be taken,
refusals on the case page with what was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from casework_world import CHILD, FAMILY, FATHER, MOTHER, with_family
from fastapi.testclient import TestClient
from sqlalchemy import text
from web_world import World, build_world

from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security.audit_store import list_audit
from resettle.screening import service


@pytest.fixture
def family(world: World) -> World:
    return with_family(world)


def step_select(page: str) -> list[str]:
    """The options of the 'Next step' form (steps offered now)."""
    form = page.split('id="step"', 1)[1].split("</form>", 1)[0] if 'id="step"' in page else ""
    return re.findall(r'<option value="([a-z_]+)"', form)


def to_interviews(client: TestClient) -> None:
    for step in ("assess_needs", "schedule_interview"):
        answer = client.post(f"/api/cases/{FAMILY}/steps", json={"step": step, "reason": "x"})
        assert answer.status_code == 200, answer.text


def waiting_of(page: str) -> str:
    """The 'Not possible yet' list (empty when there is none)."""
    return page.split('id="waiting"', 1)[1].split("</section>", 1)[0] if 'id="waiting"' in page \
        else ""


def interview(client: TestClient, person_id: str, *present: str) -> int:
    return client.post(f"/cases/{FAMILY}/interviews", data={
        "person_id": person_id, "language": "fas", "present": list(present),
        "notes": "heard"}, follow_redirects=False).status_code


def test_complete_interviews_is_offered_only_once_every_adult_was_heard(family: World) -> None:
    protection = family.login("protection")
    to_interviews(protection)
    page = protection.get(f"/cases/{FAMILY}").text
    assert "complete_interviews" not in step_select(page)
    waiting = waiting_of(page)
    assert "Complete the interviews" in waiting and MOTHER in waiting and FATHER in waiting
    assert CHILD not in waiting  # a child is not interviewed
    assert page.count("not yet heard") >= 2
    assert interview(protection, MOTHER, "interpreter") == 303
    assert interview(protection, FATHER, "case_member") == 303  # with the group present
    page = protection.get(f"/cases/{FAMILY}").text
    assert "complete_interviews" not in step_select(page)
    assert "hear again in private" in page
    assert FATHER in waiting_of(page) and MOTHER not in waiting_of(page)
    assert interview(protection, FATHER) == 303
    page = protection.get(f"/cases/{FAMILY}").text
    assert "complete_interviews" in step_select(page)
    assert "Complete the interviews" not in waiting_of(page)
    api = protection.get(f"/api/cases/{FAMILY}/screening").json()
    assert {a["person_id"]: a["heard"] for a in api["adults"]} == {
        MOTHER: "heard", FATHER: "heard"}
    assert "complete_interviews" in api["ready"]


def test_a_protection_officer_takes_a_case_to_ready_for_referral(family: World) -> None:
    walk_to_ready(family)


def walk_to_ready(family: World) -> None:
    protection, registrar = family.login("protection"), family.login("registrar")
    to_interviews(protection)
    base = f"/api/cases/{FAMILY}"
    for adult in (MOTHER, FATHER):
        heard = protection.post(f"{base}/interviews", json={
            "person_id": adult, "language": "fas", "others_present": ["interpreter"]})
        assert heard.status_code == 201, heard.text
    for step in ("complete_interviews", "assess_claim"):
        assert protection.post(f"{base}/steps", json={"step": step, "reason": "x"}
                               ).status_code == 200
    decided = protection.post(f"{base}/decision", json={
        "decision": "recognize", "reason": "well-founded fear; credible account"})
    assert decided.status_code == 200 and decided.json()["status"] == "recognized"
    refused = registrar.post(f"{base}/decision", json={"decision": "reject", "reason": "x"})
    assert refused.status_code == 403  # a registration officer records no status decision
    assert protection.post(f"{base}/categories", json={
        "primary": "LEGAL_PHYSICAL", "secondary": "FAMILY_UNITY", "reason": "x"}
    ).status_code == 200
    assert protection.post(f"{base}/priority", json={"priority": "urgent", "reason": "x"}
                           ).json()["status"] == "recognized"
    assert protection.post(f"{base}/steps", json={"step": "draft_submission",
                                                  "reason": "x"}).status_code == 200
    own = protection.post(f"{base}/steps", json={"step": "recommend", "reason": "x"})
    assert own.status_code == 403  # four eyes: the drafter does not recommend
    for adult in (MOTHER, FATHER):
        assert protection.post(f"{base}/consents", json={"person_id": adult}
                               ).status_code == 201
    ready = registrar.post(f"{base}/steps", json={"step": "recommend", "reason": "agreed"})
    assert ready.status_code == 200 and ready.json()["status"] == "ready_for_referral"
    standing = protection.get(f"{base}/screening").json()
    assert {a["consent"] for a in standing["adults"]} == {"given"}
    with family.config.sessions() as session:
        case = SqlScreeningStore(session).get_case(FAMILY)
        history = service.case_history(SqlScreeningStore(session), FAMILY)
    assert str(case.processing_priority) == "urgent"
    assert any(e.action == "recognize" and "well-founded" in e.reason for e in history)


def test_a_withdrawn_consent_shows_on_the_case(family: World) -> None:
    protection = family.login("protection")
    assert protection.post(f"/cases/{FAMILY}/consents", data={
        "person_id": MOTHER, "given": "yes", "private": "true"},
        follow_redirects=False).status_code == 303
    assert protection.post(f"/cases/{FAMILY}/consents", data={
        "person_id": FATHER, "given": "no", "private": "true", "note": "changed his mind"},
        follow_redirects=False).status_code == 303
    page = protection.get(f"/cases/{FAMILY}").text
    table = page.split('id="adults"')[1].split("</table>")[0]
    assert "consented" in table and "withdrew consent" in table


def test_a_form_error_keeps_what_was_typed_next_to_the_field(family: World) -> None:
    protection = family.login("protection")
    answer = protection.post(f"/cases/{FAMILY}/categories", data={
        "primary": "LEGAL_PHYSICAL", "secondary": "LEGAL_PHYSICAL",
        "reason": "typed reason kept ٍیک"})
    assert answer.status_code == 422
    form = answer.text.split('id="categories"')[1].split("</form>")[0]
    assert 'value="typed reason kept ٍیک"' in form
    assert 'aria-describedby="categories-secondary-error"' in form
    assert 'id="categories-secondary-error"' in form and "autofocus" in form
    assert "must differ" in form
    empty = protection.post(f"/cases/{FAMILY}/relatives", data={
        "person_id": MOTHER, "name": "", "relation": "brother", "country": "DEU"})
    assert empty.status_code == 422 and "<html" in empty.text and 'id="relative"' in empty.text
    relative = empty.text.split('id="relative"')[1].split("</form>")[0]
    assert 'value="brother"' in relative and 'id="relative-name-error"' in relative


def test_an_exclusion_assessment_keeps_its_text_after_a_refusal(world: World) -> None:
    reviewer = world.login("exclusion")
    reviewer.post("/cases/C-003/exclusion-reviews", data={
        "person_id": "C-003-P1", "triggers": "role:commander", "reason": "named in a report"})
    page = reviewer.get("/cases/C-003").text
    review_id = page.split('id="review-')[1].split('"')[0]
    answer = reviewer.post(f"/cases/C-003/exclusion-reviews/{review_id}/assessment", data={
        "recommendation": "exclude", "acts": "ordered the shelling of the market, 2009",
        "defences": "duress considered and rejected"})
    assert answer.status_code == 422
    form = answer.text.split(f'id="assess-{review_id}"')[1].split("</form>")[0]
    assert "ordered the shelling of the market, 2009</textarea>" in form
    assert "duress considered and rejected</textarea>" in form
    assert 'value="exclude" selected' in form
    assert 'aria-invalid="true"' in form


def test_no_return_relatives_and_a_confidential_statement(family: World) -> None:
    protection = family.login("protection")
    base = f"/api/cases/{FAMILY}"
    declared = protection.post(f"{base}/no-return", json={
        "person_id": FATHER, "country": "irq", "reason": "STATEMENT-OF-FEAR"})
    assert declared.status_code == 201, declared.text
    assert "IRQ" in protection.get(f"{base}/screening").json()["no_return"]
    assert "Iraq" in protection.get(f"/cases/{FAMILY}").text.split('id="never-to"')[1][:60]
    assert family.login("placement").get(f"{base}/screening").json()["no_return"] is None
    wrong = protection.post(f"{base}/no-return", json={
        "person_id": FATHER, "country": "XXX", "reason": "x"})
    assert wrong.status_code == 422 and wrong.json()["error"]["issues"][0]["field"] == "country"
    assert protection.post(f"{base}/relatives", json={
        "person_id": MOTHER, "name": "Karim Rahimi", "relation": "brother",
        "country": "DEU", "contact_established": True}).status_code == 201
    said = protection.post(f"{base}/statements", json={
        "person_id": MOTHER, "text": "CONF-STATEMENT-TEXT"})
    assert said.status_code == 201 and "CONF-STATEMENT-TEXT" not in said.text
    for user in ("protection", "registrar", "exclusion", "placement", "auditor"):
        client = family.login(user)
        for path in (f"/api/cases/{FAMILY}", f"/cases/{FAMILY}"):
            body = client.get(path).text
            assert "CONF-STATEMENT-TEXT" not in body
            assert "STATEMENT-OF-FEAR" not in body or user == "protection"
    own = protection.get(f"{base}/members/{MOTHER}/statements").json()["items"]
    assert [s["text"] for s in own] == ["CONF-STATEMENT-TEXT"]
    assert protection.get(f"{base}/members/{FATHER}/statements").json()["items"] == []
    assert family.login("registrar").get(
        f"{base}/members/{MOTHER}/statements").status_code == 403
    with family.config.sessions() as session:
        entries, _ = list_audit(session, actor="protection", action="statement.read")
    assert entries and all("CONF" not in e.event.detail for e in entries)


def test_split_and_merge(family: World) -> None:
    split_and_merge(family)


def split_and_merge(family: World) -> None:
    registrar = family.login("registrar")
    base = f"/api/cases/{FAMILY}"
    split = registrar.post(f"{base}/split", json={
        "members": [FATHER], "new_principal": FATHER, "reason": "wants another country"})
    assert split.status_code == 201, split.text
    new_case = split.json()["new"]["case_id"]
    assert split.json()["source"]["size"] == 2 and split.json()["new"]["size"] == 1
    merged = registrar.post(f"{base}/merge", json={
        "source_case_id": new_case, "relationship": "spouse", "reason": "reunited"})
    assert merged.status_code == 200, merged.text
    assert merged.json()["size"] == 3
    assert registrar.get(f"/api/cases/{new_case}").json()["status"] == "closed"
    page = registrar.post(f"/cases/{FAMILY}/split", data={
        "members": [CHILD], "new_principal": MOTHER, "reason": "typed split reason"})
    assert page.status_code in (409, 422)  # the principal named is not moving
    assert 'value="typed split reason"' in page.text


def test_the_due_list_agrees_with_the_service(world: World) -> None:
    registrar = world.login("registrar")
    answer = registrar.get("/api/due", params={"today": "2012-09-01", "within": 60})
    assert answer.status_code == 200, answer.text
    with world.config.sessions() as session:
        expected = service.list_due(SqlScreeningStore(session),
                                    __import__("datetime").date(2012, 9, 1), 60)
    body = answer.json()
    assert [d["case_id"] for d in body["overdue"]] == [d.case_id for d in expected.overdue]
    assert [d["case_id"] for d in body["due_soon"]] == [d.case_id for d in expected.due_soon]
    assert body["overdue_total"] + body["due_soon_total"] > 0
    page = registrar.get("/due", params={"today": "2012-09-01", "within": 60})
    assert page.status_code == 200
    for d in (*expected.overdue, *expected.due_soon):
        assert d.case_id in page.text
    assert world.login("liaison_alb").get("/api/due").status_code == 403


def test_roles_are_offered_only_their_forms(family: World) -> None:
    pages = {user: family.login(user).get(f"/cases/{FAMILY}").text
             for user in ("protection", "registrar", "auditor", "placement")}
    assert 'id="interview"' in pages["protection"] and 'id="consent"' in pages["protection"]
    assert 'id="statement"' in pages["protection"] and 'id="no-return"' in pages["protection"]
    assert 'id="interview"' not in pages["registrar"]
    assert 'id="split"' in pages["registrar"] and 'id="priority"' not in pages["registrar"]
    for user in ("auditor", "placement"):
        for form in ("interview", "consent", "decision", "step", "priority", "categories",
                     "no-return", "relative", "statement", "split", "merge"):
            assert f'id="{form}"' not in pages[user], (user, form)
    refused = family.login("registrar").post(f"/cases/{FAMILY}/interviews",
                                            data={"person_id": MOTHER})
    assert refused.status_code == 403


@pytest.fixture
def db_family(database_url: str) -> Iterator[World]:
    """The web world built on each configured database (PostgreSQL when
    RESETTLE_TEST_DATABASE_URL is set), with the family case."""
    world = build_world(database_url)
    yield with_family(world)
    world.config.engine.dispose()


def test_casework_on_each_database(db_family: World) -> None:
    walk_to_ready(db_family)
    split_and_merge(db_family)
    due = db_family.login("registrar").get("/api/due", params={"today": "2013-05-15"})
    assert due.status_code == 200 and due.json()["overdue_total"] >= 1


def test_an_attachment_is_sealed_and_shown_like_a_note(world: World) -> None:
    protection = world.login("protection")
    report = b"%PDF-1.4 MEDICAL-REPORT-BYTES renal failure, dialysis 3x weekly"
    sent = protection.post("/cases/C-003/attachments", data={"section": "medical"},
                           files={"file": ("report.pdf", report, "application/pdf")},
                           follow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = protection.get("/cases/C-003").text
    link = page.split('/cases/C-003/attachments/')[1].split('"')[0]
    got = protection.get(f"/cases/C-003/attachments/{link}")
    assert got.status_code == 200 and got.content == report
    assert got.headers["content-disposition"].startswith("attachment")
    with world.config.sessions() as session:
        stored = session.execute(text("select data_enc, filename from case_attachments")).one()
        entries, _ = list_audit(session, actor="protection", subject_id="C-003")
    assert b"MEDICAL-REPORT" not in stored[0].encode() and "TUVESUNBTC1SRVBPUlQ" not in stored[0]
    assert {"attachment.add", "attachment.read"} <= {e.event.action for e in entries}
    for user in ("registrar", "exclusion", "auditor"):  # they do not see the medical section
        client = world.login(user)
        assert "report.pdf" not in client.get("/cases/C-003").text
        assert client.get(f"/cases/C-003/attachments/{link}").status_code == 404
        assert client.get(f"/api/cases/C-003/attachments/{link}").status_code == 404
    listed = protection.get("/api/cases/C-003/attachments").json()["items"]
    assert [a["filename"] for a in listed] == ["report.pdf"]
    empty = protection.post("/cases/C-003/attachments", data={"section": "medical"})
    assert empty.status_code == 422 and 'id="attachment-file-error"' in empty.text
    assert world.login("registrar").post(
        "/api/cases/C-003/attachments", data={"section": "medical"},
        files={"file": ("x.txt", b"x", "text/plain")}).status_code == 403


def test_no_step_is_taken_by_default(family: World) -> None:
    protection = family.login("protection")
    page = protection.get(f"/cases/{FAMILY}").text
    assert '<select id="step-choice" name="step"><option value="">' in page
    answer = protection.post(f"/cases/{FAMILY}/steps", data={"reason": "typed, no step"})
    assert answer.status_code == 422 and 'id="step-step-error"' in answer.text
    assert 'value="typed, no step"' in answer.text
    assert protection.get(f"/api/cases/{FAMILY}").json()["status"] == "registered"
