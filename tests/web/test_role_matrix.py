"""Roles x actions x records: 403/404 where the tables say so, and no field leaks anywhere.

Every role logs in; every (action, record) pair is tried through the API, the pages and the
export; the answer must match the authorization tables, and no marker of a hidden field
section may appear in any response body.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from registry_uploads import GOOD_CASES, GOOD_PERSONS, files
from web_world import MARKERS, USERS, WORLD_AGREEMENTS, World

from resettle.adapters.db.registry.store import get_case
from resettle.adapters.db.security.audit_store import list_audit
from resettle.core import RegistryBatch
from resettle.registry import RecordKind
from resettle.registry.export import write_records
from resettle.security.policy import GRANTS, Permission, Role, Scope, Section, visible_sections

# Which host states each sample case has been referred to (see web_world.build_world).
REFERRED = {"C-001": {"ALB"}, "C-002": {"DEU"}, "C-003": set()}
STATE = {Role.HOST_STATE_LIAISON: "ALB"}


def expected_read(role: Role, action: Permission, case_id: str) -> int:
    scope = GRANTS[role].get(action)
    if scope is None:
        return 403
    if scope is Scope.OWN_STATE and STATE.get(role) not in REFERRED[case_id]:
        return 404
    return 200


def hidden_markers(role: Role) -> list[str]:
    visible = visible_sections(role)
    return [m for section, markers in MARKERS.items() if section not in visible
            for m in markers]


@pytest.fixture(scope="module")
def clients(shared_world: World) -> Iterator[dict[Role, TestClient]]:
    yield {role: shared_world.login(username) for role, username in USERS.items()}


def assert_no_leak(role: Role, body: str) -> None:
    leaked = [m for m in hidden_markers(role) if m in body]
    assert leaked == [], f"{role} sees {leaked}"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("case_id", sorted(REFERRED))
def test_read_case_api_and_page(clients: dict[Role, TestClient], role: Role,
                                case_id: str) -> None:
    expected = expected_read(role, Permission.CASE_READ, case_id)
    api = clients[role].get(f"/api/cases/{case_id}")
    page = clients[role].get(f"/cases/{case_id}")
    assert api.status_code == expected
    assert page.status_code == expected
    for body in (api.text, page.text):
        assert_no_leak(role, body)
    if expected == 200:
        keys = set(api.json())
        for section, markers in MARKERS.items():
            if section in visible_sections(role) and case_id == "C-001" and \
                    section is not Section.RELATIVES:
                assert markers[0] in api.text, f"{role} should see {section}"
        assert ("members" in keys) == (Section.IDENTITY in visible_sections(role))


@pytest.mark.parametrize("role", list(Role))
def test_list_and_export(clients: dict[Role, TestClient], role: Role) -> None:
    listed = clients[role].get("/api/cases", params={"limit": 100})
    assert listed.status_code == (200 if Permission.CASE_LIST in GRANTS[role] else 403)
    assert_no_leak(role, listed.text)
    exported = clients[role].get("/api/export/cases.csv")
    assert exported.status_code == (200 if Permission.CASE_EXPORT in GRANTS[role] else 403)
    assert_no_leak(role, exported.text)
    for note in ("NOTE-SECRET",):
        assert note not in exported.text  # notes are never exported
    page = clients[role].get("/cases", params={"q": "Shirin"})
    assert_no_leak(role, page.text)


@pytest.mark.parametrize("role", list(Role))
def test_list_and_single_record_checks_agree(clients: dict[Role, TestClient],
                                             role: Role) -> None:
    """Parity: a case is in the role's list exactly when the role may open it."""
    if Permission.CASE_LIST not in GRANTS[role]:
        pytest.skip("this role lists no case")
    listed = {c["case_id"] for c in clients[role].get("/api/cases").json()["items"]}
    openable = {c for c in REFERRED if clients[role].get(f"/api/cases/{c}").status_code == 200}
    assert listed == openable
    found = {c["case_id"] for c in clients[role].get(
        "/api/cases", params={"q": "a"}).json()["items"]}
    assert found <= openable


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    ("action", "method", "path", "body"),
    [
        (Permission.NOTE_WRITE, "post", "/api/cases/C-003/notes",
         {"section": "confidential", "text": "matrix"}),
        (Permission.REFERRAL_CREATE, "post", "/api/cases/C-003/referrals", {"country": "ALB"}),
        (Permission.REFERRAL_READ, "get", "/api/referrals/1", None),  # C-001 to ALB
        (Permission.REFERRAL_DECIDE, "post", "/api/referrals/1/decision",
         {"decision": "more_information", "reason": "matrix"}),
        (Permission.REFERRAL_WITHDRAW, "post", "/api/referrals/1/withdrawal", {"reason": "matrix"}),
        (Permission.REFERRAL_SPLIT, "post", "/api/referrals/1/split",
         {"split": False, "reason": "matrix"}),
        (Permission.AUDIT_VIEW, "get", "/api/audit", None),
        (Permission.DASHBOARD_VIEW, "get", "/api/dashboard", None),
        (Permission.REFERRAL_LIST, "get", "/api/referrals", None),
        (Permission.EXCLUSION_DECIDE, "get", "/api/cases/C-003/exclusion-reviews", None),
        (Permission.EXCLUSION_DECIDE, "post", "/api/cases/C-003/exclusion-reviews",
         {"person_id": "C-003-P1", "triggers": ["role:commander"], "reason": "matrix"}),
        (Permission.USER_MANAGE, "get", "/api/users", None),
        (Permission.USER_MANAGE, "post", "/api/users", {"username": "matrix", "role": "auditor"}),
        (Permission.USER_MANAGE, "post", "/api/users/auditor/disable", None),
        (Permission.USER_MANAGE, "post", "/api/users/auditor/reset", None),
        (Permission.DEPARTURE_VIEW, "get", "/api/departures/flights", None),
        (Permission.DEPARTURE_PLAN, "post", "/api/departures/plan", {"dry_run": True}),
        (Permission.DEPARTURE_PLAN, "post", "/api/departures/caps",
         {"country": "ALB", "day": "2016-07-20", "persons": 160}),
    ],
)
def test_actions(world: World, role: Role, action: Permission, *, method: str, path: str,
                 body: dict[str, Any] | None) -> None:
    client = world.login(USERS[role])
    answer = client.request(method.upper(), path, json=body)
    if action not in GRANTS[role]:
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "permission_denied"
        return
    if action is Permission.NOTE_WRITE and Section.CONFIDENTIAL not in visible_sections(role):
        assert answer.status_code == 403  # may write notes, but not in this section
        return
    if action in REFUSED_BY_THE_STAGE:  # authorized; the stage's rule answers
        assert answer.json()["error"]["code"] == REFUSED_BY_THE_STAGE[action], answer.text
        return
    assert answer.status_code in (200, 201), answer.text
    if role is Role.HOST_STATE_LIAISON and action is Permission.REFERRAL_READ:
        assert_only_dossier(answer.json())  # its agreement's fields, not the role's sections
        return
    assert_no_leak(role, answer.text)


def assert_only_dossier(body: dict[str, Any]) -> None:
    """A liaison's referral: the dossier of ALB's agreement in force, and no case view."""
    assert "case" not in body
    dossier = body["dossier"]
    allowed = WORLD_AGREEMENTS.in_force("ALB", date.today()).fields
    assert set(dossier["case"]) <= allowed
    assert all(set(member) <= allowed for member in dossier["members"])
    assert "SECRET" not in json.dumps(body)  # notes of any section are never shared


# Granted, then refused by the stage itself: C-003 is not ready for referral, referral 1
# holds no split decision.
REFUSED_BY_THE_STAGE = {Permission.REFERRAL_CREATE: "illegal_transition",
                        Permission.REFERRAL_SPLIT: "conflict"}


PAGES = [(Permission.USER_MANAGE, "/users"), (Permission.REGISTRY_IMPORT, "/registry/import"),
         (Permission.AUDIT_VIEW, "/audit"), (Permission.PLACEMENT_VIEW, "/placements"),
         (Permission.REPORT_VIEW, "/reports"), (Permission.CASE_REGISTER, "/registry/register"),
         (Permission.DEPARTURE_VIEW, "/departures"), (Permission.ARRIVAL_REPORT, "/arrivals"),
         (Permission.FORECAST_VIEW, "/forecast")]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("action", "path"), PAGES)
def test_pages_and_their_links_follow_the_grants(clients: dict[Role, TestClient], role: Role,
                                                 action: Permission, path: str) -> None:
    granted = action in GRANTS[role]
    answer = clients[role].get(path)
    assert answer.status_code == (200 if granted else 403)
    assert_no_leak(role, answer.text)
    landing = clients[role].get("/")  # the dashboard, or a liaison's referrals
    assert landing.status_code == 200
    assert (f'href="{path}"' in landing.text.split("</nav>")[0]) == granted


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("action", "path", "upload"), [
    (Permission.REGISTRY_IMPORT, "/api/registry/import", True),
    (Permission.REGISTRY_IMPORT, "/registry/import", True),
    (Permission.USER_MANAGE, "/users", False),
    (Permission.USER_MANAGE, "/users/auditor/reset", False),
    (Permission.USER_MANAGE, "/users/auditor/disable", False),
])
def test_form_changes_follow_the_grants(world: World, role: Role, action: Permission, path: str,
                                        *, upload: bool) -> None:
    client = world.login(USERS[role])
    form = {"csrf_token": world.sessions[USERS[role]][1], "username": "matrix",
            "role": "auditor"}
    sent = files(GOOD_PERSONS, GOOD_CASES) if upload else None
    answer = client.post(path, data=form, files=sent, follow_redirects=False)
    if action not in GRANTS[role]:
        assert answer.status_code == 403
        with world.config.sessions() as session:
            entries, _ = list_audit(session, actor=USERS[role])
            assert [e.event.outcome for e in entries] == ["denied"]
        return
    assert answer.status_code in (200, 201, 303), answer.text


def test_liaison_decides_only_own_state_referrals(world: World) -> None:
    alb = world.login("liaison_alb")
    other = world.referral_ids["C-002"]  # referred to DEU
    refused = alb.post(f"/api/referrals/{other}/decision", json={"decision": "accepted"})
    assert refused.status_code == 404
    mine = world.referral_ids["C-001"]
    assert alb.post(f"/api/referrals/{mine}/decision",
                    json={"decision": "refused"}).status_code == 422  # a reason is needed
    accepted = alb.post(f"/api/referrals/{mine}/decision", json={"decision": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"
    listed = alb.get("/api/referrals").json()["items"]
    assert [r["case_id"] for r in listed] == ["C-001"]
    assert world.login("liaison_deu").get(f"/api/referrals/{mine}").status_code == 404


# Security findings of issue 18 that are a question of who sees what.
EXCLUSION_REASON = "armed-wing EXCL-REASON-SECRET declared at interview"
EXCLUSION_TRIGGER = "armed_unit:EXCL-TRIGGER-SECRET"


def test_exclusion_reasons_and_triggers_stay_in_the_exclusion_section(world: World) -> None:
    """Finding 1: the history showed an Article 1F review's reason and triggers to roles
    without the exclusion section (API and page)."""
    reviewer = world.login(USERS[Role.EXCLUSION_REVIEWER])
    opened = reviewer.post("/api/cases/C-003/exclusion-reviews", json={
        "person_id": "C-003-P1", "triggers": [EXCLUSION_TRIGGER], "reason": EXCLUSION_REASON})
    assert opened.status_code == 201, opened.text
    for role, username in USERS.items():
        client = world.login(username)
        for path in ("/api/cases/C-003", "/cases/C-003"):
            body = client.get(path).text
            if Section.EXCLUSION not in visible_sections(role):
                assert "EXCL-REASON-SECRET" not in body, (role, path)
                assert "EXCL-TRIGGER-SECRET" not in body, (role, path)
                assert "open_exclusion_review" not in body, (role, path)
    history = reviewer.get("/api/cases/C-003").json()["history"]
    assert any(e["reason"] == EXCLUSION_REASON for e in history)


@pytest.mark.parametrize("role", list(Role))
def test_categories_and_services_follow_their_sections(clients: dict[Role, TestClient],
                                                       role: Role) -> None:
    """Finding 2: C-001's MEDICAL category and its dialysis service (from a sealed diagnosis)
    showed to every role, and every role could list the cases of a sensitive category."""
    sees_medical = Section.MEDICAL in visible_sections(role)
    client = clients[role]
    if expected_read(role, Permission.CASE_READ, "C-001") == 200:
        api, page = client.get("/api/cases/C-001").text, client.get("/cases/C-001").text
        assert ("MEDICAL" in api) == sees_medical, role
        assert ("Medical needs" in page) == sees_medical, role  # the page speaks words
        for body in (api, page):
            assert ("dialysis" in body.lower()) == sees_medical, role  # "Dialysis" on the page
    if Permission.CASE_LIST in GRANTS[role]:
        listed = client.get("/api/cases")
        assert ("MEDICAL" in listed.text) == sees_medical
        filtered = client.get("/api/cases", params={"category": "MEDICAL"})
        assert filtered.status_code == (200 if sees_medical else 403), role
        violence = client.get("/api/cases",
                              params={"category": "SURVIVOR_VIOLENCE_TORTURE"})
        assert violence.status_code == (
            200 if Section.VIOLENCE in visible_sections(role) else 403), role
        plain = client.get("/api/cases", params={"category": "LEGAL_PHYSICAL"})
        assert plain.status_code == 200
    if Permission.CASE_EXPORT in GRANTS[role]:
        exported = client.get("/api/export/cases.csv").text
        assert ("dialysis" in exported) == sees_medical
        assert ("MEDICAL" in exported) == sees_medical


def _visible_persons_file(world: World, tmp_path: Path, *, with_hidden: bool = False) -> str:
    """C-001's persons as a registration officer knows them: the stored record exported,
    without the columns of the sections that role does not see."""
    with world.config.sessions() as session:
        case = get_case(session, case_id="C-001")
    path = tmp_path / "persons.csv"
    write_records(path, RecordKind.PERSONS, RegistryBatch(cases=(case,)))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    for row in rows:
        if not with_hidden:
            del row["medical_conditions"], row["profiles"]
            row["specific_needs"] = "older_person"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_an_import_writes_only_the_sections_its_user_may_write(world: World,
                                                                tmp_path: Path) -> None:
    """Finding 3: a registration officer's re-import erased the medical conditions, the
    torture-survivor need and the former_combatant profile it cannot see; the counts told
    whether hidden values differed; the audit entry named no case."""
    registrar = world.login(USERS[Role.REGISTRATION_OFFICER])
    persons = _visible_persons_file(world, tmp_path)
    answer = registrar.post("/api/registry/import", files=[
        ("files", ("persons.csv", persons.encode(), "text/csv"))])
    assert answer.status_code == 200, answer.text
    assert answer.json()["updated"] == 0  # nothing it sees changed; nothing else compared
    renamed = persons.replace("Shirin", "Shirine")
    answer = registrar.post("/api/registry/import", files=[
        ("files", ("persons.csv", renamed.encode(), "text/csv"))])
    assert answer.status_code == 200 and answer.json()["updated"] == 2  # person and case
    with world.config.sessions() as session:
        stored = get_case(session, case_id="C-001").members[0]
        entries, _ = list_audit(session, actor=USERS[Role.REGISTRATION_OFFICER],
                                action="registry.import")
    assert [c.name for c in stored.medical_conditions] == ["renal-MEDX"]
    assert stored.profiles == ("former_combatant",)
    assert set(stored.specific_needs) == {"survivor_of_torture", "older_person"}
    assert stored.given_name == "Shirine"
    assert "C-001" in " ".join(e.event.detail + " " + e.event.subject_id for e in entries)


def test_an_import_refuses_values_of_sections_its_user_cannot_write(world: World,
                                                                     tmp_path: Path) -> None:
    registrar = world.login(USERS[Role.REGISTRATION_OFFICER])
    persons = _visible_persons_file(world, tmp_path, with_hidden=True)
    answer = registrar.post("/api/registry/import", files=[
        ("files", ("persons.csv", persons.encode(), "text/csv"))])
    assert answer.status_code == 422
    assert {i["field"] for i in answer.json()["error"]["issues"]} == {
        "medical_conditions", "profiles", "specific_needs"}
    assert_no_leak(Role.REGISTRATION_OFFICER, answer.text)


@pytest.mark.parametrize("role", list(Role))
def test_referral_list_and_single_read_agree(clients: dict[Role, TestClient],
                                             role: Role) -> None:
    """Parity for referrals: listed exactly when readable, and no hidden field in either."""
    if Permission.REFERRAL_LIST not in GRANTS[role]:
        assert clients[role].get("/api/referrals").status_code == 403
        return
    listed = clients[role].get("/api/referrals")
    assert_no_leak(role, listed.text)
    ids = {r["referral_id"] for r in listed.json()["items"]}
    readable = {n for n in (1, 2) if clients[role].get(f"/api/referrals/{n}").status_code == 200}
    assert ids == readable
    expected = {1} if GRANTS[role][Permission.REFERRAL_LIST] is Scope.OWN_STATE else {1, 2}
    assert ids == expected


def test_liaison_404s_on_other_states_referrals_are_audited(world: World) -> None:
    alb = world.login("liaison_alb")
    other = world.referral_ids["C-002"]  # referred to DEU
    assert alb.get(f"/api/referrals/{other}").status_code == 404
    assert alb.get("/api/referrals/999").status_code == 404  # same answer: existence hidden
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="liaison_alb")
    denied = [(e.event.action, e.event.subject_id) for e in entries
              if e.event.outcome == "denied"]
    assert ("referral.read", str(other)) in denied and ("referral.read", "999") in denied


@pytest.mark.parametrize("ending", ["refused", "withdrawn"])
def test_a_state_that_refused_or_was_withdrawn_loses_access(world: World, ending: str) -> None:
    alb, mine = world.login("liaison_alb"), world.referral_ids["C-001"]
    assert alb.get(f"/api/referrals/{mine}").status_code == 200
    if ending == "refused":
        answer = alb.post(f"/api/referrals/{mine}/decision",
                          json={"decision": "refused", "reason": "security vetting"})
    else:
        answer = world.login("placement").post(f"/api/referrals/{mine}/withdrawal",
                                               json={"reason": "case needs review"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == ending
    for path in (f"/api/referrals/{mine}", f"/referrals/{mine}/dossier.html",
                 f"/referrals/{mine}/dossier.pdf"):
        assert alb.get(path).status_code == 404
    assert alb.get("/api/referrals").json()["items"] == []
    status = world.login("placement").get("/api/cases/C-001").json()["status"]
    assert status == "ready_for_referral"  # back to placement, never towards return


def test_a_withdrawn_case_is_seen_by_no_host_state(world: World) -> None:
    """The applicant withdrew from resettlement while referred: the state loses access too."""
    alb = world.login("liaison_alb")
    step = world.login("protection").post("/api/cases/C-001/steps", json={
        "step": "withdraw", "reason": "applicant withdrew from resettlement"})
    assert step.status_code == 200, step.text
    assert alb.get(f"/api/referrals/{world.referral_ids['C-001']}").status_code == 404
    assert alb.get(f"/referrals/{world.referral_ids['C-001']}/dossier.html").status_code == 404
    assert alb.get("/api/referrals").json()["items"] == []
