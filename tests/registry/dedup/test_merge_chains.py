"""Chains of merges: A merged into B, then B into C. A counts as C (the member it now is), its
record moves with its survivor's case so either merge can be reversed in any order, and no
merge may go through a merged-away record. SQLite and PostgreSQL through the real stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from registry_samples import make_person
from resettle.adapters.db.registry.dedup_store import SqlMergeStore
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.adapters.db.registry.members import survivors
from resettle.adapters.db.registry.store import find_cases, get_case, load_batch, store_batch
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core import RegistryBatch, Sex
from resettle.core.case import Case
from resettle.errors import MergedAwayError
from resettle.registry.dedup.merging import PersonMerge
from resettle.registry.dedup.service import merge_persons, reverse_merge
from resettle.screening import service as screening

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _three_registrations(session: Session) -> tuple[PersonMerge, PersonMerge]:
    """Zahra registered three times (A-1, B-1, C-1), each time with another child; A-1 merged
    into B-1, then B-1 into C-1: every child ends in case C."""
    cases = tuple(
        Case(c, f"{c}-1", (
            make_person(f"{c}-1", c, given_name="Zahra", sex=Sex.FEMALE,
                        birth_date=date(1985, 3, 1), relationship="principal"),
            make_person(f"{c}-2", c, given_name=f"Child{c}", birth_date=date(2010, 1, 5),
                        relationship="child")))
        for c in "ABC")
    store_batch(session, batch=RegistryBatch(cases=cases))
    first = _merge(session, "B-1", "A-1")
    second = _merge(session, "C-1", "B-1")
    return first, second


def _merge(session: Session, kept: str, duplicate: str) -> PersonMerge:
    merge = merge_persons(ScreeningWorkflow(session), SqlMergeStore(session), kept, duplicate,
                          officer="amina", reason="same card", now=NOW)
    session.commit()
    return merge


def _reverse(session: Session, merge: PersonMerge) -> PersonMerge:
    undone = reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge.merge_id,
                           officer="bruno", reason="not the same after all", now=NOW)
    session.commit()
    return undone


def _members(session: Session, case_id: str) -> list[str]:
    return sorted(m.person_id for m in get_case(session, case_id=case_id).members)


def test_the_first_record_counts_as_the_end_of_the_chain(session: Session) -> None:
    _three_registrations(session)
    assert _members(session, "C") == ["A-2", "B-2", "C-1", "C-2"]
    assert sum(c.size for c in load_batch(session).cases) == 4
    assert survivors(session, ["A-1", "B-1", "C-1"]) == {"A-1": "C-1", "B-1": "C-1"}
    by_id = find_cases(session, text="A-1")
    assert [c.case_id for c in by_id.cases] == ["C"] and by_id.merged == (("A-1", "C-1"),)
    by_name = find_cases(session, text="zahra karimi")
    assert [c.case_id for c in by_name.cases] == ["C"]
    assert by_name.merged == (("A-1", "C-1"), ("B-1", "C-1"))
    with pytest.raises(MergedAwayError, match=r"A-1 was merged into C-1 .*act on C-1"):
        screening.record_consent(SqlScreeningStore(session), "C", "A-1",
                                 recorded_by="officer-a")


def test_no_merge_goes_through_a_merged_away_record(session: Session) -> None:
    _three_registrations(session)
    for kept, duplicate in (("A-1", "C-1"), ("C-1", "A-1"), ("A-2", "B-1")):
        with pytest.raises(MergedAwayError, match="was merged into C-1") as raised:
            _merge(session, kept, duplicate)
        assert raised.value.code == "merged_away"
        session.rollback()
    assert _members(session, "C") == ["A-2", "B-2", "C-1", "C-2"]
    assert survivors(session, ["A-1", "B-1", "C-1"]) == {"A-1": "C-1", "B-1": "C-1"}


def test_reversing_the_second_merge_leaves_the_first_in_effect(session: Session) -> None:
    first, second = _three_registrations(session)
    undone = _reverse(session, second)
    back = undone.reversal_case_id
    assert _members(session, back) == ["A-2", "B-1", "B-2"]  # B-1 a member again
    assert _members(session, "C") == ["C-1", "C-2"]
    assert survivors(session, ["A-1", "B-1"]) == {"A-1": "B-1"}  # A-1 still merged into B-1
    by_id = find_cases(session, text="A-1")
    assert [c.case_id for c in by_id.cases] == [back] and by_id.merged == (("A-1", "B-1"),)
    # ... and the first merge can be reversed in turn, from where B-1 now is.
    again = _reverse(session, first)
    assert _members(session, again.reversal_case_id) == ["A-1", "A-2"]
    assert _members(session, back) == ["B-1", "B-2"]
    assert survivors(session, ["A-1", "B-1"]) == {}
    assert sum(c.size for c in load_batch(session).cases) == 6


def test_the_first_merge_can_be_reversed_while_the_second_is_in_effect(
        session: Session) -> None:
    first, _ = _three_registrations(session)
    undone = _reverse(session, first)
    assert _members(session, undone.reversal_case_id) == ["A-1", "A-2"]
    assert _members(session, "C") == ["B-2", "C-1", "C-2"]
    assert survivors(session, ["A-1", "B-1"]) == {"B-1": "C-1"}
    assert sum(c.size for c in load_batch(session).cases) == 5
