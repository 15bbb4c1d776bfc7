"""Exclusion review, consent and interview records, deadlines and membership, one by one."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.core import Case, Person, Priority, Sex
from resettle.core.status import CaseStatus
from resettle.errors import (
    IllegalTransitionError,
    MergedAwayError,
    PermissionDeniedError,
    ValidationError,
)
from resettle.screening.deadlines import CaseClock, DeadlineTargets, Milestone, list_due
from resettle.screening.exclusion import (
    ASHRAF_TRIGGERS,
    Assessment,
    Clause,
    ExclusionReview,
    Indicators,
    Recommendation,
    ReviewDecision,
    assess_exclusion,
    match_triggers,
    review_exclusion,
)
from resettle.screening.membership import merge_cases, split_case
from resettle.screening.records import (
    Attendee,
    AttendeeKind,
    ConfidentialStatement,
    ConsentRecord,
    Interview,
    consenting_persons,
    interviewed_persons,
    statements_visible_to,
)
from resettle.screening.workflow import Action, CaseEvent

T0 = datetime(2013, 5, 1, 10, 0)


def no_merges(ids: Iterable[str]) -> dict[str, str]:
    """A registry where no record was merged into another."""
    return {}


def review() -> ExclusionReview:
    return ExclusionReview("XR1", "C1", "P1", ("armed_unit:NLA",), "officer-a", T0)


def full_assessment(assessor: str = "assessor-a") -> Assessment:
    return Assessment(assessor, T0, Recommendation.EXCLUDE, acts="ordered the shelling of X",
                      clause=Clause.A, individual_responsibility=True,
                      responsibility_reasons="commander with effective control",
                      defences="duress considered and rejected", proportionality="n/a for 1F(a)")


def test_triggers_match_case_insensitively_and_name_the_kind() -> None:
    found = match_triggers(Indicators(armed_units=frozenset({"nla"}),
                                      roles=frozenset({"cook"})), ASHRAF_TRIGGERS)
    assert found == ("armed_unit:NLA",)
    assert match_triggers(Indicators(roles=frozenset({"cook"})), ASHRAF_TRIGGERS) == ()


def test_membership_alone_never_excludes() -> None:
    bare = Assessment("assessor-a", T0, Recommendation.EXCLUDE)
    with pytest.raises(ValidationError) as error:
        assess_exclusion(review(), bare)
    codes = {issue.code for issue in error.value.issues}
    assert {"membership_alone", "no_individual_responsibility"} <= codes
    assert len(error.value.issues) == 5  # every missing part named at once


def test_the_assessor_cannot_approve_their_own_assessment() -> None:
    assessed = assess_exclusion(review(), full_assessment("assessor-a"))
    with pytest.raises(PermissionDeniedError):
        review_exclusion(assessed, reviewer="assessor-a", at=T0, decision=ReviewDecision.CONFIRM,
                         reason="agree")
    decided = review_exclusion(assessed, reviewer="reviewer-b", at=T0,
                               decision=ReviewDecision.CONFIRM, reason="agree")
    assert decided.excluded and not decided.is_open


def test_a_returned_assessment_is_open_again() -> None:
    assessed = assess_exclusion(review(), full_assessment())
    back = review_exclusion(assessed, reviewer="reviewer-b", at=T0,
                            decision=ReviewDecision.RETURN, reason="check the dates")
    assert back.is_open and back.outcome is None and back.returns == ("check the dates",)
    with pytest.raises(IllegalTransitionError):
        review_exclusion(back, reviewer="reviewer-b", at=T0, decision=ReviewDecision.CONFIRM,
                         reason="x")


def interview(person: str, *present: AttendeeKind) -> Interview:
    return Interview(f"I-{person}", "C1", person, "officer-a", T0,
                     others_present=tuple(Attendee(kind) for kind in present))


def test_an_interview_is_private_only_without_case_members_or_the_organisation() -> None:
    assert interview("P1", AttendeeKind.INTERPRETER).private
    assert not interview("P1", AttendeeKind.ORGANISATION).private
    assert not interview("P1", AttendeeKind.CASE_MEMBER).private
    heard = [interview("P1"), interview("P2", AttendeeKind.ORGANISATION)]
    assert interviewed_persons(heard, require_private=True) == {"P1"}
    assert interviewed_persons(heard, require_private=False) == {"P1", "P2"}


def test_the_latest_consent_counts_and_can_be_withdrawn() -> None:
    records = [ConsentRecord("C1", "P1", True, T0, "o"),
               ConsentRecord("C1", "P1", False, T0 + timedelta(days=1), "o"),
               ConsentRecord("C1", "P2", True, T0, "o"),
               ConsentRecord("C1", "P3", True, T0, "o", private=False),
               ConsentRecord("C1", "P2", True, T0 + timedelta(days=2), "o", private=False)]
    # P3 consented in front of others: it does not count, nor undo P2's private consent.
    assert consenting_persons(records, require_private=True) == {"P2"}
    assert consenting_persons(records, require_private=False) == {"P2", "P3"}


def test_a_member_sees_only_their_own_confidential_statements() -> None:
    statements = [ConfidentialStatement("S1", "C1", "P1", "secret of P1", "o", T0),
                  ConfidentialStatement("S2", "C1", "P2", "secret of P2", "o", T0)]
    visible = statements_visible_to(statements, "P2")
    assert [s.text for s in visible] == ["secret of P2"]


@given(st.sampled_from(list(Priority)), st.integers(0, 400))
def test_deadlines_follow_the_configured_targets(priority: Priority, age_days: int) -> None:
    targets = DeadlineTargets()
    today = date(2014, 1, 1)
    registered = datetime(2014, 1, 1) - timedelta(days=age_days)
    clock = CaseClock("C1", CaseStatus.INTERVIEWED, priority, registered)
    due = list_due([clock], targets, today)
    late = age_days > targets.processing_days[priority]
    assert bool(due.overdue) == late
    if due.overdue:
        assert due.overdue[0].milestone == Milestone.SUBMISSION


def test_a_referred_case_runs_on_the_submission_clock() -> None:
    clock = CaseClock("C1", CaseStatus.REFERRED, Priority.NORMAL, datetime(2012, 1, 1),
                      Priority.EMERGENCY, datetime(2013, 1, 1))
    due = list_due([clock], DeadlineTargets(), date(2013, 1, 5))
    assert due.due_soon[0].milestone == Milestone.DEPARTURE
    assert due.due_soon[0].due == date(2013, 1, 8)
    assert list_due([clock], DeadlineTargets(), date(2013, 1, 9)).overdue


def person(pid: str, case_id: str, relationship: str = "principal") -> Person:
    return Person(pid, case_id, "A", "B", Sex.MALE, date(1970, 1, 1), "IRN",
                  relationship=relationship)


def family() -> tuple[Case, tuple[CaseEvent, ...]]:
    case = Case("C1", "P1", (person("P1", "C1"), person("P2", "C1", "spouse"),
                             person("P3", "C1", "sibling")), status=CaseStatus.RECOGNIZED)
    history = (CaseEvent("C1", 1, Action.ASSESS_NEEDS, "o", T0, "r", CaseStatus.REGISTERED,
                         CaseStatus.NEEDS_ASSESSED),)
    return case, history


def test_split_keeps_history_on_both_sides_and_sizes_match_members() -> None:
    case, history = family()
    change = split_case(case, history, new_case_id="C1-2", member_ids=frozenset({"P1"}),
                        new_principal_id="P1", remaining_principal_id="P2", actor="o",
                        at=T0, reason="wants to go elsewhere", survivors=no_merges)
    source, new = change.cases
    assert [m.person_id for m in source.members] == ["P2", "P3"] and source.principal_id == "P2"
    assert [m.case_id for m in new.members] == ["C1-2"]
    assert source.size + new.size == case.size
    new_events = [e for e in change.events if e.case_id == "C1-2"]
    assert [e.sequence for e in new_events] == [1, 2]
    assert new_events[0].data["inherited_from"] == "C1"
    assert new_events[-1].action == Action.SPLIT_FROM


def test_split_reports_every_problem() -> None:
    case, history = family()
    with pytest.raises(ValidationError) as error:
        split_case(case, history, new_case_id="X", member_ids=frozenset({"P1", "P9"}),
                   new_principal_id="P3", remaining_principal_id=None, actor="o", at=T0,
                   reason="r", survivors=no_merges)
    assert len(error.value.issues) == 3
    assert [i.message for i in error.value.issues if i.code == "not_a_member"] == [
        "P9 is not in case C1: check the id"]


def test_a_split_naming_a_merged_away_record_says_whom_it_was_merged_into() -> None:
    case, history = family()
    merged = {"P9": "P2"}  # P9 registered twice, merged into P2

    def survivors(ids: Iterable[str]) -> dict[str, str]:
        return {i: merged[i] for i in ids if i in merged}

    with pytest.raises(MergedAwayError, match=r"P9 was merged into P2 .*act on P2"):
        split_case(case, history, new_case_id="X", member_ids=frozenset({"P3", "P9"}),
                   new_principal_id="P3", remaining_principal_id=None, actor="o", at=T0,
                   reason="r", survivors=survivors)
    with pytest.raises(MergedAwayError, match="P9 was merged into P2"):
        split_case(case, history, new_case_id="X", member_ids=frozenset({"P1"}),
                   new_principal_id="P1", remaining_principal_id="P9", actor="o", at=T0,
                   reason="r", survivors=survivors)


def test_merge_moves_members_and_closes_the_source() -> None:
    case, history = family()
    other = Case("C9", "P9", (person("P9", "C9"),), status=CaseStatus.REGISTERED)
    change = merge_cases(case, history, other, (), actor="o", at=T0, reason="family found")
    merged, closed = change.cases
    assert merged.size == 4 and merged.status == CaseStatus.REGISTERED  # the earlier stage
    assert closed.status == CaseStatus.CLOSED and closed.size == 0
    assert {m.relationship for m in merged.members if m.person_id == "P9"} == {"other_relative"}
