from datetime import date

import pytest

from resettle.core import (
    Case,
    Dimension,
    IssueLog,
    LanguageSkill,
    MedicalCondition,
    Person,
    Pledge,
    PledgeCriteria,
    Proficiency,
    Severity,
    Sex,
)
from resettle.errors import ValidationError

DAY = date(2012, 6, 1)


def person(pid: str, case_id: str = "C1", **overrides: object) -> Person:
    fields: dict[str, object] = {
        "person_id": pid,
        "case_id": case_id,
        "given_name": "Maryam",
        "family_name": "Rahimi",
        "sex": Sex.FEMALE,
        "birth_date": date(1972, 3, 4),
        "nationality": "IRN",
        "relationship": "principal",
    }
    fields.update(overrides)
    return Person(**fields)  # type: ignore[arg-type]


def test_needs_are_derived_from_members() -> None:
    members = (
        person("P1"),
        person("P2", relationship="child", birth_date=date(2004, 1, 1)),
        person(
            "P3",
            relationship="parent",
            birth_date=date(1940, 1, 1),
            specific_needs=("wheelchair_user",),
            medical_conditions=(MedicalCondition("renal failure", Severity.SEVERE, ("dialysis",)),),
        ),
    )
    case = Case("C1", "P1", members)
    needs = case.needs(DAY)
    assert needs.persons == 3
    assert needs.school_places == 1
    assert needs.medical_places == 1
    assert needs.accessible_units == 1
    assert needs.large_family_units == 0
    assert needs[Dimension.PERSONS] == 3
    assert case.services_needed == {"dialysis"}


def test_large_family_needs_a_large_unit() -> None:
    members = (person("P1"), *(person(f"P{i}", relationship="child") for i in range(2, 7)))
    assert Case("C1", "P1", members).needs(DAY).large_family_units == 1


def test_case_collects_every_issue_at_once() -> None:
    members = (
        person("P1", nationality="XXX"),
        person("P2", relationship="principal", case_id="C9", birth_date=date(2999, 1, 1)),
        person("P3", relationship="child", languages=(LanguageSkill("zz9", Proficiency.BASIC),)),
    )
    codes = sorted(i.code for i in Case("C1", "P7", members).issues(declared_size=4))
    assert codes == [
        "impossible_date",
        "missing_principal",
        "size_mismatch",
        "two_principals",
        "unknown_country",
        "unknown_language",
        "wrong_case",
    ]


def test_no_return_covers_every_member_and_declared_fears() -> None:
    members = (person("P1"), person("P2", relationship="spouse", nationality="IRQ",
                                     feared_countries=("SYR",)))
    assert Case("C1", "P1", members).no_return_countries == {"IRN", "IRQ", "SYR"}


def test_pledge_criteria_say_why_a_case_is_not_admitted() -> None:
    members = (person("P1"), person("P2", relationship="spouse", profiles=("former_combatant",)))
    case = Case("C1", "P1", members)
    assert PledgeCriteria(max_case_size=1).admits(case)[0] is False
    admitted, why = PledgeCriteria(excluded_profiles=frozenset({"former_combatant"})).admits(case)
    assert not admitted
    assert "former_combatant" in why
    assert PledgeCriteria().admits(case) == (True, "")


def test_pledge_issues() -> None:
    pledge = Pledge("PL1", "QQQ", date(2013, 12, 31), date(2013, 1, 1), -3)
    assert {i.code for i in pledge.issues()} == {
        "unknown_country",
        "impossible_date",
        "negative_capacity",
    }


def test_issue_log_raises_all_issues() -> None:
    log = IssueLog()
    log.add("a", "first", row=2, field="x")
    log.add("b", "second", row=3, field="y")
    with pytest.raises(ValidationError) as excinfo:
        log.raise_if_any()
    assert [i.code for i in excinfo.value.issues] == ["a", "b"]
    assert "row 2" in str(excinfo.value)
