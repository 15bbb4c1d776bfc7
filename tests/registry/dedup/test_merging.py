"""Review and merge through the screening workflow: both histories kept, reversible, four eyes
once a person has been interviewed; on SQLite and PostgreSQL through the real stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_store import (
    SqlDecisionStore,
    SqlMergeStore,
    SqlPairStore,
)
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.adapters.db.registry.store import get_case, store_batch
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core import RegistryBatch
from resettle.core.case import Case
from resettle.core.person import Person, Sex
from resettle.core.status import CaseStatus
from resettle.errors import IllegalTransitionError, PermissionDeniedError, ValidationError
from resettle.registry.dedup import Decision, MatchPair, decide_pair
from resettle.registry.dedup.merging import MergeStatus
from resettle.registry.dedup.service import (
    confirm_merge,
    duplicate_queue,
    merge_persons,
    refuse_merge,
    reverse_merge,
)
from resettle.screening.workflow import Action

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _person(pid: str, case_id: str, given: str, born: date, sex: Sex = Sex.FEMALE) -> Person:
    return Person(pid, case_id, given, "Rostami", sex, born, "IRN",
                  relationship="principal" if pid.endswith("-1") else "child")


def _world(session: Session, interviewed: bool = False) -> None:
    first = Case("A", "A-1", (_person("A-1", "A", "Parisa", date(1980, 4, 2)),
                              _person("A-2", "A", "Kian", date(2006, 9, 11), Sex.MALE)),
                 status=CaseStatus.INTERVIEWED if interviewed else CaseStatus.REGISTERED)
    # The family came back in pieces: the mother again, with a daughter not registered before.
    second = Case("B", "B-1", (_person("B-1", "B", "Parissa", date(1980, 4, 2)),
                               _person("B-2", "B", "Sara", date(2010, 1, 5))))
    store_batch(session, batch=RegistryBatch(cases=(first, second)))
    session.commit()


def test_a_merge_joins_the_family_keeps_both_histories_and_is_reversible(
        session: Session) -> None:
    _world(session)
    workflow, merges = ScreeningWorkflow(session), SqlMergeStore(session)
    merge = merge_persons(workflow, merges, "A-1", "B-1", officer="amina",
                          reason="same tazkira number", now=NOW)
    session.commit()
    assert merge.status is MergeStatus.MERGED and not merge.needs_second_officer
    assert merge.moved_ids == ("B-1", "B-2")
    joined = get_case(session, case_id="A")
    # B-1 joined with its family, and is merged away: the mother is counted once.
    assert [m.person_id for m in joined.members] == ["A-1", "A-2", "B-2"]
    assert get_case(session, case_id="B").status is CaseStatus.CLOSED
    screening = SqlScreeningStore(session)
    assert [e.action for e in screening.history("A")][-1] == Action.MERGE
    closed = screening.history("B")[-1]
    assert closed.action == Action.MERGED_INTO and closed.data["target_case"] == "A"
    assert "same tazkira number" in closed.reason

    undone = reverse_merge(workflow, merges, merge.merge_id, officer="bruno",
                           reason="different fathers after all", now=NOW)
    session.commit()
    assert undone.status is MergeStatus.REVERSED and undone.reversal_case_id
    assert [m.person_id for m in get_case(session, case_id="A").members] == ["A-1", "A-2"]
    back = get_case(session, case_id=undone.reversal_case_id)
    assert {m.person_id for m in back.members} == {"B-1", "B-2"}
    assert back.principal_id == "B-1"
    assert screening.history("B")[-1].action == Action.MERGED_INTO  # the old history stays
    with pytest.raises(IllegalTransitionError):
        reverse_merge(workflow, merges, merge.merge_id, officer="bruno", reason="again",
                      now=NOW)


def test_an_interviewed_person_is_merged_only_when_a_second_officer_confirms(
        session: Session) -> None:
    _world(session, interviewed=True)
    workflow, merges = ScreeningWorkflow(session), SqlMergeStore(session)
    proposal = merge_persons(workflow, merges, "A-1", "B-1", officer="amina",
                             reason="same photo", now=NOW)
    assert proposal.status is MergeStatus.PROPOSED and proposal.needs_second_officer
    assert get_case(session, case_id="B").status is CaseStatus.REGISTERED  # nothing moved yet
    with pytest.raises(PermissionDeniedError, match="four eyes"):
        confirm_merge(workflow, merges, proposal.merge_id, officer="amina", now=NOW)
    done = confirm_merge(workflow, merges, proposal.merge_id, officer="bruno", now=NOW)
    session.commit()
    assert done.status is MergeStatus.MERGED and done.decided_by == "bruno"
    assert get_case(session, case_id="B").status is CaseStatus.CLOSED
    # The joined case goes back to the earlier stage: the newcomers are not interviewed.
    assert get_case(session, case_id="A").status is CaseStatus.REGISTERED


def test_a_refused_proposal_changes_nothing_and_needs_another_officer(session: Session) -> None:
    _world(session, interviewed=True)
    workflow, merges = ScreeningWorkflow(session), SqlMergeStore(session)
    proposal = merge_persons(workflow, merges, "A-1", "B-1", officer="amina", reason="photo",
                             now=NOW)
    with pytest.raises(PermissionDeniedError):
        refuse_merge(merges, proposal.merge_id, officer="amina", now=NOW)
    refused = refuse_merge(merges, proposal.merge_id, officer="bruno", now=NOW)
    assert refused.status is MergeStatus.REFUSED
    assert get_case(session, case_id="B").status is CaseStatus.REGISTERED
    with pytest.raises(IllegalTransitionError):
        confirm_merge(workflow, merges, proposal.merge_id, officer="carla", now=NOW)


def test_the_queue_leaves_out_decided_and_merged_pairs(session: Session) -> None:
    _world(session)
    pairs, decisions, merges = SqlPairStore(session), SqlDecisionStore(session), \
        SqlMergeStore(session)
    pairs.save_pairs([MatchPair("B-1", "A-1", 0.97, 7.0), MatchPair("B-2", "A-2", 0.6, 1.0),
                      MatchPair("A-1", "A-2", 0.55, 0.5)], found_by="run")
    assert [(p.left_id, p.right_id) for p in duplicate_queue(pairs, decisions, merges)] == [
        ("A-1", "B-1"), ("A-2", "B-2"), ("A-1", "A-2")]
    decide_pair(decisions, "A-2", "A-1", Decision.DIFFERENT_PERSONS, officer="amina",
                reason="mother and son", now=NOW)
    merge_persons(ScreeningWorkflow(session), merges, "A-1", "B-1", officer="amina",
                  reason="same card", now=NOW)
    assert [(p.left_id, p.right_id) for p in duplicate_queue(pairs, decisions, merges)] == [
        ("A-2", "B-2")]


def test_a_merge_request_lists_every_problem(session: Session) -> None:
    with pytest.raises(ValidationError) as raised:
        merge_persons(ScreeningWorkflow(session), SqlMergeStore(session), "A-1", "A-1",
                      officer=" ", reason="", now=NOW)
    assert {i.field for i in raised.value.issues} == {"duplicate_person_id", "officer",
                                                      "reason"}
