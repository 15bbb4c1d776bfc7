"""A record merged into another is no longer a member of its case for anything downstream
(case reads, placement inputs, reports, the simulator's snapshots), stays stored through
later writes of its case, and is a member again once the merge is reversed. SQLite and
PostgreSQL through the real stores."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resettle.adapters.db.placement.store import SqlPlacementStore
from resettle.adapters.db.registry.dedup_keys import SqlCandidateSource, reindex_registry
from resettle.adapters.db.registry.dedup_store import SqlMergeStore
from resettle.adapters.db.registry.dedup_tables import DedupFeatureRow
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.adapters.db.registry.members import members_only, survivors
from resettle.adapters.db.registry.store import (
    find_cases,
    get_case,
    list_cases,
    load_batch,
    store_batch,
    update_case,
)
from resettle.adapters.db.registry.tables import PersonRow
from resettle.adapters.db.reporting.store import SqlReportingStore
from resettle.adapters.db.simulation.store import DbOperationStore
from resettle.core import Dimension, MedicalCondition, RegistryBatch, Severity
from resettle.core.case import Case
from resettle.core.person import Person, Sex
from resettle.core.status import Priority
from resettle.errors import MergedAwayError
from resettle.registry.dedup.merging import MergeStatus
from resettle.registry.dedup.names import skeleton
from resettle.registry.dedup.service import merge_persons, reverse_merge

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _person(pid: str, case_id: str, given: str, born: date) -> Person:
    return Person(pid, case_id, given, "Karimi", Sex.FEMALE, born, "AFG",
                  relationship="principal" if pid.endswith("-1") else "child")


def _world(session: Session) -> None:
    first = Case("A", "A-1", (_person("A-1", "A", "Zahra", date(1985, 3, 1)),
                              _person("A-2", "A", "Mina", date(2009, 5, 2))))
    again = Case("B", "B-1", (_person("B-1", "B", "Zahra", date(1985, 3, 1)),
                              _person("B-2", "B", "Nilofar", date(2012, 7, 8))))
    store_batch(session, batch=RegistryBatch(cases=(first, again)))
    session.commit()


def _merge(session: Session, kept: str = "A-1", duplicate: str = "B-1") -> str:
    merge = merge_persons(ScreeningWorkflow(session), SqlMergeStore(session), kept, duplicate,
                          officer="amina", reason="same card", now=NOW)
    session.commit()
    return merge.merge_id


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PersonRow)) or 0


def test_downstream_readers_count_a_merged_person_once(session: Session) -> None:
    _world(session)
    _merge(session)
    assert [m.person_id for m in get_case(session, case_id="A").members] == [
        "A-1", "A-2", "B-2"]
    assert sum(c.size for c in load_batch(session).cases) == 3
    placement = SqlPlacementStore(session).placement_inputs()
    assert {m.person_id for c in placement.batch.cases for m in c.members} == {
        "A-1", "A-2", "B-2"}
    profiles = {p.case_id: p for p in SqlReportingStore(session).case_profiles()}
    assert len(profiles["A"].members) == 3 and not profiles["B"].members
    snapshots = DbOperationStore(session).case_snapshots(date(2026, 12, 7))
    assert sum(s.persons for s in snapshots) == 3
    assert _stored(session) == 4  # the record itself stays, for its history and a reversal
    assert survivors(session, ["B-1", "B-2"]) == {"B-1": "A-1"}
    members = session.scalars(members_only(select(PersonRow.person_id))).all()
    assert sorted(members) == ["A-1", "A-2", "B-2"]


def test_a_later_write_of_the_case_keeps_the_record_and_a_reversal_restores_it(
        session: Session) -> None:
    _world(session)
    merge_id = _merge(session)
    joined = get_case(session, case_id="A")
    update_case(session, case=replace(joined, processing_priority=Priority.URGENT),
                expected_version=joined.version)
    store_batch(session, batch=RegistryBatch(cases=(get_case(session, case_id="A"),)))
    session.commit()
    assert _stored(session) == 4
    undone = reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                           officer="bruno", reason="two cousins", now=NOW)
    session.commit()
    assert undone.status is MergeStatus.REVERSED
    back = get_case(session, case_id=undone.reversal_case_id)
    assert {m.person_id for m in back.members} == {"B-1", "B-2"}
    assert survivors(session, ["B-1"]) == {}
    assert sum(c.size for c in load_batch(session).cases) == 4


def test_a_merge_within_one_case_is_reversed_without_a_split(session: Session) -> None:
    _world(session)
    merge_id = _merge(session, "A-1", "A-2")
    assert [m.person_id for m in get_case(session, case_id="A").members] == ["A-1"]
    undone = reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                           officer="bruno", reason="mother and daughter", now=NOW)
    session.commit()
    assert undone.reversal_case_id == ""
    assert [m.person_id for m in get_case(session, case_id="A").members] == ["A-1", "A-2"]


def test_a_merged_away_record_cannot_be_kept_nor_merged_again(session: Session) -> None:
    _world(session)
    _merge(session)
    workflow, merges = ScreeningWorkflow(session), SqlMergeStore(session)
    with pytest.raises(MergedAwayError, match="merged into A-1") as raised:
        merge_persons(workflow, merges, "B-1", "B-2", officer="amina", reason="x", now=NOW)
    assert raised.value.code == "merged_away"
    with pytest.raises(MergedAwayError):
        merge_persons(workflow, merges, "A-2", "B-1", officer="amina", reason="x", now=NOW)


def test_the_principal_of_a_shared_case_is_not_merged_away(session: Session) -> None:
    _world(session)
    with pytest.raises(MergedAwayError, match="principal"):
        _merge(session, "A-2", "A-1")
    assert [m.person_id for m in get_case(session, case_id="A").members] == ["A-1", "A-2"]
    _merge(session, "A-1", "A-2")  # the other way round is allowed


def _indexed(session: Session) -> dict[str, list[str]]:
    """Person id -> relatives keys, as the deduplication index holds them."""
    rows = session.execute(select(DedupFeatureRow.person_id, DedupFeatureRow.features))
    return {pid: json.loads(text)["relatives_keys"] or [] for pid, text in rows}


def test_the_index_follows_a_merge_and_its_reversal(session: Session) -> None:
    _world(session)
    merge_id = _merge(session)
    indexed = _indexed(session)
    assert "B-1" not in indexed  # a check meets the survivor, not the merged-away record
    # The joined household without the merged-away record: not "Zahra" twice.
    assert indexed["A-1"] == sorted({skeleton("Mina"), skeleton("Nilofar")})
    assert skeleton("Zahra") in indexed["B-2"]
    candidates = SqlCandidateSource(session).candidates(
        [("exact_dob+sex", "1985-03-01\x1fF")])
    assert [c["unique_id"] for c in candidates] == ["A-1"]
    reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                  officer="bruno", reason="two cousins", now=NOW)
    session.commit()
    indexed = _indexed(session)
    assert indexed["B-1"] == [skeleton("Nilofar")]
    assert indexed["A-1"] == [skeleton("Mina")]
    assert reindex_registry(session) == 4
    assert _indexed(session) == indexed  # a rebuild gives the same index


def test_a_rebuilt_index_leaves_merged_away_records_out(session: Session) -> None:
    _world(session)
    _merge(session)
    before = _indexed(session)
    assert reindex_registry(session) == 3
    assert _indexed(session) == before


def test_a_search_shows_a_merged_away_record_only_as_merged_into_its_survivor(
        session: Session) -> None:
    _world(session)
    merge_id = _merge(session)
    by_name = find_cases(session, text="zahra karimi")
    assert [c.case_id for c in by_name.cases] == ["A"]  # the survivor's case, once
    assert by_name.merged == (("B-1", "A-1"),)
    by_id = find_cases(session, text="B-1")
    assert [c.case_id for c in by_id.cases] == ["A"] and by_id.merged == (("B-1", "A-1"),)
    assert find_cases(session, text="Nilofar").merged == ()
    reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                  officer="bruno", reason="two cousins", now=NOW)
    session.commit()
    again = find_cases(session, text="zahra")
    assert again.merged == () and len(again.cases) == 2


def _needing(session: Session, need: Dimension) -> list[str]:
    """The cases the case list finds needing ``need`` (from the cases table's flags)."""
    return [c.case_id for c in list_cases(session, need=need, limit=100).cases]


def test_need_flags_follow_a_merge_within_a_case_and_its_reversal(session: Session) -> None:
    ill = MedicalCondition("renal failure", Severity.SEVERE, ("dialysis",))
    members = [_person(f"L-{n}", "L", f"Child{n}", date(2005 + n, 1, 1)) for n in range(2, 6)]
    # Six records, one of them the mother registered twice (with her condition noted once).
    large = Case("L", "L-1", (_person("L-1", "L", "Zahra", date(1985, 3, 1)), *members,
                              replace(_person("L-9", "L", "Zahra", date(1985, 3, 1)),
                                      medical_conditions=(ill,))))
    store_batch(session, batch=RegistryBatch(cases=(large,)))
    session.commit()
    assert _needing(session, Dimension.MEDICAL_PLACES) == ["L"]
    assert _needing(session, Dimension.LARGE_FAMILY_UNITS) == ["L"]
    merge_id = _merge(session, "L-1", "L-9")
    # Five persons now, none with a recorded condition: the flags say so at once.
    assert _needing(session, Dimension.MEDICAL_PLACES) == []
    assert _needing(session, Dimension.LARGE_FAMILY_UNITS) == []
    reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                  officer="bruno", reason="two sisters", now=NOW)
    session.commit()
    assert _needing(session, Dimension.MEDICAL_PLACES) == ["L"]
    assert _needing(session, Dimension.LARGE_FAMILY_UNITS) == ["L"]


def test_need_flags_follow_a_merge_joining_two_cases_and_its_reversal(
        session: Session) -> None:
    _world(session)
    ill = MedicalCondition("renal failure", Severity.SEVERE, ("dialysis",))
    again = get_case(session, case_id="B")
    update_case(session, case=again.with_members(tuple(
        replace(m, medical_conditions=(ill,)) if m.person_id == "B-1" else m
        for m in again.members)), expected_version=again.version)
    session.commit()
    assert _needing(session, Dimension.MEDICAL_PLACES) == ["B"]
    merge_id = _merge(session)  # B-1 (with the condition) merged into A-1 (without)
    assert _needing(session, Dimension.MEDICAL_PLACES) == []
    undone = reverse_merge(ScreeningWorkflow(session), SqlMergeStore(session), merge_id,
                           officer="bruno", reason="two cousins", now=NOW)
    session.commit()
    assert _needing(session, Dimension.MEDICAL_PLACES) == [undone.reversal_case_id]
