"""Property: any valid batch survives export -> import unchanged, in every format."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_samples import write_batch

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
    Relationship,
    Relative,
    Severity,
    Sex,
)
from resettle.core.codes import is_country_code
from resettle.core.status import CaseStatus, Category, Priority
from resettle.registry import assemble_batch, read_records

COUNTRIES = [c for c in ("IRN", "IRQ", "ALB", "DEU", "FRA", "SWE", "USA", "CAN", "STA", "XKX")
             if is_country_code(c)]
LANGUAGES = ["fas", "ara", "eng", "sqi", "deu", "kur", "ckb", "tur", "prs", "pus"]
# Letters of any script (Persian and Arabic included), marks, digits, punctuation (the list
# separators ; | + : and the backslash among them), symbols and spaces: no control characters.
CHARACTERS = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))
PERSIAN = st.text(alphabet="ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی آ‌", min_size=1, max_size=12)
ARABIC = st.text(alphabet="ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي ", min_size=1, max_size=12)


def clean(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Cells are trimmed on import, so the canonical text has no outer spaces."""
    return strategy.map(str.strip)


TEXT = clean(st.text(CHARACTERS, max_size=16))
NAME = clean(st.one_of(st.text(CHARACTERS, max_size=16), PERSIAN, ARABIC))
WORD = clean(st.text(CHARACTERS, min_size=1, max_size=10)).filter(bool)
WORDS = st.lists(WORD, max_size=3).map(tuple)
WORD_SET = st.frozensets(WORD, max_size=3)
ID = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.", min_size=1, max_size=8)


@st.composite
def birth(draw: st.DrawFn) -> tuple[date, DatePrecision]:
    day = draw(st.dates(date(1900, 1, 1), date(2024, 12, 31)))
    precision = draw(st.sampled_from(DatePrecision))
    if precision is DatePrecision.YEAR:
        day = date(day.year, 1, 1)  # the registry keeps a year alone as 1 January
    return day, precision


@st.composite
def persons(draw: st.DrawFn, person_id: str, case_id: str, principal: bool) -> Person:
    born, precision = draw(birth())
    relationship = Relationship.PRINCIPAL if principal else draw(
        st.sampled_from([r for r in Relationship if r is not Relationship.PRINCIPAL]))
    return Person(
        person_id=person_id,
        case_id=case_id,
        given_name=draw(NAME.filter(bool)),
        family_name=draw(NAME),
        sex=draw(st.sampled_from(Sex)),
        birth_date=born,
        nationality=draw(st.sampled_from(COUNTRIES)),
        relationship=relationship.value,
        birth_date_precision=precision,
        given_name_original=draw(st.one_of(PERSIAN, ARABIC).map(str.strip)),
        family_name_original=draw(NAME),
        languages=tuple(draw(st.lists(st.builds(
            LanguageSkill, st.sampled_from(LANGUAGES), st.sampled_from(Proficiency)),
            max_size=3))),
        education=draw(st.sampled_from(EducationLevel)),
        occupation=draw(TEXT),
        skills=draw(WORDS),
        medical_conditions=tuple(draw(st.lists(st.builds(
            MedicalCondition, TEXT, st.sampled_from(Severity), WORDS), max_size=2))),
        specific_needs=draw(WORDS),
        relatives=tuple(draw(st.lists(st.builds(
            Relative, NAME, TEXT, st.sampled_from(COUNTRIES), st.booleans()), max_size=2))),
        feared_countries=tuple(draw(st.lists(st.sampled_from(COUNTRIES), max_size=2))),
        profiles=draw(WORDS),
    )


@st.composite
def cases(draw: st.DrawFn, case_id: str) -> Case:
    size = draw(st.integers(1, 4))
    members = tuple(draw(persons(f"{case_id}/{i}", case_id, i == 0)) for i in range(size))
    return Case(
        case_id=case_id,
        principal_id=members[0].person_id,
        members=members,
        processing_priority=draw(st.sampled_from(Priority)),
        status=draw(st.sampled_from(CaseStatus)),
        primary_category=draw(st.none() | st.sampled_from(Category)),
        secondary_category=draw(st.none() | st.sampled_from(Category)),
        registered_on=draw(st.none() | st.dates(date(2000, 1, 1), date(2024, 1, 1))),
    )


@st.composite
def localities(draw: st.DrawFn, locality_id: str) -> Locality:
    dimensions = draw(st.frozensets(st.sampled_from(Dimension)))
    return Locality(
        locality_id=locality_id,
        country=draw(st.sampled_from(COUNTRIES)),
        name=draw(NAME.filter(bool)),
        region=draw(TEXT),
        services=draw(WORD_SET),
        capacity={d: draw(st.integers(0, 10_000)) for d in sorted(dimensions)},
        languages=tuple(draw(st.lists(st.sampled_from(LANGUAGES), max_size=3))),
        urban=draw(st.booleans()),
    )


@st.composite
def pledges(draw: st.DrawFn, pledge_id: str) -> Pledge:
    start = draw(st.dates(date(2010, 1, 1), date(2030, 1, 1)))
    end = draw(st.dates(start, date(2031, 1, 1)))
    criteria = PledgeCriteria(
        max_case_size=draw(st.none() | st.integers(1, 20)),
        services_supported=draw(st.none() | WORD_SET),
        security_vetting_required=draw(st.booleans()),
        excluded_profiles=draw(WORD_SET),
    )
    return Pledge(pledge_id, draw(st.sampled_from(COUNTRIES)), start, end,
                  draw(st.integers(0, 5000)), criteria)


@st.composite
def batches(draw: st.DrawFn) -> RegistryBatch:
    def ids(prefix: str, most: int) -> list[str]:  # an empty file is refused on import
        return [prefix + i for i in draw(st.lists(ID, min_size=1, max_size=most, unique=True))]

    return RegistryBatch(
        cases=tuple(draw(cases(i)) for i in ids("C", 4)),
        localities=tuple(draw(localities(i)) for i in ids("L", 3)),
        pledges=tuple(draw(pledges(i)) for i in ids("G", 3)),
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches(), hxl=st.booleans())
def test_any_batch_round_trips(suffix: str, batch: RegistryBatch, hxl: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_batch(Path(folder), batch, suffix, hxl=hxl)
        parsed = [read_records(path) for path in paths]
        assert [i for p in parsed for i in p.issues] == []
        assert assemble_batch(parsed) == batch
