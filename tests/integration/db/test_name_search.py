"""The name search index stays in step with the persons, and SQLite searches through it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person
from resettle.adapters.db.registry.name_search import NAME_COLUMNS, case_variants, cases_matching
from resettle.adapters.db.registry.store import find_cases, get_case, store_batch, update_case
from resettle.adapters.db.registry.tables import CaseRow
from resettle.core import RegistryBatch


def found(session: Session, words: str) -> list[str]:
    return [case.case_id for case in find_cases(session, text=words, limit=50).cases]


def test_renaming_and_removing_a_person_change_what_a_search_finds(session: Session) -> None:
    first = make_case("C-1", [make_person("P-1", "C-1", family_name="Tehrani")])
    second = make_case("C-2", [make_person("P-2", "C-2", family_name="Élodie-Sadr",
                                           family_name_original="صدر")])
    store_batch(session, batch=RegistryBatch(cases=(first, second)))
    assert found(session, "tehran") == ["C-1"]
    assert found(session, "ÉLODIE") == found(session, "élodie") == ["C-2"]
    assert found(session, "صد") == ["C-2"]

    renamed = replace(first, members=(replace(first.members[0], family_name="Shirazi"),))
    update_case(session, case=renamed, expected_version=get_case(session, case_id="C-1").version)
    assert found(session, "tehran") == []
    assert found(session, "shiraz") == ["C-1"]

    session.execute(delete(CaseRow).where(CaseRow.case_id == "C-2"))  # members cascade
    assert found(session, "sadr") == []
    assert found(session, "صدر") == []


def test_names_are_searched_through_a_trigram_index(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        indexes = set(session.scalars(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'persons'")))
        assert {f"ix_persons_trgm_{name}" for name in NAME_COLUMNS} <= indexes
        return
    plan = " ".join(str(row[-1]) for row in session.execute(text(
        "EXPLAIN QUERY PLAN SELECT case_id FROM person_names WHERE names LIKE '%karim%'")))
    assert "VIRTUAL TABLE INDEX" in plan


def test_case_variants_cover_non_ascii_letters_only() -> None:
    assert case_variants("karimi") == ["karimi"]
    assert sorted(case_variants("élo")) == ["Élo", "élo"]
    assert case_variants("کریمی") == ["کریمی"]
    assert len(case_variants("éééééééé")) == 2  # too many forms: the whole text in each case


def test_a_search_matching_more_people_than_the_cap_says_so(session: Session) -> None:
    cases = [make_case(f"C-{n}", [make_person(f"P-{n}", f"C-{n}", family_name="Rahimi")])
             for n in range(6)]
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    assert not cases_matching(session, "rahimi", cap=6).capped
    over = cases_matching(session, "rahimi", cap=5)
    assert over.capped
    assert len(session.execute(over.case_ids).all()) == 6  # the cap, and one to know it
    scoped = cases_matching(session, "rahimi", cap=5,
                            within=select(CaseRow.case_id).where(CaseRow.case_id == "C-4"))
    assert not scoped.capped  # the scope is applied before the cap
    assert session.scalars(scoped.case_ids).all() == ["C-4"]
    assert not find_cases(session, text="rahimi").capped
