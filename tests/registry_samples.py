"""Small, valid registry records built in code, for tests of every stage.

``make_batch()`` is deterministic: 3 cases (a single man, a mother with two children, an
elderly couple), 6 persons, 2 localities, 2 pledges, with names in Latin and Persian script,
languages, a medical condition, a wheelchair user and relatives abroad.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from resettle.core import (
    Case,
    CaseStatus,
    Category,
    DatePrecision,
    Dimension,
    EducationLevel,
    LanguageSkill,
    Locality,
    MedicalCondition,
    Person,
    Pledge,
    PledgeCriteria,
    Priority,
    Proficiency,
    RegistryBatch,
    Relative,
    Severity,
    Sex,
)


def make_person(person_id: str, case_id: str, **overrides: Any) -> Person:
    values: dict[str, Any] = {
        "person_id": person_id,
        "case_id": case_id,
        "given_name": "Reza",
        "family_name": "Karimi",
        "given_name_original": "رضا",
        "family_name_original": "کریمی",
        "sex": Sex.MALE,
        "birth_date": date(1971, 5, 2),
        "nationality": "IRN",
        "languages": (LanguageSkill("fas", Proficiency.NATIVE),),
        "education": EducationLevel.SECONDARY,
    }
    values.update(overrides)
    return Person(**values)


def make_case(case_id: str, members: list[Person], **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "case_id": case_id,
        "principal_id": members[0].person_id,
        "members": tuple(members),
        "registered_on": date(2012, 2, 17),
        "primary_category": Category.LEGAL_PHYSICAL,
    }
    values.update(overrides)
    return Case(**values)


def _cases() -> tuple[Case, ...]:
    single = make_case(
        "ASH-0001",
        [
            make_person(
                "P-0001",
                "ASH-0001",
                occupation="engineer",
                skills=("welding", "driving"),
                education=EducationLevel.UNIVERSITY,
                languages=(
                    LanguageSkill("fas", Proficiency.NATIVE),
                    LanguageSkill("eng", Proficiency.INTERMEDIATE),
                ),
                relatives=(Relative("Ali Karimi", "brother", "DEU", True),),
                profiles=("former_combatant",),
            )
        ],
    )
    family = make_case(
        "ASH-0002",
        [
            make_person(
                "P-0002",
                "ASH-0002",
                given_name="Maryam",
                family_name="Rahimi",
                given_name_original="مریم",
                family_name_original="رحیمی",
                sex=Sex.FEMALE,
                birth_date=date(1980, 1, 1),
                birth_date_precision=DatePrecision.YEAR,
                medical_conditions=(
                    MedicalCondition("chronic kidney disease", Severity.SEVERE, ("dialysis",)),
                ),
            ),
            make_person("P-0003", "ASH-0002", given_name="Sara", sex=Sex.FEMALE,
                        relationship="child", birth_date=date(2004, 9, 9)),
            make_person("P-0004", "ASH-0002", given_name="Omid", relationship="child",
                        birth_date=date(2007, 3, 21)),
        ],
        processing_priority=Priority.URGENT,
        primary_category=Category.MEDICAL,
        secondary_category=Category.WOMEN_GIRLS_AT_RISK,
    )
    couple = make_case(
        "ASH-0003",
        [
            make_person("P-0005", "ASH-0003", given_name="Hassan", family_name="Moradi",
                        given_name_original="حسن", family_name_original="مرادی",
                        birth_date=date(1948, 7, 7), birth_date_precision=DatePrecision.ESTIMATED,
                        specific_needs=("wheelchair_user",), feared_countries=("IRQ",)),
            make_person("P-0006", "ASH-0003", given_name="Zahra", family_name="Moradi",
                        given_name_original="زهرا", family_name_original="مرادی",
                        sex=Sex.FEMALE, relationship="spouse", birth_date=date(1952, 1, 15)),
        ],
        status=CaseStatus.INTERVIEW_SCHEDULED,
        processing_priority=Priority.EMERGENCY,
        registered_on=None,
        primary_category=None,
    )
    return (single, family, couple)


def make_batch() -> RegistryBatch:
    localities = (
        Locality(
            "ALB-TIR",
            "ALB",
            "Tirana",
            region="Tirana County",
            services=frozenset({"dialysis", "trauma_care"}),
            capacity={Dimension.PERSONS: 500, Dimension.MEDICAL_PLACES: 20},
            languages=("sqi",),
        ),
        Locality("DEU-BER", "DEU", "Berlin", capacity={Dimension.PERSONS: 60}, urban=True),
    )
    pledges = (
        Pledge("PL-ALB-2013", "ALB", date(2013, 1, 1), date(2013, 12, 31), 210),
        Pledge(
            "PL-DEU-2013",
            "DEU",
            date(2013, 3, 1),
            date(2014, 2, 28),
            100,
            PledgeCriteria(
                max_case_size=4,
                services_supported=frozenset({"trauma_care"}),
                security_vetting_required=True,
                excluded_profiles=frozenset({"former_combatant"}),
            ),
        ),
    )
    return RegistryBatch(cases=_cases(), localities=localities, pledges=pledges)


def renamed(case: Case, given_name: str) -> Case:
    """The case with its principal renamed: a minimal real change."""
    members = tuple(
        replace(m, given_name=given_name) if m.person_id == case.principal_id else m
        for m in case.members
    )
    return replace(case, members=members)
