"""The registry repository on every configured database (SQLite always, PostgreSQL if set)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person, renamed
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.inspection import count_rows, digest_database
from resettle.adapters.db.registry.store import (
    find_cases,
    get_case,
    get_cases,
    list_cases,
    load_batch,
    store_batch,
    update_case,
)
from resettle.core import CaseStatus, Priority, RegistryBatch
from resettle.errors import ConflictError, NotFoundError


def store(engine: Engine, batch: RegistryBatch) -> None:
    with make_session_factory(engine).begin() as session:
        store_batch(session, batch=batch)


def load(engine: Engine) -> RegistryBatch:
    with make_session_factory(engine)() as session:
        return load_batch(session)


def test_store_then_load_gives_back_the_input(engine: Engine, sample_batch: RegistryBatch) -> None:
    store(engine, sample_batch)
    assert load(engine) == sample_batch


def test_storing_the_same_batch_twice_changes_nothing(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    store(engine, sample_batch)
    before = digest_database(engine)
    with make_session_factory(engine).begin() as session:
        counts = store_batch(session, batch=sample_batch)
    assert (counts.inserted, counts.updated, counts.removed) == (0, 0, 0)
    assert counts.unchanged == 3 + 6 + 2 + 2
    assert digest_database(engine) == before
    assert count_rows(engine)["persons"] == 6


def test_a_changed_case_is_updated_and_its_version_bumped(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    store(engine, sample_batch)
    first, family, couple = sample_batch.cases
    smaller = family.with_members(family.members[:2])  # one child left the case
    store(engine, replace(sample_batch, cases=(renamed(first, "Rezvan"), smaller, couple)))
    loaded = {case.case_id: case for case in load(engine).cases}
    assert loaded[first.case_id].principal is not None
    assert loaded[first.case_id].principal.given_name == "Rezvan"
    assert loaded[first.case_id].version == 2
    assert [m.person_id for m in loaded[family.case_id].members] == ["P-0002", "P-0003"]
    assert loaded[family.case_id].version == 2
    assert loaded[couple.case_id].version == 1
    assert count_rows(engine)["persons"] == 5


def test_a_member_moving_to_another_case_bumps_both(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    store(engine, sample_batch)
    _first, family, _couple = sample_batch.cases
    child = replace(family.members[2], case_id="ASH-0009", relationship="principal")
    store(engine, RegistryBatch(cases=(make_case("ASH-0009", [child]),)))
    loaded = {case.case_id: case for case in load(engine).cases}
    assert loaded["ASH-0009"].members == (child,)
    assert [m.person_id for m in loaded[family.case_id].members] == ["P-0002", "P-0003"]
    assert loaded[family.case_id].version == 2


def test_a_rolled_back_store_leaves_the_database_unchanged(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    before = digest_database(engine)
    with make_session_factory(engine)() as session:
        store_batch(session, batch=sample_batch)
        session.rollback()
    assert digest_database(engine) == before


def test_optimistic_concurrency_refuses_a_stale_update(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    store(engine, sample_batch)
    factory = make_session_factory(engine)
    with factory() as alice_session, factory() as bob_session:
        alice_copy = get_case(alice_session, case_id="ASH-0002")
        bob_copy = get_case(bob_session, case_id="ASH-0002")
        alice_session.rollback()
        bob_session.rollback()
        saved = update_case(
            alice_session,
            case=replace(alice_copy, status=CaseStatus.NEEDS_ASSESSED),
            expected_version=alice_copy.version,
        )
        alice_session.commit()
        assert saved.version == 2
        with pytest.raises(ConflictError):
            update_case(
                bob_session,
                case=replace(bob_copy, status=CaseStatus.ON_HOLD),
                expected_version=bob_copy.version,
            )
        bob_session.rollback()
    with factory() as session:
        stored = get_case(session, case_id="ASH-0002")
    assert (stored.status, stored.version) == (CaseStatus.NEEDS_ASSESSED, 2)


def test_update_case_replaces_members(session: Session, sample_batch: RegistryBatch) -> None:
    store_batch(session, batch=sample_batch)
    case = get_case(session, case_id="ASH-0001")
    newborn = make_person("P-0100", "ASH-0001", given_name="Nima", relationship="child")
    saved = update_case(
        session, case=case.with_members((*case.members, newborn)), expected_version=1
    )
    assert get_case(session, case_id="ASH-0001") == saved
    assert saved.size == 2 and saved.version == 2


def test_missing_cases_raise_not_found(session: Session, sample_batch: RegistryBatch) -> None:
    with pytest.raises(NotFoundError):
        get_case(session, case_id="nope")
    with pytest.raises(NotFoundError):
        update_case(session, case=sample_batch.cases[0], expected_version=1)


def test_list_cases_filters_orders_and_pages(session: Session, sample_batch: RegistryBatch) -> None:
    store_batch(session, batch=sample_batch)
    everything = list_cases(session)
    assert everything.total == 3
    assert [c.case_id for c in everything.cases] == ["ASH-0003", "ASH-0002", "ASH-0001"]
    urgent = list_cases(session, priority=Priority.URGENT)
    assert [c.case_id for c in urgent.cases] == ["ASH-0002"]
    scheduled = list_cases(session, status=CaseStatus.INTERVIEW_SCHEDULED)
    assert [c.case_id for c in scheduled.cases] == ["ASH-0003"]
    page = list_cases(session, offset=1, limit=1)
    assert (page.total, [c.case_id for c in page.cases]) == (3, ["ASH-0002"])
    assert list_cases(session, nationality="AFG").total == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ASH-0002", ["ASH-0002"]),  # case id
        ("P-0005", ["ASH-0003"]),  # a member's id
        ("moradi", ["ASH-0003"]),  # Latin name, any case
        ("RAHIM", ["ASH-0002"]),
        ("رحیمی", ["ASH-0002"]),  # original script
        ("کریمی", ["ASH-0001", "ASH-0002"]),
        ("50%", []),  # LIKE wildcards are taken literally
    ],
)
def test_find_cases_by_id_or_name(
    session: Session, sample_batch: RegistryBatch, text: str, expected: list[str]
) -> None:
    store_batch(session, batch=sample_batch)
    found = find_cases(session, text=text)
    assert sorted(c.case_id for c in found.cases) == expected


def test_get_cases_returns_those_that_exist(session: Session, sample_batch: RegistryBatch) -> None:
    store_batch(session, batch=sample_batch)
    found = get_cases(session, case_ids=["ASH-0003", "nope", "ASH-0001", "ASH-0003"])
    assert sorted(found) == ["ASH-0001", "ASH-0003"]
    assert found["ASH-0003"] == sample_batch.cases[2]
