"""Sample records for the registry tests: a small batch covering every column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from resettle.core import (
    Case,
    DatePrecision,
    Dimension,
    EducationLevel,
    LanguageSkill,
    Locality,
    MedicalCondition,
    Person,
    Pledge,
    PledgeCriteria,
    Proficiency,
    RegistryBatch,
    Relative,
    Severity,
    Sex,
)
from resettle.core.status import CaseStatus, Category, Priority
from resettle.registry import RecordKind, write_records


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


def sample_batch() -> RegistryBatch:
    principal = person(
        "P1",
        given_name_original="مریم",
        family_name_original="رحیمی",
        languages=(
            LanguageSkill("fas", Proficiency.NATIVE),
            LanguageSkill("eng", Proficiency.BASIC),
        ),
        education=EducationLevel.UNIVERSITY,
        occupation="civil engineer",
        skills=("drafting", "driving"),
        medical_conditions=(
            MedicalCondition("kidney failure", Severity.SEVERE, ("dialysis", "nephrology")),
            MedicalCondition("asthma; mild|form", Severity.MILD),
            MedicalCondition("=HYPERLINK(1)", Severity.MILD, ("+plus", "-minus")),
        ),
        specific_needs=("wheelchair_user",),
        relatives=(Relative("Leila Rahimi", "sister", "FRA", True), Relative("Ali", "son", "DEU")),
        feared_countries=("IRQ",),
        profiles=("former_combatant",),
    )
    spouse = person("P2", given_name="Reza", sex=Sex.MALE, relationship="spouse",
                    occupation="=cmd|' /C calc'!A0", family_name="'Rahimi", skills=("-x", "@y"),
                    birth_date=date(1970, 1, 1), birth_date_precision=DatePrecision.YEAR)
    child = person("P3", given_name="Sara", relationship="child", birth_date=date(2004, 7, 9),
                   birth_date_precision=DatePrecision.ESTIMATED)
    single = person("P4", case_id="C2", given_name="Hassan", family_name="", sex=Sex.MALE,
                    birth_date=date(1960, 1, 1), birth_date_precision=DatePrecision.ESTIMATED)
    cases = (
        Case("C1", "P1", (principal, spouse, child), Priority.URGENT, CaseStatus.REGISTERED,
             Category.MEDICAL, Category.LEGAL_PHYSICAL, date(2012, 2, 17)),
        Case("C2", "P4", (single,)),
    )
    localities = (
        Locality("ALB-TIR", "ALB", "Tirana", "Tirana County",
                 frozenset({"dialysis", "trauma_care"}),
                 {Dimension.PERSONS: 210, Dimension.MEDICAL_PLACES: 0}, ("sqi", "eng")),
        Locality("DEU-BER", "DEU", "Berlin", urban=False),
    )
    pledges = (
        Pledge("ALB-2013", "ALB", date(2013, 1, 1), date(2013, 12, 31), 210,
               PledgeCriteria(3, frozenset({"trauma_care"}), True,
                              frozenset({"former_combatant"}))),
        Pledge("DEU-2013", "DEU", date(2013, 1, 1), date(2014, 6, 30), 100,
               PledgeCriteria(services_supported=frozenset())),
        Pledge("FIN-2014", "FIN", date(2014, 1, 1), date(2014, 12, 31), 5),
    )
    return RegistryBatch(cases, localities, pledges)


def write_batch(folder: Path, batch: RegistryBatch, suffix: str = "csv",
                *, hxl: bool = False) -> list[Path]:
    paths = []
    for kind in RecordKind:
        path = folder / f"{kind.value}.{suffix}"
        write_records(path, kind, batch, hxl=hxl)
        paths.append(path)
    return paths


def write_text(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PERSONS_HEADER = "person_id,case_id,relationship,given_name,family_name,sex,birth_date,nationality"
CASES_HEADER = "case_id,principal_id,size"
