"""The state machine on its own: table, entry rules, four eyes, host refusal, resume."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from resettle.core.status import CaseStatus as S
from resettle.errors import IllegalTransitionError, PermissionDeniedError, RefoulementError
from resettle.screening.workflow import (
    ACTIVE,
    TERMINAL,
    TRANSITIONS,
    Action,
    ActionRequest,
    CaseEvent,
    CaseFacts,
    allowed_actions,
    plan_transition,
)

T0 = datetime(2012, 3, 1, 9, 0)
READY = CaseFacts(
    adults=frozenset({"P1", "P2"}), interviewed=frozenset({"P1", "P2"}),
    consenting=frozenset({"P1", "P2"}), members=frozenset({"P1", "P2"}),
    no_return=frozenset({"IRN", "IRQ"}), has_categories=True,
)


def request(action: Action, actor: str = "officer-a", days: int = 0, **data: str) -> ActionRequest:
    return ActionRequest(action, actor, T0 + timedelta(days=days), "because", data)


class Walker:
    """Applies actions one by one, keeping status and history like the service does."""

    def __init__(self, facts: CaseFacts = READY, status: S = S.REGISTERED) -> None:
        self.facts, self.status, self.day = facts, status, 0

    def do(self, action: Action, actor: str = "officer-a", **data: str) -> S:
        self.day += 1
        req = request(action, actor, self.day, **data)
        target = plan_transition(self.status, self.facts, req)
        event = CaseEvent("C1", len(self.facts.history) + 1, action, actor, req.at, req.reason,
                          self.status, target, data)
        self.facts = replace(self.facts, history=(*self.facts.history, event))
        self.status = target
        return target


def walk_to_ready(walker: Walker) -> None:
    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW, Action.COMPLETE_INTERVIEWS,
                   Action.ASSESS_CLAIM, Action.RECOGNIZE, Action.DRAFT_SUBMISSION):
        walker.do(action)
    walker.do(Action.RECOMMEND, actor="reviewer-b")


def test_happy_path_reaches_arrival() -> None:
    walker = Walker()
    walk_to_ready(walker)
    assert walker.status == S.READY_FOR_REFERRAL
    walker.do(Action.REFER, country="ALB", submission_priority="urgent")
    walker.do(Action.REQUEST_INFORMATION)
    walker.do(Action.PROVIDE_INFORMATION)
    walker.do(Action.ACCEPT)
    walker.do(Action.PREPARE_DEPARTURE)
    walker.do(Action.DEPART)
    assert walker.do(Action.REPORT_ARRIVAL) == S.ARRIVED
    assert [e.sequence for e in walker.facts.history] == list(range(1, 15))


def test_illegal_action_names_the_allowed_ones() -> None:
    with pytest.raises(IllegalTransitionError) as error:
        plan_transition(S.REGISTERED, READY, request(Action.REFER, country="ALB"))
    assert "assess_needs" in error.value.message and "hold" in error.value.message


def test_terminal_statuses_allow_nothing_but_arrival_after_departure() -> None:
    for status in TERMINAL:
        expected = [Action.REPORT_ARRIVAL] if status == S.DEPARTED else []
        assert allowed_actions(status) == expected


def test_host_refusal_goes_back_to_placement_never_towards_return() -> None:
    walker = Walker()
    walk_to_ready(walker)
    walker.do(Action.REFER, country="DEU", submission_priority="normal")
    assert walker.do(Action.REFUSE, country="DEU") == S.READY_FOR_REFERRAL
    with pytest.raises(IllegalTransitionError, match="already refused"):
        walker.do(Action.REFER, country="DEU", submission_priority="normal")
    assert walker.do(Action.REFER, country="ALB", submission_priority="normal") == S.REFERRED
    # No action anywhere leads from a host's answer to a status before recognition.
    for action in (Action.REFUSE, Action.REQUEST_INFORMATION, Action.ACCEPT):
        target = TRANSITIONS[action][1]
        assert target in {S.READY_FOR_REFERRAL, S.MORE_INFORMATION, S.ACCEPTED}


@pytest.mark.parametrize("country", ["IRN", "IRQ"])
def test_referral_to_a_no_return_country_is_refused(country: str) -> None:
    walker = Walker()
    walk_to_ready(walker)
    with pytest.raises(RefoulementError):
        walker.do(Action.REFER, country=country, submission_priority="urgent")
    assert walker.status == S.READY_FOR_REFERRAL


def test_referral_needs_every_adults_own_consent() -> None:
    walker = Walker(replace(READY, consenting=frozenset({"P1"})))
    walk_to_ready(walker)
    with pytest.raises(IllegalTransitionError, match="P2"):
        walker.do(Action.REFER, country="ALB", submission_priority="urgent")


def test_interviews_complete_only_when_every_adult_was_heard() -> None:
    walker = Walker(replace(READY, interviewed=frozenset({"P1"})))
    walker.do(Action.ASSESS_NEEDS)
    walker.do(Action.SCHEDULE_INTERVIEW)
    with pytest.raises(IllegalTransitionError, match="P2"):
        walker.do(Action.COMPLETE_INTERVIEWS)


def test_open_exclusion_review_blocks_the_submission() -> None:
    walker = Walker(replace(READY, open_reviews=frozenset({"P1"})))
    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW, Action.COMPLETE_INTERVIEWS,
                   Action.ASSESS_CLAIM, Action.RECOGNIZE):
        walker.do(action)
    with pytest.raises(IllegalTransitionError, match="exclusion review open"):
        walker.do(Action.DRAFT_SUBMISSION)
    assert walker.do(Action.START_EXCLUSION_REVIEW) == S.EXCLUSION_REVIEW
    with pytest.raises(IllegalTransitionError):
        walker.do(Action.CLEAR_EXCLUSION)


def test_a_family_member_is_never_excluded_with_the_case() -> None:
    walker = Walker(replace(READY, excluded=frozenset({"P1"})), status=S.EXCLUSION_REVIEW)
    with pytest.raises(IllegalTransitionError, match="never excluded automatically"):
        walker.do(Action.EXCLUDE)
    walker.facts = replace(walker.facts, excluded=frozenset({"P1", "P2"}))
    assert walker.do(Action.EXCLUDE) == S.EXCLUDED
    assert Action.REFER not in allowed_actions(S.EXCLUDED)
    assert Action.DRAFT_SUBMISSION not in allowed_actions(S.EXCLUDED)


@pytest.mark.parametrize("review", [Action.RECOMMEND, Action.REQUEST_REVISION,
                                    Action.NOT_RECOMMEND])
def test_the_drafter_cannot_review_their_own_submission(review: Action) -> None:
    walker = Walker()
    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW, Action.COMPLETE_INTERVIEWS,
                   Action.ASSESS_CLAIM, Action.RECOGNIZE, Action.DRAFT_SUBMISSION):
        walker.do(action)
    with pytest.raises(PermissionDeniedError):
        walker.do(review, actor="officer-a")
    walker.do(review, actor="reviewer-b")


def test_appeal_is_decided_by_a_different_officer() -> None:
    walker = Walker()
    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW, Action.COMPLETE_INTERVIEWS,
                   Action.ASSESS_CLAIM, Action.REJECT, Action.LODGE_APPEAL):
        walker.do(action)
    with pytest.raises(PermissionDeniedError):
        walker.do(Action.GRANT_APPEAL, actor="officer-a")
    walker.do(Action.DISMISS_APPEAL, actor="officer-c")
    with pytest.raises(IllegalTransitionError, match="already had its appeal"):
        walker.do(Action.LODGE_APPEAL)
    assert walker.do(Action.CLOSE, closure="rejected") == S.CLOSED


def test_a_rejected_case_stays_open_during_the_appeal_window() -> None:
    walker = Walker()
    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW, Action.COMPLETE_INTERVIEWS,
                   Action.ASSESS_CLAIM, Action.REJECT):
        walker.do(action)
    with pytest.raises(IllegalTransitionError, match="appeal window"):
        walker.do(Action.CLOSE, closure="rejected")
    walker.day += 30
    assert walker.do(Action.CLOSE, closure="rejected") == S.CLOSED


def test_closing_needs_a_reason_from_the_list() -> None:
    with pytest.raises(IllegalTransitionError, match="closure reason"):
        plan_transition(S.REGISTERED, READY, request(Action.CLOSE))
    target = plan_transition(S.REGISTERED, READY, request(Action.CLOSE, closure="deceased"))
    assert target == S.CLOSED


def test_resume_returns_where_the_case_was_held() -> None:
    walker = Walker()
    walk_to_ready(walker)
    walker.do(Action.HOLD)
    assert walker.do(Action.RESUME) == S.READY_FOR_REFERRAL


def test_resume_goes_to_exclusion_review_when_one_opened_during_the_hold() -> None:
    walker = Walker()
    walk_to_ready(walker)
    walker.do(Action.HOLD)
    walker.facts = replace(walker.facts, open_reviews=frozenset({"P2"}))
    assert walker.do(Action.RESUME) == S.EXCLUSION_REVIEW


def test_resume_into_a_referral_checks_consent_again() -> None:
    walker = Walker()
    walk_to_ready(walker)
    walker.do(Action.REFER, country="ALB", submission_priority="emergency")
    walker.do(Action.HOLD)
    walker.facts = replace(walker.facts, consenting=frozenset({"P1"}))
    with pytest.raises(IllegalTransitionError, match="consent"):
        walker.do(Action.RESUME)


def test_every_active_status_can_be_held_withdrawn_and_closed() -> None:
    for status in ACTIVE:
        for action in (Action.HOLD, Action.WITHDRAW, Action.CLOSE):
            assert action in allowed_actions(status)
