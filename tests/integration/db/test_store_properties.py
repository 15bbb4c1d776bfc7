"""Property tests of store_batch: whatever is stored, in whatever order, loads back as stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_samples import make_batch, make_case, make_person
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.inspection import digest_database
from resettle.adapters.db.registry.store import load_batch, store_batch
from resettle.core import Case, CaseStatus, RegistryBatch

NAMES = st.text(alphabet="abcdeفرضا -'", min_size=1, max_size=12)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A case ASH-<n> of 1-4 members with ids drawn from a small pool, so stores collide."""
    number = draw(st.integers(0, 5))
    case_id = f"ASH-{number}"
    size = draw(st.integers(1, 4))
    members = [
        make_person(
            f"P-{number}-{index}",
            case_id,
            given_name=draw(NAMES),
            relationship="principal" if index == 0 else "child",
            birth_date=draw(st.dates(date(1930, 1, 1), date(2020, 12, 31))),
            skills=tuple(draw(st.lists(NAMES, max_size=2))),
        )
        for index in range(size)
    ]
    status = draw(st.sampled_from(list(CaseStatus)))
    return make_case(case_id, members, status=status)


def _unique(batch_cases: list[Case]) -> tuple[Case, ...]:
    return tuple({case.case_id: case for case in batch_cases}.values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cases(), min_size=1, max_size=4), min_size=1, max_size=3))
def test_the_registry_holds_the_last_stored_version_of_each_case(
    batches: list[list[Case]],
) -> None:
    engine = open_database("sqlite://")  # in memory: one fresh database per example
    factory = make_session_factory(engine)
    expected: dict[str, Case] = {}
    versions: dict[str, int] = {}
    try:
        for batch_cases in batches:
            batch = RegistryBatch(cases=_unique(batch_cases))
            with factory.begin() as session:
                store_batch(session, batch=batch)
            for case in batch.cases:
                if case.case_id in expected and expected[case.case_id] != case:
                    versions[case.case_id] += 1
                versions.setdefault(case.case_id, 1)
                expected[case.case_id] = case
            before = digest_database(engine)
            with factory.begin() as session:  # storing it again changes nothing
                store_batch(session, batch=batch)
            assert digest_database(engine) == before
        with factory() as session:
            loaded = {case.case_id: case for case in load_batch(session).cases}
        assert loaded == {
            case_id: replace(case, version=versions[case_id])
            for case_id, case in expected.items()
        }
    finally:
        engine.dispose()


def test_the_sample_batch_survives_any_order_of_its_cases() -> None:
    sample = make_batch()
    engine = open_database("sqlite://")
    try:
        with make_session_factory(engine).begin() as session:
            store_batch(session, batch=replace(sample, cases=sample.cases[::-1]))
        with make_session_factory(engine)() as session:
            assert load_batch(session) == sample
    finally:
        engine.dispose()
