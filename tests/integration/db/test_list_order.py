"""The faster case list and name search return exactly what the original queries returned.

The reference queries below are the ones the repository used before the stored, indexed
priority rank (a CASE over the priority, sorted for every page) and before SQLite's search
dropped lower(): same rows, same order, on every configured database.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, or_, select, text
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person
from resettle.adapters.db.registry.store import find_cases, list_cases, store_batch
from resettle.adapters.db.registry.tables import CaseRow, PersonRow
from resettle.core import Case, CaseStatus, Priority, RegistryBatch
from resettle.registry.search import case_number, search_terms

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]

NAMES = [("Reza", "Karimi", "رضا", "کریمی"), ("MARYAM", "moradi", "مریم", "مرادی"),
         ("Élodie", "ÉTIENNE", "", ""), ("ali", "Rahimi", "علی", "رحیمی"),
         ("Zahra_1", "50% Off", "", "")]


def _random_cases(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for number in range(count):
        case_id = f"C-{rng.randrange(10**6):06d}-{number}"
        members = []
        for index in range(rng.randint(1, 3)):
            given, family, given_o, family_o = rng.choice(NAMES)
            members.append(make_person(f"{case_id}-P{index}", case_id, given_name=given,
                                       family_name=family, given_name_original=given_o,
                                       family_name_original=family_o))
        registered = rng.choice([None, date(2012, 1, 1) + timedelta(days=rng.randrange(40))])
        cases.append(make_case(case_id, members, registered_on=registered,
                               processing_priority=rng.choice(list(Priority)),
                               status=rng.choice([CaseStatus.REGISTERED,
                                                  CaseStatus.INTERVIEW_SCHEDULED])))
    return cases


def _reference_order(session: Session, query: Any) -> list[str]:
    urgency = sql_case(
        *((_cases.c.processing_priority == p.value, p.rank) for p in Priority), else_=len(Priority)
    )
    ordered = query.order_by(urgency, _cases.c.registered_on, _cases.c.case_id)
    return list(session.scalars(ordered.with_only_columns(_cases.c.case_id)))


def _reference_search(session: Session, words: str) -> list[str]:
    """Every person read and matched in Python: each word of the text (``registry.search``:
    folded, or as typed) case-insensitively in one of a person's names, in the Unicode sense
    (as PostgreSQL's lower() and SQLite's trigram index fold; SQLite's own LIKE folds ASCII
    only); or the person's id; or a case number without its prefix and zeros."""
    needle = words.strip()
    terms = search_terms(needle)
    columns = (_persons.c.given_name, _persons.c.family_name, _persons.c.given_name_original,
               _persons.c.family_name_original)
    matching = {
        row.case_id
        for row in session.execute(select(_persons.c.case_id, _persons.c.person_id, *columns))
        if row.person_id in (needle, needle.upper()) or (terms and all(
            any(form in str(name).lower() for name in row[2:] for form in spellings)
            for spellings in terms))
    }
    number = case_number(needle)
    if number is not None:
        matching |= {case_id for case_id in session.scalars(select(_cases.c.case_id))
                     if re.search(rf"(^|[^0-9])0*{number}$", case_id)}
    query = select(_cases).where(or_(_cases.c.case_id.in_(sorted({needle, needle.upper()})),
                                     _cases.c.case_id.in_(sorted(matching))))
    return _reference_order(session, query)


@pytest.mark.parametrize("seed", [1, 2])
def test_list_pages_match_the_original_order(session: Session, seed: int) -> None:
    store_batch(session, batch=RegistryBatch(cases=tuple(_random_cases(seed, 120))))
    expected = _reference_order(session, select(_cases))
    for offset, limit in [(0, 25), (25, 25), (100, 50), (119, 5), (200, 10)]:
        page = list_cases(session, offset=offset, limit=limit)
        assert page.total == len(expected)
        assert [c.case_id for c in page.cases] == expected[offset:offset + limit]
    urgent = list_cases(session, priority=Priority.URGENT, limit=200)
    reference = _reference_order(
        session, select(_cases).where(_cases.c.processing_priority == Priority.URGENT.value))
    assert [c.case_id for c in urgent.cases] == reference


@pytest.mark.parametrize(
    "words", ["karimi", "KARIMI", "Moradi", "کریمی", "رحیمی", "é", "É", "élodie", "50%", "_1",
             "a", "zz-none", "C-", "reza karimi", "كريمي", "c-0005", "7"])
def test_name_search_matches_the_original_query(session: Session, words: str) -> None:
    cases = _random_cases(3, 80)
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    for probe in (words, cases[5].case_id, cases[7].members[0].person_id):
        page = find_cases(session, text=probe, limit=100)
        expected = _reference_search(session, probe)
        assert (page.total, [c.case_id for c in page.cases]) == (len(expected), expected)
        for offset in (3, len(expected), len(expected) + 5):  # counted even past the end
            later = find_cases(session, text=probe, offset=offset, limit=4)
            assert later.total == len(expected)
            assert [c.case_id for c in later.cases] == expected[offset:offset + 4]


def test_sqlite_walks_the_list_order_index(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans differ by database")
    store_batch(session, batch=RegistryBatch(cases=tuple(_random_cases(4, 30))))
    query = select(_cases).order_by(
        _cases.c.priority_rank, _cases.c.registered_on, _cases.c.case_id).limit(25).offset(10)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_cases_list_order" in plan
    assert "TEMP B-TREE" not in plan


def test_the_stored_rank_is_the_priority_rank(session: Session) -> None:
    cases = _random_cases(5, 40)
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))
    stored = dict(session.execute(select(_cases.c.case_id, _cases.c.priority_rank)).all())
    assert stored == {c.case_id: c.processing_priority.rank for c in cases}
