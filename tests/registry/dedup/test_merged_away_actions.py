"""An action naming a record merged away as a duplicate says so, and whom to act on (the one
membership rule of ``core.membership``): screening, referral and departures, through the
real stores on SQLite and PostgreSQL. A person who is simply not in the case still gets
``not_a_member``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from referral_helpers import Clock, make_ready, refer_ready
from registry_samples import make_person
from resettle.adapters.db.departures.store import SqlDeparturesStore
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.dedup_store import SqlMergeStore
from resettle.adapters.db.registry.dedup_workflow import ScreeningWorkflow
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core import Pledge, RegistryBatch, Relative, Sex
from resettle.core.case import Case
from resettle.departures import service as departures
from resettle.departures.records import ItemKind
from resettle.errors import MergedAwayError, ValidationError
from resettle.referral import service as referral
from resettle.referral.records import ReferralState
from resettle.registry.dedup.service import confirm_merge, merge_persons
from resettle.screening import service as screening
from resettle.screening.records import Attendee, AttendeeKind, Interview
from screening_helpers import family_case

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
AT = datetime(2026, 12, 7, 11, 0)  # naive UTC, as the stores keep it
SAID = ("B-1 was merged into A-1 (a duplicate registration): act on A-1, or reverse that "
        "merge first")


def _registered_twice(session: Session) -> None:
    """Case A (A-1, A-2); the mother registered again with a daughter as case B; B-1 merged
    into A-1, so B's family joined case A and B-1 is merged away."""
    first = Case("A", "A-1", (make_person("A-1", "A", sex=Sex.FEMALE, relationship="principal"),
                              make_person("A-2", "A", relationship="spouse")))
    again = Case("B", "B-1", (make_person("B-1", "B", sex=Sex.FEMALE, relationship="principal"),
                              make_person("B-2", "B", birth_date=date(2010, 1, 5),
                                          relationship="child")))
    store_batch(session, batch=RegistryBatch(cases=(first, again)))
    merge_persons(ScreeningWorkflow(session), SqlMergeStore(session), "A-1", "B-1",
                  officer="amina", reason="same card", now=NOW)


def _interview(person_id: str) -> Interview:
    return Interview(f"IV-{person_id}", "A", person_id, "officer-a", screening.utc_now(),
                     "fas", (Attendee(AttendeeKind.INTERPRETER, "independent"),))


Action = Callable[[SqlScreeningStore, str], Any]
SCREENING_ACTIONS: dict[str, Action] = {
    "exclusion review": lambda s, p: screening.open_exclusion_review(
        s, "A", p, actor="officer-a", reason="r", triggers=("armed_unit",)),
    "interview": lambda s, p: screening.record_interview(s, _interview(p)),
    "consent": lambda s, p: screening.record_consent(s, "A", p, recorded_by="officer-a"),
    "consent withdrawn": lambda s, p: screening.withdraw_consent(
        s, "A", p, recorded_by="officer-a"),
    "statement recorded": lambda s, p: screening.record_statement(
        s, "A", p, "text", recorded_by="officer-a"),
    "statements read": lambda s, p: screening.read_statements(s, "A", p, viewer_person_id=p),
    "no-return declared": lambda s, p: screening.declare_no_return(
        s, "A", p, "AFG", actor="officer-a", reason="r"),
    "relative traced": lambda s, p: screening.record_relative(
        s, "A", p, Relative("Karim", "brother", "DEU"), actor="officer-a"),
    "split": lambda s, p: screening.split_case(
        s, "A", frozenset({p, "B-2"}), new_principal_id="B-2", actor="officer-a",
        reason="r"),
}


@pytest.mark.parametrize("action", SCREENING_ACTIONS)
def test_a_screening_action_naming_a_merged_away_record_says_whom_to_act_on(
        session: Session, action: str) -> None:
    _registered_twice(session)
    store = SqlScreeningStore(session)
    with pytest.raises(MergedAwayError) as raised:
        SCREENING_ACTIONS[action](store, "B-1")
    assert raised.value.code == "merged_away" and str(raised.value) == SAID
    with pytest.raises(ValidationError) as stranger:
        SCREENING_ACTIONS[action](store, "Z-9")
    assert [i.code for i in stranger.value.issues if "Z-9" in i.message] == ["not_a_member"]


def test_the_same_actions_on_the_survivor_go_through(session: Session) -> None:
    _registered_twice(session)
    store = SqlScreeningStore(session)
    screening.record_interview(store, _interview("A-1"))
    screening.record_consent(store, "A", "A-1", recorded_by="officer-a")
    screening.record_statement(store, "A", "A-1", "text", recorded_by="officer-a")
    assert [s.text for s in screening.read_statements(store, "A", "A-1",
                                                      viewer_person_id="A-1")] == ["text"]


def test_the_merged_away_record_is_refused_on_its_old_closed_case_too(session: Session) -> None:
    _registered_twice(session)
    with pytest.raises(MergedAwayError, match="act on A-1"):
        screening.record_statement(SqlScreeningStore(session), "B", "B-1", "text",
                                   recorded_by="officer-a")


def _referred_with_a_duplicate(session: Session) -> int:
    """Case F1 (three adults, a child) referred to Albania; F1-A3 is F1-A2 registered twice
    in the same case, merged into F1-A2 (by two officers: the case was interviewed)."""
    pledge = Pledge("PL-ALB", "ALB", date(2012, 1, 1), date(2030, 12, 31), 100)
    store_batch(session, batch=RegistryBatch(cases=(family_case("F1", adults=3),),
                                             pledges=(pledge,)))
    store = SqlReferralStore(session)
    clock = Clock()
    make_ready(store, "F1", clock)
    referral_id = refer_ready(store, "F1", "ALB", clock).referral_id
    workflow, merges = ScreeningWorkflow(session), SqlMergeStore(session)
    proposal = merge_persons(workflow, merges, "F1-A2", "F1-A3", officer="amina",
                             reason="same card", now=NOW)
    confirm_merge(workflow, merges, proposal.merge_id, officer="bruno", now=NOW)
    return referral_id


def test_a_split_decision_naming_a_merged_away_record_says_so(session: Session) -> None:
    referral_id = _referred_with_a_duplicate(session)
    store = SqlReferralStore(session)

    def split(*accepted: str) -> Any:
        return referral.decide_referral(store, referral_id, "split", actor="liaison",
                                        reason="one refused", accepted_persons=accepted)

    with pytest.raises(MergedAwayError, match=r"F1-A3 was merged into F1-A2 .*act on F1-A2"):
        split("F1-A1", "F1-A3")
    with pytest.raises(ValidationError) as stranger:
        split("F1-A1", "Z-9")
    assert "not_a_member" in [i.code for i in stranger.value.issues]
    assert split("F1-A1", "F1-A2").state == ReferralState.SPLIT


def test_a_checklist_item_for_a_merged_away_record_says_so(session: Session) -> None:
    _referred_with_a_duplicate(session)
    store = SqlDeparturesStore(session)

    def item(person_id: str) -> Any:
        return departures.record_item(store, "F1", person_id, ItemKind.TRAVEL_DOCUMENT,
                                      valid_from=AT, valid_until=AT + timedelta(days=300),
                                      actor="movement-1")

    with pytest.raises(MergedAwayError, match="F1-A3 was merged into F1-A2"):
        item("F1-A3")
    with pytest.raises(ValidationError) as stranger:
        item("Z-9")
    assert [i.code for i in stranger.value.issues] == ["not_a_member"]
    assert item("F1-A2").item.person_id == "F1-A2"
