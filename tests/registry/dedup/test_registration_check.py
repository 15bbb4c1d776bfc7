"""A new person checked against the registry's index (blocking keys + the trained model).

The index path must find what the current path (Splink's ``find_matches_to_new_records`` over
every registry row) finds, with the same probabilities; the database index must hold the keys
of every stored person, follow every write, and be rebuilt identically from the persons.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_keys import SqlCandidateSource, reindex_registry
from resettle.adapters.db.registry.store import store_batch
from resettle.core import RegistryBatch
from resettle.core.case import Case
from resettle.core.person import Person, Sex
from resettle.registry.dedup import DedupResult, check_person, find_duplicates
from resettle.registry.dedup.blocking import BLOCKING_RULE_NAMES, blocking_keys
from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.ports import MemoryCandidateSource
from resettle.registry.dedup.service import check_new_person
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates


@pytest.fixture(scope="module")
def registry() -> SyntheticRegistry:
    return generate_registry_with_duplicates(11, 1000)


@pytest.fixture(scope="module")
def result(registry: SyntheticRegistry) -> DedupResult:
    return find_duplicates(registry.cases, seed=3)


@pytest.mark.slow
def test_the_index_path_finds_what_the_current_path_finds(registry: SyntheticRegistry,
                                                          result: DedupResult) -> None:
    persons = {p.person_id: p for p in registry.persons}
    copies = sorted(registry.persian_script_ids)[:6]
    others = sorted(set(registry.truth) - set(registry.truth.values()))[:6]
    compared = 0
    for person_id in (*copies, *others):
        person = persons[person_id]
        cases = [c for c in registry.cases if c.case_id != person.case_id]
        source = MemoryCandidateSource(registry_rows(cases))
        indexed = check_new_person(source, person, result.model, threshold=0.3)
        current = check_person(person, cases, result.model, threshold=0.3)
        assert {p.right_id for p in indexed if p.match_probability >= 0.35} <= \
            {p.right_id for p in current}
        assert {p.right_id for p in current if p.match_probability >= 0.35} <= \
            {p.right_id for p in indexed}
        by_id = {p.right_id: p.match_probability for p in current}
        for pair in indexed:
            if pair.right_id in by_id:
                assert pair.match_probability == pytest.approx(by_id[pair.right_id], abs=0.02)
                compared += 1
    assert compared >= 6
    copy = persons[copies[0]]
    best = check_new_person(MemoryCandidateSource(registry_rows(
        c for c in registry.cases if c.case_id != copy.case_id)), copy, result.model)
    assert best and best[0].right_id == registry.truth[copy.person_id]
    assert "family:" in best[0].reasons


def _small(registry: SyntheticRegistry) -> RegistryBatch:
    return RegistryBatch(cases=registry.cases[:60])


def test_the_database_index_answers_as_the_rows_do(session: Session,
                                                    registry: SyntheticRegistry) -> None:
    batch = _small(registry)
    store_batch(session, batch=batch)
    rows = list(registry_rows(batch.cases))
    memory, stored = MemoryCandidateSource(rows), SqlCandidateSource(session)
    assert stored.indexed_persons() == len(rows)
    for row in rows[::7]:
        keys = blocking_keys(row)
        assert {r["unique_id"] for r in stored.candidates(keys)} == \
            {r["unique_id"] for r in memory.candidates(keys)}
        assert row["unique_id"] in {r["unique_id"] for r in stored.candidates(keys)}
    values = {"family_latin": [r["family_latin"] for r in rows[:20]]}
    found, expected = stored.frequencies(values), memory.frequencies(values)
    assert found["family_latin"] == pytest.approx(expected["family_latin"])


def test_the_index_follows_writes_and_is_rebuilt_the_same(session: Session,
                                                         registry: SyntheticRegistry) -> None:
    batch = _small(registry)
    store_batch(session, batch=batch)
    case = next(c for c in batch.cases if c.size >= 2)
    gone = case.members[-1]
    shrunk = replace(case, members=case.members[:-1])
    store_batch(session, batch=RegistryBatch(cases=(shrunk,)))
    source = SqlCandidateSource(session)
    gone_keys = blocking_keys(next(r for r in registry_rows([case])
                                   if r["unique_id"] == gone.person_id))
    assert gone.person_id not in {r["unique_id"] for r in source.candidates(gone_keys)}
    renamed = replace(shrunk.members[0], family_name="Zzyzxquorth")
    store_batch(session, batch=RegistryBatch(cases=(replace(
        shrunk, members=(renamed, *shrunk.members[1:])),)))
    new_keys = blocking_keys(next(r for r in registry_rows([replace(
        shrunk, members=(renamed, *shrunk.members[1:]))]) if r["unique_id"] == renamed.person_id))
    assert renamed.person_id in {r["unique_id"] for r in source.candidates(new_keys)}
    before = sorted((r["unique_id"], r["family_key"]) for r in source.candidates(new_keys))
    count = source.indexed_persons()
    assert reindex_registry(session) == count
    after = sorted((r["unique_id"], r["family_key"]) for r in source.candidates(new_keys))
    assert after == before


NAMES = st.text(alphabet="abdeghiklmnorsuzآبپتجدرزسشعفقکگلمنوهی ", min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(given_name=NAMES, family_name=NAMES, year=st.integers(1930, 2020))
def test_every_person_is_a_candidate_of_itself(given_name: str, family_name: str,
                                               year: int) -> None:
    """Whatever its names, a person's own keys find it: a check never misses an exact copy
    because its keys are computed differently at index and at check time."""
    person = Person("P-1", "C-1", given_name, family_name, Sex.MALE, date(year, 3, 4), "AFG")
    row = next(registry_rows([Case("C-1", "P-1", (person,))]))
    keys = blocking_keys(row)
    assert {rule for rule, _ in keys} <= set(BLOCKING_RULE_NAMES)
    assert "exact_dob+sex" in {rule for rule, _ in keys}  # 4 March: not a placeholder
    assert [r["unique_id"] for r in MemoryCandidateSource([row]).candidates(keys)] == ["P-1"]
