"""Exclusion review (Article 1F) from the web: open a review for one person, assess it, and
have a second reviewer decide. The screening service enforces four eyes (the assessor can
never review their own assessment); this module checks the policy and the case scope, and
audits every step. Pages and any API call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.web.guards import Ctx
from resettle.adapters.web.screening import case_access
from resettle.errors import NotFoundError
from resettle.screening import service as screening
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    ExclusionReview,
    Recommendation,
    ReviewDecision,
)
from resettle.security.policy import Permission, Section, visible_sections


@dataclass(frozen=True)
class AssessmentForm:
    """What the assessor fills in, in the order the law asks for it."""

    recommendation: Recommendation
    acts: str = ""
    clause: Clause | None = None
    individual_responsibility: bool = False
    responsibility_reasons: str = ""
    defences: str = ""
    proportionality: str = ""

    def as_assessment(self, assessor: str, at: datetime) -> Assessment:
        return Assessment(assessor, at, self.recommendation, self.acts, self.clause,
                          self.individual_responsibility, self.responsibility_reasons,
                          self.defences, self.proportionality)


def reviews_of_case(ctx: Ctx, case_id: str, person_ids: list[str]) -> list[ExclusionReview]:
    """The case's reviews, newest first; empty for roles that do not see exclusion details."""
    if Section.EXCLUSION not in visible_sections(ctx.user.role):
        return []
    reviews = SqlScreeningStore(ctx.session).reviews_of(person_ids)
    return sorted(reviews, key=lambda r: r.opened_at, reverse=True)


def open_review(ctx: Ctx, case_id: str, person_id: str, triggers: list[str],
                reason: str) -> ExclusionReview:
    case_access.load_case_for(ctx, Permission.EXCLUSION_DECIDE, case_id)
    review = screening.open_exclusion_review(
        SqlScreeningStore(ctx.session), case_id, person_id, actor=ctx.user.username,
        reason=reason, triggers=tuple(t for t in triggers if t))  # screening's own clock
    ctx.audit("exclusion.open", subject_type="case", subject_id=case_id,
              detail=f"review {review.review_id}")
    return review


def _review_in_case(ctx: Ctx, case_id: str, review_id: str) -> SqlScreeningStore:
    """The store, once the review is known to concern a person of this (visible) case."""
    case_access.load_case_for(ctx, Permission.EXCLUSION_DECIDE, case_id)
    store = SqlScreeningStore(ctx.session)
    try:
        in_case = store.case_of_person(store.get_review(review_id).person_id) == case_id
    except NotFoundError:
        in_case = False
    if not in_case:
        raise NotFoundError(f"no exclusion review {review_id} in case {case_id}")
    return store


def assess(ctx: Ctx, case_id: str, review_id: str, form: AssessmentForm) -> ExclusionReview:
    store = _review_in_case(ctx, case_id, review_id)
    assessment = form.as_assessment(ctx.user.username, screening.utc_now())
    review = screening.assess_exclusion(store, review_id, assessment)
    ctx.audit("exclusion.assess", subject_type="case", subject_id=case_id,
              detail=f"review {review_id}: {form.recommendation}")
    return review


def decide(ctx: Ctx, case_id: str, review_id: str, decision: ReviewDecision,
           reason: str) -> ExclusionReview:
    """The second person's decision; the assessor is refused (four eyes)."""
    store = _review_in_case(ctx, case_id, review_id)
    review = screening.review_exclusion(store, review_id, reviewer=ctx.user.username,
                                        decision=decision, reason=reason)
    ctx.audit("exclusion.review", subject_type="case", subject_id=case_id,
              detail=f"review {review_id}: {decision}")
    return review
