"""Registering a case, adding a member and editing a person from a form or the API (#19):
the import's own reading and checks, what was typed kept on a refusal, sections the role does
not see never written nor shown."""

from __future__ import annotations

from web_world import World

from resettle.adapters.db.registry.store import get_case
from resettle.adapters.db.security.audit_store import list_audit

PRINCIPAL = {"p_person_id": "C-009-P1", "p_given_name": "Parisa", "p_family_name": "Nouri",
             "p_given_name_original": "پریسا", "p_family_name_original": "نوری",
             "p_sex": "F", "p_birth_date": "1984-02-03", "p_nationality": "IRN",
             "p_relationship": "principal", "p_languages": "fas:native"}


def test_a_registrar_registers_a_case_and_its_principal(world: World) -> None:
    registrar = world.login("registrar")
    form = registrar.get("/registry/register")
    assert form.status_code == 200 and 'name="p_given_name"' in form.text
    assert 'name="p_medical_conditions"' not in form.text  # a section it does not see
    assert 'name="c_status"' not in form.text  # set by the workflow only
    sent = registrar.post("/registry/register", data={
        "c_case_id": "C-009", "c_processing_priority": "urgent",
        "c_registered_on": "2013-05-01", **PRINCIPAL}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/cases/C-009"
    with world.config.sessions() as session:
        case = get_case(session, case_id="C-009")
        entries, _ = list_audit(session, actor="registrar", action="registry.import")
    assert case.status == "registered" and case.members[0].given_name_original == "پریسا"
    assert "C-009" in " ".join(e.event.detail for e in entries)
    assert "Parisa" not in " ".join(e.event.detail for e in entries)


def test_a_wrong_value_comes_back_next_to_its_field_with_the_text(world: World) -> None:
    registrar = world.login("registrar")
    answer = registrar.post("/registry/register", data={
        "c_case_id": "C-010", **PRINCIPAL, "p_person_id": "C-010-P1",
        "p_birth_date": "1984-13-45", "p_nationality": "XXX",
        "p_occupation": "تعمیرکار یخچال"})
    assert answer.status_code == 422
    assert 'value="تعمیرکار یخچال"' in answer.text
    assert 'id="e-p_birth_date"' in answer.text and 'id="e-p_nationality"' in answer.text
    assert 'aria-invalid="true" autofocus' in answer.text.split('name="p_birth_date"')[1][:200]
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="registrar", action="registry.import")
    assert [e.event.outcome for e in entries] == ["invalid"]


def test_add_a_member_and_edit_a_person_keeps_what_the_role_cannot_see(world: World) -> None:
    registrar = world.login("registrar")
    added = registrar.post("/cases/C-003/members", data={
        "p_person_id": "C-003-P2", "p_given_name": "Nima", "p_family_name": "Hosseini",
        "p_sex": "M", "p_birth_date": "2005", "p_nationality": "IRN",
        "p_relationship": "child"}, follow_redirects=False)
    assert added.status_code == 303, added.text
    form = registrar.get("/cases/C-001/members/C-001-P1/edit")
    assert form.status_code == 200
    assert 'value="Shirin"' in form.text
    assert "renal-MEDX" not in form.text and "survivor_of_torture" not in form.text
    assert "former_combatant" not in form.text
    cells = {"p_given_name": "Shirine", "p_family_name": "Karimi", "p_sex": "F",
             "p_birth_date": "1971-03-21", "p_nationality": "IRN",
             "p_relationship": "principal", "p_specific_needs": "older_person"}
    edited = registrar.post("/cases/C-001/members/C-001-P1/edit", data=cells,
                            follow_redirects=False)
    assert edited.status_code == 303, edited.text
    with world.config.sessions() as session:
        stored = get_case(session, case_id="C-001").members[0]
        grown = get_case(session, case_id="C-003")
    assert stored.given_name == "Shirine"
    assert [c.name for c in stored.medical_conditions] == ["renal-MEDX"]
    assert stored.profiles == ("former_combatant",)
    assert set(stored.specific_needs) == {"survivor_of_torture", "older_person"}
    assert grown.size == 2


def test_the_api_registers_with_the_same_checks(world: World) -> None:
    registrar = world.login("registrar")
    person = {k.removeprefix("p_"): v for k, v in PRINCIPAL.items()} | {
        "person_id": "C-011-P1", "case_id": "C-011"}
    bad = registrar.post("/api/registry/records", json={
        "cases": [{"case_id": "C-011", "principal_id": "C-011-P1", "status": "recognized"}],
        "persons": [person]})
    assert bad.status_code == 422
    assert {i["code"] for i in bad.json()["error"]["issues"]} == {"status_not_imported"}
    good = registrar.post("/api/registry/records", json={
        "cases": [{"case_id": "C-011", "principal_id": "C-011-P1"}], "persons": [person]})
    assert good.status_code == 201, good.text
    assert good.json()["cases"] == ["C-011"] and good.json()["inserted"] >= 1
    hidden = registrar.post("/api/registry/records", json={
        "persons": [person | {"medical_conditions": "x|mild|"}]})
    assert hidden.status_code == 422
    assert world.login("protection").post("/api/registry/records", json={
        "persons": [person]}).status_code == 403
