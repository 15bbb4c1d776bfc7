"""Exclusion review under Article 1F of the 1951 Refugee Convention.

A trigger (membership of an armed unit, alleged involvement in a named event, a role held)
opens an *individual* assessment; membership alone never excludes. The assessor works through
acts, individual responsibility and defences, and proportionality; a different person reviews.
Exclusion is personal: a family member is never excluded because a relative was. An excluded
person cannot be submitted for resettlement, and stays protected from return.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from resettle.core.issues import Issue, IssueLog
from resettle.errors import IllegalTransitionError, PermissionDeniedError


class Clause(StrEnum):
    A = "1F(a)"  # crime against peace, war crime, crime against humanity
    B = "1F(b)"  # serious non-political crime outside the country of refuge
    C = "1F(c)"  # acts contrary to the purposes and principles of the United Nations


class ReviewState(StrEnum):
    OPEN = "open"  # waiting for the assessment
    ASSESSED = "assessed"  # waiting for a second person's review
    DECIDED = "decided"


class Recommendation(StrEnum):
    EXCLUDE = "exclude"
    INCLUDE = "include"  # not excluded: serious reasons not established


class ReviewDecision(StrEnum):
    CONFIRM = "confirm"  # the assessment's recommendation becomes the outcome
    RETURN = "return"  # back to the assessor with the reviewer's reasons


@dataclass(frozen=True)
class ExclusionTriggers:
    """What opens a review. Configurable per operation; matched case-insensitively."""

    armed_units: frozenset[str] = frozenset()
    named_events: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


# Camp Ashraf: the organisation had an armed wing until 2003; allegations about named events
# were raised against some members. Keys, not findings: they only open an individual review.
ASHRAF_TRIGGERS = ExclusionTriggers(
    armed_units=frozenset({"NLA"}),
    named_events=frozenset({"operation_mersad_1988", "uprisings_1991"}),
    roles=frozenset({"commander", "interrogator", "intelligence_officer", "security_officer"}),
)


@dataclass(frozen=True)
class Indicators:
    """What a person told or what is known about them, as recorded at screening."""

    armed_units: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


def match_triggers(indicators: Indicators, triggers: ExclusionTriggers) -> tuple[str, ...]:
    """Every configured trigger the indicators meet, e.g. ``('armed_unit:NLA',)``."""

    def hits(kind: str, found: frozenset[str], configured: frozenset[str]) -> list[str]:
        wanted = {c.casefold(): c for c in configured}
        return [f"{kind}:{wanted[f.casefold()]}" for f in found if f.casefold() in wanted]

    return tuple(sorted(
        hits("armed_unit", indicators.armed_units, triggers.armed_units)
        + hits("event", indicators.events, triggers.named_events)
        + hits("role", indicators.roles, triggers.roles)
    ))


@dataclass(frozen=True)
class Assessment:
    """The assessor's reasoning, in the order the law asks for it."""

    assessor: str
    at: datetime
    recommendation: Recommendation
    acts: str = ""  # which acts, where, when; not membership
    clause: Clause | None = None
    individual_responsibility: bool = False  # serious reasons for considering them responsible
    responsibility_reasons: str = ""
    defences: str = ""  # duress, self-defence, superior orders, mental capacity, expiation
    proportionality: str = ""


@dataclass(frozen=True)
class ExclusionReview:
    review_id: str
    case_id: str
    person_id: str
    triggers: tuple[str, ...]
    opened_by: str
    opened_at: datetime
    state: ReviewState = ReviewState.OPEN
    assessment: Assessment | None = None
    reviewer: str = ""
    reviewed_at: datetime | None = None
    review_reason: str = ""
    outcome: Recommendation | None = None  # set once decided
    returns: tuple[str, ...] = field(default=())  # reasons given each time it was sent back

    @property
    def is_open(self) -> bool:
        return self.state != ReviewState.DECIDED

    @property
    def excluded(self) -> bool:
        return self.outcome == Recommendation.EXCLUDE


def assessment_issues(assessment: Assessment, review_id: str) -> list[Issue]:
    log = IssueLog()
    if not assessment.assessor.strip():
        log.add("missing_value", "name the assessor", field="assessor", record=review_id)
    if assessment.recommendation == Recommendation.EXCLUDE:
        if not assessment.acts.strip():
            log.add("membership_alone", "membership alone never excludes: describe the "
                    "individual acts", field="acts", record=review_id)
        if assessment.clause is None:
            log.add("missing_value", "name the clause: 1F(a), 1F(b) or 1F(c)", field="clause",
                    record=review_id)
        if not assessment.individual_responsibility or not assessment.responsibility_reasons:
            log.add("no_individual_responsibility", "exclusion needs serious reasons for "
                    "considering the person individually responsible, with reasons",
                    field="individual_responsibility", record=review_id)
        if not assessment.defences.strip():
            log.add("missing_value", "record which defences were considered", field="defences",
                    record=review_id)
        if not assessment.proportionality.strip():
            log.add("missing_value", "record the proportionality assessment",
                    field="proportionality", record=review_id)
    return list(log)


def assess_exclusion(review: ExclusionReview, assessment: Assessment) -> ExclusionReview:
    if review.state != ReviewState.OPEN:
        raise IllegalTransitionError(
            f"review {review.review_id} is {review.state}; only an open review can be assessed"
        )
    log = IssueLog(assessment_issues(assessment, review.review_id))
    log.raise_if_any("the assessment is incomplete; nothing was recorded")
    return replace(review, state=ReviewState.ASSESSED, assessment=assessment)


def review_exclusion(
    review: ExclusionReview, *, reviewer: str, at: datetime, decision: ReviewDecision, reason: str
) -> ExclusionReview:
    """A second person confirms the recommendation or sends it back; never the assessor."""
    if review.state != ReviewState.ASSESSED or review.assessment is None:
        raise IllegalTransitionError(
            f"review {review.review_id} is {review.state}; it needs an assessment first"
        )
    if reviewer == review.assessment.assessor:
        raise PermissionDeniedError(
            f"{reviewer} assessed review {review.review_id} and cannot also review it (four "
            "eyes); ask another reviewer"
        )
    if not reason.strip():
        raise IllegalTransitionError("give the reviewer's reasons")
    if decision == ReviewDecision.RETURN:
        return replace(review, state=ReviewState.OPEN, returns=(*review.returns, reason))
    return replace(
        review, state=ReviewState.DECIDED, reviewer=reviewer, reviewed_at=at,
        review_reason=reason, outcome=review.assessment.recommendation,
    )
