"""Exclusion review (Article 1F) in the REST API: the same service as the case page's forms.

Only roles granted ``exclusion.decide`` (and so seeing the exclusion section) reach these
routes; the assessor of a review is refused its decision (403, four eyes).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.screening import case_access
from resettle.adapters.web.screening import exclusion as exclusion_service
from resettle.adapters.web.screening.exclusion import AssessmentForm
from resettle.screening.exclusion import (
    Clause,
    ExclusionReview,
    Recommendation,
    ReviewDecision,
)
from resettle.security.policy import Permission

router = APIRouter(prefix="/api/cases/{case_id}/exclusion-reviews", responses=ERROR_RESPONSES)
Decider = Annotated[Ctx, Depends(allowed(Permission.EXCLUSION_DECIDE))]
LongText = Annotated[str, Field(max_length=5000)]


class OpenIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=64)
    triggers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=5000)


class AssessmentIn(BaseModel):
    recommendation: Recommendation
    acts: LongText = ""
    clause: Clause | None = None
    individual_responsibility: bool = False
    responsibility_reasons: LongText = ""
    defences: LongText = ""
    proportionality: LongText = ""


class DecisionIn(BaseModel):
    decision: ReviewDecision
    reason: LongText = ""


def review_out(review: ExclusionReview) -> dict[str, Any]:
    assessment = review.assessment
    return {
        "review_id": review.review_id, "person_id": review.person_id,
        "triggers": list(review.triggers), "state": str(review.state),
        "opened_by": review.opened_by, "opened_at": review.opened_at.isoformat(),
        "assessment": None if assessment is None else {
            "assessor": assessment.assessor, "recommendation": str(assessment.recommendation),
            "clause": assessment.clause and str(assessment.clause), "acts": assessment.acts,
            "individual_responsibility": assessment.individual_responsibility,
            "responsibility_reasons": assessment.responsibility_reasons,
            "defences": assessment.defences, "proportionality": assessment.proportionality},
        "reviewer": review.reviewer, "review_reason": review.review_reason,
        "outcome": review.outcome and str(review.outcome), "returns": list(review.returns),
    }


@router.get("")
def list_reviews(case_id: str, ctx: Decider) -> dict[str, Any]:
    """The exclusion reviews of the case's members, newest first (the read is audited)."""
    case = case_access.load_case_for(ctx, Permission.EXCLUSION_DECIDE, case_id)
    reviews = exclusion_service.reviews_of_case(ctx, case_id,
                                                [m.person_id for m in case.members])
    ctx.audit("exclusion.read", subject_type="case", subject_id=case_id,
              detail=f"{len(reviews)} review(s)")
    return {"case_id": case_id, "items": [review_out(r) for r in reviews]}


@router.post("", status_code=201)
def open_review(case_id: str, body: OpenIn, ctx: Decider) -> dict[str, Any]:
    """Open an individual review for one member, naming the triggers that warrant it."""
    return review_out(exclusion_service.open_review(ctx, case_id, body.person_id,
                                                    body.triggers, body.reason))


@router.post("/{review_id}/assessment")
def assess_review(case_id: str, review_id: str, body: AssessmentIn,
                  ctx: Decider) -> dict[str, Any]:
    """The assessment: acts, clause, individual responsibility, defences, proportionality
    (all required to recommend exclusion; every missing one is listed)."""
    form = AssessmentForm(body.recommendation, body.acts, body.clause,
                          body.individual_responsibility, body.responsibility_reasons,
                          body.defences, body.proportionality)
    return review_out(exclusion_service.assess(ctx, case_id, review_id, form))


@router.post("/{review_id}/decision")
def decide_review(case_id: str, review_id: str, body: DecisionIn,
                  ctx: Decider) -> dict[str, Any]:
    """A second reviewer confirms the assessment or returns it; never its assessor (403)."""
    return review_out(exclusion_service.decide(ctx, case_id, review_id, body.decision,
                                               body.reason))
