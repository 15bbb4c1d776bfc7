"""The case workflow as an explicit state machine over :class:`CaseStatus`.

Every change is an :class:`Action` taken by an actor, at a time, for a reason, and becomes a
:class:`CaseEvent`. The table ``TRANSITIONS`` says which statuses each action leaves and where
it goes; *entry rules* say what must hold for a case to stand in a status at all (no open
exclusion review once a submission exists, every adult's consent once referred, never a
destination on a no-return list). Because the entry rules are checked on every way in —
resume from hold included — they hold by construction, not by the caller's care.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from resettle.core.status import CaseStatus as S
from resettle.core.status import Priority
from resettle.errors import IllegalTransitionError, PermissionDeniedError, RefoulementError


class Action(StrEnum):
    # pipeline
    ASSESS_NEEDS = "assess_needs"
    SCHEDULE_INTERVIEW = "schedule_interview"
    COMPLETE_INTERVIEWS = "complete_interviews"
    ASSESS_CLAIM = "assess_claim"
    RECOGNIZE = "recognize"
    REJECT = "reject"
    LODGE_APPEAL = "lodge_appeal"
    GRANT_APPEAL = "grant_appeal"
    DISMISS_APPEAL = "dismiss_appeal"
    START_EXCLUSION_REVIEW = "start_exclusion_review"
    CLEAR_EXCLUSION = "clear_exclusion"
    EXCLUDE = "exclude"
    DRAFT_SUBMISSION = "draft_submission"
    RECOMMEND = "recommend"
    REQUEST_REVISION = "request_revision"
    NOT_RECOMMEND = "not_recommend"
    REVISE_SUBMISSION = "revise_submission"
    RECONSIDER = "reconsider"
    REFER = "refer"
    REQUEST_INFORMATION = "request_information"
    PROVIDE_INFORMATION = "provide_information"
    ACCEPT = "accept"
    REFUSE = "refuse"
    WITHDRAW_REFERRAL = "withdraw_referral"  # the operation takes the file back from a state
    PREPARE_DEPARTURE = "prepare_departure"
    DEPART = "depart"
    REPORT_ARRIVAL = "report_arrival"
    # side states
    HOLD = "hold"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    # records that leave the status as it is (or, for membership, follow their own rules)
    SET_CATEGORIES = "set_categories"
    SET_PRIORITY = "set_priority"
    RECORD_INTERVIEW = "record_interview"
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    OPEN_EXCLUSION_REVIEW = "open_exclusion_review"
    ASSESS_EXCLUSION = "assess_exclusion"
    REVIEW_EXCLUSION = "review_exclusion"
    DECLARE_NO_RETURN = "declare_no_return"
    RECORD_RELATIVE = "record_relative"
    SPLIT = "split"
    SPLIT_FROM = "split_from"
    MERGE = "merge"
    MERGED_INTO = "merged_into"


class ClosureReason(StrEnum):
    DECEASED = "deceased"
    ABSCONDED = "absconded"
    LEFT_BY_OTHER_MEANS = "left_by_other_means"
    REJECTED = "rejected"  # final, after the appeal window or a dismissed appeal
    MERGED = "merged"  # only through merge_cases


TERMINAL = frozenset({S.CLOSED, S.WITHDRAWN, S.DEPARTED, S.ARRIVED})
SIDE = frozenset({S.ON_HOLD, S.EXCLUDED})
ACTIVE = frozenset(S) - TERMINAL - SIDE
# Once a submission exists, nobody with an open or concluded exclusion may be in the case.
SUBMISSION_STATES = frozenset(
    {S.SUBMISSION_DRAFTED, S.SUBMISSION_REVISE, S.NOT_RECOMMENDED, S.READY_FOR_REFERRAL,
     S.REFERRED, S.MORE_INFORMATION, S.ACCEPTED, S.PRE_DEPARTURE, S.DEPARTED}
)
# A host state holds the file: every adult's own consent and a permitted destination.
REFERRAL_STATES = frozenset({S.REFERRED, S.MORE_INFORMATION, S.ACCEPTED, S.PRE_DEPARTURE,
                             S.DEPARTED})
POST_RECOGNITION = frozenset({S.RECOGNIZED}) | (SUBMISSION_STATES - {S.DEPARTED})
# Membership may change before a host state holds the file.
MEMBERSHIP_STATES = frozenset(ACTIVE - REFERRAL_STATES) | {S.ON_HOLD}
# Pipeline order, used to pick the earlier stage when two cases merge.
PIPELINE = (S.REGISTERED, S.NEEDS_ASSESSED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.ASSESSED,
            S.REJECTED, S.APPEAL, S.RECOGNIZED, S.EXCLUSION_REVIEW, S.SUBMISSION_DRAFTED,
            S.SUBMISSION_REVISE, S.NOT_RECOMMENDED, S.READY_FOR_REFERRAL)

# action -> (statuses it may leave, status it goes to; None means decided from the history)
TRANSITIONS: Mapping[Action, tuple[frozenset[S], S | None]] = {
    Action.ASSESS_NEEDS: (frozenset({S.REGISTERED}), S.NEEDS_ASSESSED),
    Action.SCHEDULE_INTERVIEW: (frozenset({S.NEEDS_ASSESSED}), S.INTERVIEW_SCHEDULED),
    Action.COMPLETE_INTERVIEWS: (frozenset({S.INTERVIEW_SCHEDULED}), S.INTERVIEWED),
    Action.ASSESS_CLAIM: (frozenset({S.INTERVIEWED}), S.ASSESSED),
    Action.RECOGNIZE: (frozenset({S.ASSESSED}), S.RECOGNIZED),
    Action.REJECT: (frozenset({S.ASSESSED}), S.REJECTED),
    Action.LODGE_APPEAL: (frozenset({S.REJECTED}), S.APPEAL),
    Action.GRANT_APPEAL: (frozenset({S.APPEAL}), S.RECOGNIZED),
    Action.DISMISS_APPEAL: (frozenset({S.APPEAL}), S.REJECTED),
    Action.START_EXCLUSION_REVIEW: (POST_RECOGNITION, S.EXCLUSION_REVIEW),
    Action.CLEAR_EXCLUSION: (frozenset({S.EXCLUSION_REVIEW}), S.RECOGNIZED),
    Action.EXCLUDE: (frozenset({S.EXCLUSION_REVIEW}), S.EXCLUDED),
    Action.DRAFT_SUBMISSION: (frozenset({S.RECOGNIZED}), S.SUBMISSION_DRAFTED),
    Action.RECOMMEND: (frozenset({S.SUBMISSION_DRAFTED}), S.READY_FOR_REFERRAL),
    Action.REQUEST_REVISION: (frozenset({S.SUBMISSION_DRAFTED}), S.SUBMISSION_REVISE),
    Action.NOT_RECOMMEND: (frozenset({S.SUBMISSION_DRAFTED}), S.NOT_RECOMMENDED),
    Action.REVISE_SUBMISSION: (frozenset({S.SUBMISSION_REVISE}), S.SUBMISSION_DRAFTED),
    Action.RECONSIDER: (frozenset({S.NOT_RECOMMENDED}), S.RECOGNIZED),
    Action.REFER: (frozenset({S.READY_FOR_REFERRAL}), S.REFERRED),
    Action.REQUEST_INFORMATION: (frozenset({S.REFERRED}), S.MORE_INFORMATION),
    Action.PROVIDE_INFORMATION: (frozenset({S.MORE_INFORMATION}), S.REFERRED),
    Action.ACCEPT: (frozenset({S.REFERRED, S.MORE_INFORMATION}), S.ACCEPTED),
    # A refusal never points towards return: the case goes back to be placed elsewhere.
    Action.REFUSE: (frozenset({S.REFERRED, S.MORE_INFORMATION, S.ACCEPTED, S.PRE_DEPARTURE}),
                    S.READY_FOR_REFERRAL),
    Action.WITHDRAW_REFERRAL: (REFERRAL_STATES - {S.DEPARTED}, S.READY_FOR_REFERRAL),
    Action.PREPARE_DEPARTURE: (frozenset({S.ACCEPTED}), S.PRE_DEPARTURE),
    Action.DEPART: (frozenset({S.PRE_DEPARTURE}), S.DEPARTED),
    Action.REPORT_ARRIVAL: (frozenset({S.DEPARTED}), S.ARRIVED),
    Action.HOLD: (ACTIVE, S.ON_HOLD),
    Action.RESUME: (frozenset({S.ON_HOLD}), None),
    Action.WITHDRAW: (ACTIVE | {S.ON_HOLD}, S.WITHDRAWN),
    Action.CLOSE: (ACTIVE | SIDE, S.CLOSED),
}
STATUS_ACTIONS = frozenset(TRANSITIONS)
# Decisions a second person must take: action -> the earlier action whose actor may not.
FOUR_EYES: Mapping[Action, frozenset[Action]] = {
    Action.RECOMMEND: frozenset({Action.DRAFT_SUBMISSION, Action.REVISE_SUBMISSION}),
    Action.REQUEST_REVISION: frozenset({Action.DRAFT_SUBMISSION, Action.REVISE_SUBMISSION}),
    Action.NOT_RECOMMEND: frozenset({Action.DRAFT_SUBMISSION, Action.REVISE_SUBMISSION}),
    Action.GRANT_APPEAL: frozenset({Action.RECOGNIZE, Action.REJECT}),
    Action.DISMISS_APPEAL: frozenset({Action.RECOGNIZE, Action.REJECT}),
}


@dataclass(frozen=True)
class CaseEvent:
    """One step of a case's history. ``sequence`` counts from 1 without gaps."""

    case_id: str
    sequence: int
    action: Action
    actor: str
    at: datetime
    reason: str
    from_status: S
    to_status: S
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionRequest:
    action: Action
    actor: str
    at: datetime
    reason: str
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseFacts:
    """What the machine needs to know beyond the status; the service gathers it."""

    adults: frozenset[str] = frozenset()
    interviewed: frozenset[str] = frozenset()  # adults heard individually (and privately)
    consenting: frozenset[str] = frozenset()  # persons whose own consent currently stands
    open_reviews: frozenset[str] = frozenset()  # persons with an exclusion review not decided
    excluded: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    no_return: frozenset[str] = frozenset()  # the case's combined no-return list
    has_categories: bool = False
    appeal_days: int = 30
    history: tuple[CaseEvent, ...] = ()


def last_event(history: tuple[CaseEvent, ...], actions: frozenset[Action]) -> CaseEvent | None:
    return next((e for e in reversed(history) if e.action in actions), None)


def referral_country(history: tuple[CaseEvent, ...]) -> str | None:
    """The host state currently holding the file, if any."""
    event = last_event(history, frozenset({Action.REFER, Action.REFUSE,
                                           Action.WITHDRAW_REFERRAL}))
    return event.data.get("country") if event and event.action == Action.REFER else None


def refused_by(history: tuple[CaseEvent, ...]) -> frozenset[str]:
    return frozenset(e.data.get("country", "") for e in history if e.action == Action.REFUSE)


def held_from(history: tuple[CaseEvent, ...]) -> S | None:
    event = last_event(history, frozenset({Action.HOLD}))
    return event.from_status if event else None


def check_record_allowed(status: S, action: Action) -> None:
    """Records (interviews, consent, categories...) are kept until the case is finished."""
    if status in TERMINAL:
        raise IllegalTransitionError(
            f"'{action}' cannot be recorded: the case is {status}; nothing more is recorded"
        )


def allowed_actions(status: S) -> list[Action]:
    """Status-changing actions the table allows from ``status`` (guards aside)."""
    return [a for a, (sources, _) in TRANSITIONS.items() if status in sources]


def plan_transition(status: S, facts: CaseFacts, request: ActionRequest) -> S:
    """The status ``request`` leads to, or an error saying why not and what is allowed."""
    sources, target = TRANSITIONS[request.action]
    if status not in sources:
        allowed = ", ".join(allowed_actions(status)) or "none (the case is closed)"
        raise IllegalTransitionError(
            f"'{request.action}' is not allowed while the case is {status}; "
            f"allowed actions: {allowed}"
        )
    if target is None:
        target = _resume_target(facts)
    _check_four_eyes(facts, request)
    problems = _action_problems(status, facts, request) + entry_problems(target, facts, request)
    if problems:
        raise IllegalTransitionError(
            f"'{request.action}' cannot be taken yet: " + "; ".join(problems)
        )
    return target


def _resume_target(facts: CaseFacts) -> S:
    previous = held_from(facts.history) or S.REGISTERED
    # A destination declared unsafe during the hold: the file comes back to be placed again.
    if previous in REFERRAL_STATES and referral_country(facts.history) in facts.no_return:
        return S.READY_FOR_REFERRAL
    # An exclusion review opened during the hold takes precedence over the old stage.
    if previous in POST_RECOGNITION and facts.open_reviews:
        return S.EXCLUSION_REVIEW
    return previous


def _check_four_eyes(facts: CaseFacts, request: ActionRequest) -> None:
    earlier = FOUR_EYES.get(request.action)
    if earlier is None:
        return
    first = last_event(facts.history, earlier)
    if first is not None and first.actor == request.actor:
        raise PermissionDeniedError(
            f"'{request.action}' needs a second person: {request.actor} took '{first.action}' "
            "on this case; ask another officer"
        )


def _action_problems(status: S, facts: CaseFacts, request: ActionRequest) -> list[str]:
    action, problems = request.action, []
    if action == Action.COMPLETE_INTERVIEWS and (missing := facts.adults - facts.interviewed):
        problems.append(f"adult(s) not yet interviewed individually and privately: "
                        f"{', '.join(sorted(missing))}")
    appealed = last_event(facts.history, frozenset({Action.LODGE_APPEAL}))
    if action == Action.LODGE_APPEAL and appealed:
        problems.append("this case already had its appeal; close it as rejected")
    if action == Action.START_EXCLUSION_REVIEW and not facts.open_reviews:
        problems.append("no exclusion review is open; open one for a person first")
    if action == Action.CLEAR_EXCLUSION and (facts.open_reviews or facts.excluded):
        problems.append("every review must be decided and nobody excluded; split the excluded "
                        "member(s) into a case of their own first")
    if action == Action.EXCLUDE and (facts.members - facts.excluded or facts.open_reviews):
        problems.append("only a case whose every member was individually excluded can be; "
                        "family members are never excluded automatically — split first")
    if action == Action.DRAFT_SUBMISSION and not facts.has_categories:
        problems.append("set the primary and secondary categories first")
    if action == Action.REFER and request.data.get("submission_priority") not in set(Priority):
        problems.append("give the submission priority: emergency, urgent or normal")
    if action == Action.CLOSE:
        problems.extend(_close_problems(status, facts, request))
    return problems


def _close_problems(status: S, facts: CaseFacts, request: ActionRequest) -> list[str]:
    reason = request.data.get("closure", "")
    if reason not in set(ClosureReason) - {ClosureReason.MERGED}:
        return ["give a closure reason: deceased, absconded, left_by_other_means or rejected"]
    if reason != ClosureReason.REJECTED:
        return []
    if status != S.REJECTED:
        return ["only a rejected case can be closed as rejected"]
    decision = last_event(facts.history, frozenset({Action.REJECT, Action.DISMISS_APPEAL}))
    appealed = decision is not None and decision.action == Action.DISMISS_APPEAL
    if decision and not appealed and (request.at - decision.at).days < facts.appeal_days:
        return [f"the appeal window ({facts.appeal_days} days) is still open"]
    return []


def entry_problems(target: S, facts: CaseFacts, request: ActionRequest) -> list[str]:
    """What must hold for a case to stand in ``target``; empty means it may."""
    problems: list[str] = []
    if target in SUBMISSION_STATES:
        if facts.open_reviews:
            problems.append(f"exclusion review open for {', '.join(sorted(facts.open_reviews))}")
        if facts.excluded:
            problems.append(f"excluded member(s) {', '.join(sorted(facts.excluded))} cannot be "
                            "submitted; split them into a case of their own")
        if missing := facts.adults - facts.interviewed:
            problems.append(f"adult(s) not interviewed: {', '.join(sorted(missing))}")
    if target in REFERRAL_STATES:
        if missing := facts.adults - facts.consenting:
            problems.append(f"no current consent from adult(s) {', '.join(sorted(missing))}; "
                            "record each adult's own consent, or split the case")
        country = request.data.get("country") if request.action == Action.REFER else (
            referral_country(facts.history))
        _check_country(country, facts)
        if request.action == Action.REFER and country in refused_by(facts.history):
            problems.append(f"{country} already refused this case; refer it elsewhere")
    return problems


def _check_country(country: str | None, facts: CaseFacts) -> None:
    if not country:
        raise IllegalTransitionError("give the host state (ISO 3166-1 alpha-3) to refer to")
    if country in facts.no_return:
        raise RefoulementError(
            f"{country} is on the no-return list of a member of this case (non-refoulement); "
            "choose another host state"
        )
