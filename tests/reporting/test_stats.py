"""registry_stats: counts agree with a direct count, on hand-made cases and on the scenario."""

from dataclasses import replace
from datetime import date

from resettle.core import (
    Case,
    CaseStatus,
    Dimension,
    MedicalCondition,
    Person,
    Priority,
    Relative,
    Severity,
    Sex,
)
from resettle.reporting.stats import age_band, registry_stats, summarize_stats
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig

ON = date(2015, 6, 30)


def person(pid: str, case_id: str, **fields: object) -> Person:
    base: dict[str, object] = dict(person_id=pid, case_id=case_id, given_name="Ali",
                                   family_name="Ahmadi", sex=Sex.MALE,
                                   birth_date=date(1970, 1, 1), nationality="IRN")
    base.update(fields)
    return Person(**base)  # type: ignore[arg-type]


def test_counts_on_hand_made_cases() -> None:
    sick = MedicalCondition("cancer", Severity.SEVERE, ("oncology",))
    cases = [
        Case("C1", "C1-1", (person("C1-1", "C1", relatives=(Relative("x", "sibling", "DEU"),)),),
             status=CaseStatus.DEPARTED),
        Case("C2", "C2-1", (
            person("C2-1", "C2", sex=Sex.FEMALE, medical_conditions=(sick,)),
            person("C2-2", "C2", birth_date=date(2008, 1, 1), relationship="child"),
            person("C2-3", "C2", birth_date=date(1950, 1, 1), nationality="AFG",
                   relationship="parent", specific_needs=("wheelchair_user",)),
        ), status=CaseStatus.REFERRED, processing_priority=Priority.URGENT),
    ]
    stats = registry_stats(cases, ON)
    assert (stats.cases, stats.persons) == (2, 4)
    assert stats.cases_by_status == {CaseStatus.REFERRED: 1, CaseStatus.DEPARTED: 1}
    assert list(stats.cases_by_status) == [CaseStatus.REFERRED, CaseStatus.DEPARTED]
    assert stats.persons_by_status == {CaseStatus.REFERRED: 3, CaseStatus.DEPARTED: 1}
    assert stats.persons_by_sex == {Sex.FEMALE: 1, Sex.MALE: 3}
    assert stats.persons_by_age_band == {"5-11": 1, "40-59": 2, "60+": 1}
    assert stats.persons_by_nationality == {"IRN": 3, "AFG": 1}
    assert stats.cases_by_priority == {Priority.URGENT: 1, Priority.NORMAL: 1}
    assert stats.needs_total[Dimension.MEDICAL_PLACES] == 1
    assert stats.needs_total[Dimension.SCHOOL_PLACES] == 1
    assert stats.cases_needing[Dimension.ACCESSIBLE_UNITS] == 1
    assert stats.cases_by_service == {"oncology": 1}
    assert stats.persons_with_relatives_abroad == 1
    assert stats.localities == 0 and stats.pledged_persons == 0


def test_age_bands_cover_every_age() -> None:
    assert [age_band(a) for a in (0, 4, 5, 17, 18, 25, 40, 59, 60, 110)] == [
        "0-4", "0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "40-59", "60+", "60+"]


def test_scenario_stats_add_up() -> None:
    config = replace(AshrafConfig(), population=500)
    batch = generate_ashraf(4, config)
    stats = registry_stats(batch, config.as_of)
    assert stats.persons == 500 == sum(stats.persons_by_sex.values())
    assert sum(stats.persons_by_age_band.values()) == 500
    assert sum(stats.persons_by_status.values()) == 500
    assert sum(stats.cases_by_status.values()) == stats.cases == len(batch.cases)
    assert sum(stats.cases_by_priority.values()) == stats.cases
    assert stats.persons_by_nationality == {"IRN": 500}
    assert stats.needs_total[Dimension.PERSONS] == 500
    assert stats.pledged_persons == sum(p.places_persons for p in batch.pledges)
    lines = summarize_stats(stats)
    assert lines[0].startswith("500 persons in")
    assert len(lines) == 4
