"""The case list filtered by need: stored flags and birth dates give what Case.needs says, on
every configured database; the migration fills the flags of cases stored before it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.migrate import upgrade_database
from resettle.adapters.db.registry.store import list_cases, store_batch
from resettle.core import Case, Dimension, MedicalCondition, Person, RegistryBatch, Severity

ON = date(2013, 5, 15)


def _cases() -> list[Case]:
    def family(case_id: str, size: int, **first: object) -> Case:
        members = [make_person(f"{case_id}-P{i}", case_id, relationship="principal" if i == 0
                               else "child", **(first if i == 0 else {})) for i in range(size)]
        return make_case(case_id, members)

    child = make_case("SCHOOL", [make_person("SCHOOL-P0", "SCHOOL"),
                                 make_person("SCHOOL-P1", "SCHOOL", relationship="child",
                                             birth_date=date(2008, 5, 15))])  # 5 on ON
    almost = make_case("ALMOST", [make_person("ALMOST-P0", "ALMOST"),
                                  make_person("ALMOST-P1", "ALMOST", relationship="child",
                                              birth_date=date(2008, 5, 16))])  # 4 on ON
    grown = make_case("GROWN", [make_person("GROWN-P0", "GROWN"),
                                make_person("GROWN-P1", "GROWN", relationship="child",
                                            birth_date=date(1995, 5, 15))])  # 18 on ON
    return [
        family("LARGE", 6), family("SMALL", 5),
        family("SEVERE", 1, medical_conditions=(MedicalCondition("x", Severity.SEVERE, ()),)),
        family("MILD", 1, medical_conditions=(MedicalCondition("x", Severity.MILD, ()),)),
        family("WHEEL", 1, specific_needs=("wheelchair_user",)),
        family("OLDER", 1, specific_needs=("older_person",)),
        child, almost, grown,
    ]


def _expected(cases: list[Case], need: Dimension) -> set[str]:
    return {c.case_id for c in cases if c.needs(ON)[need] > 0}


@pytest.mark.parametrize("need", [d for d in Dimension if d is not Dimension.PERSONS])
def test_the_filter_agrees_with_case_needs(session: Session, need: Dimension) -> None:
    cases = _cases()
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    page = list_cases(session, need=need, on=ON, limit=100)
    assert {c.case_id for c in page.cases} == _expected(cases, need)
    assert page.total == len(_expected(cases, need)) > 0


def test_a_changed_case_changes_its_flags(session: Session) -> None:
    cases = _cases()
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    wheel = next(c for c in cases if c.case_id == "WHEEL")
    walking = wheel.with_members((make_person("WHEEL-P0", "WHEEL"),))
    store_batch(session, batch=RegistryBatch(cases=(walking,)))
    found = list_cases(session, need=Dimension.ACCESSIBLE_UNITS, on=ON)
    assert [c.case_id for c in found.cases] == []
    assert store_batch(session, batch=RegistryBatch(cases=(walking,))).unchanged == 2


def test_the_migration_fills_in_cases_stored_before_it(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        upgrade_database(engine, "0310_name_search")
        # What the registry held before the flags: rows as the code of then wrote them.
        cases = _cases()
        with engine.begin() as connection:
            for case in cases:
                connection.execute(text(
                    "INSERT INTO cases (case_id, principal_id, processing_priority, "
                    "priority_rank, status, version) VALUES (:c, :p, 'normal', 2, "
                    "'registered', 1)"), {"c": case.case_id, "p": case.principal_id})
                for index, member in enumerate(case.members):
                    connection.execute(text(
                        "INSERT INTO persons (person_id, case_id, member_index, given_name, "
                        "family_name, given_name_original, family_name_original, sex, "
                        "birth_date, birth_date_precision, nationality, relationship, "
                        "education, occupation, details) VALUES (:id, :c, :i, 'a', 'b', '', "
                        "'', 'M', :born, 'exact', 'IRN', 'child', 'none', '', :details)"),
                        {"id": member.person_id, "c": case.case_id, "i": index,
                         "born": member.birth_date, "details": _details_json(member)})
        upgrade_database(engine)
        with make_session_factory(engine)() as session:
            for need in (Dimension.LARGE_FAMILY_UNITS, Dimension.MEDICAL_PLACES,
                         Dimension.ACCESSIBLE_UNITS):
                found = list_cases(session, need=need, on=ON, limit=100)
                assert {c.case_id for c in found.cases} == _expected(cases, need), need
    finally:
        engine.dispose()


def _details_json(member: Person) -> str:
    """The details column as it was before sensitive values moved to an encrypted column."""
    details: dict[str, object] = {}
    if member.medical_conditions:
        details["medical_conditions"] = [{"name": c.name, "severity": str(c.severity),
                                          "services": list(c.services)}
                                         for c in member.medical_conditions]
    if member.specific_needs:
        details["specific_needs"] = list(member.specific_needs)
    return json.dumps(details)
