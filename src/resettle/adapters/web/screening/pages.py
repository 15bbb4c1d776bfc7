"""Exclusion review forms on the case page: open, assess, and a second reviewer's decision.

A refusal (the assessor trying to review their own assessment, an incomplete assessment)
comes back on the case page with its reason; nothing is written.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.screening import exclusion as exclusion_service
from resettle.adapters.web.screening.case_pages import act_on_case
from resettle.adapters.web.screening.exclusion import AssessmentForm
from resettle.screening.exclusion import Clause, Recommendation, ReviewDecision
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str, Form(max_length=5000)]
Decider = Annotated[Ctx, Depends(allowed(Permission.EXCLUSION_DECIDE))]


@router.post("/cases/{case_id}/exclusion-reviews")
def open_review(request: Request, case_id: str, *, ctx: Decider,
                person_id: Annotated[str, Form(max_length=64)],
                triggers: Annotated[str, Form(min_length=1, max_length=500)],
                reason: Annotated[str, Form(min_length=1, max_length=5000)]) -> Response:
    named = [t.strip() for t in triggers.split(",")]
    return act_on_case(request, ctx, case_id, lambda: exclusion_service.open_review(
        ctx, case_id, person_id, named, reason), form="open-review",
        values={"person_id": person_id, "triggers": triggers, "reason": reason})


@router.post("/cases/{case_id}/exclusion-reviews/{review_id}/assessment")
def assess_review(request: Request, case_id: str, review_id: str, *, ctx: Decider,
                  recommendation: Annotated[Recommendation, Form()],
                  acts: Text = "", clause: Annotated[str, Form(max_length=10)] = "",
                  individual_responsibility: Annotated[bool, Form()] = False,
                  responsibility_reasons: Text = "", defences: Text = "",
                  proportionality: Text = "") -> Response:
    form = AssessmentForm(recommendation, acts, Clause(clause) if clause in set(Clause) else None,
                          individual_responsibility, responsibility_reasons, defences,
                          proportionality)
    typed = {"recommendation": recommendation, "acts": acts, "clause": clause,
             "individual_responsibility": "true" if individual_responsibility else "",
             "responsibility_reasons": responsibility_reasons, "defences": defences,
             "proportionality": proportionality}
    return act_on_case(request, ctx, case_id,
                       lambda: exclusion_service.assess(ctx, case_id, review_id, form),
                       form=f"assess-{review_id}", values=typed)


@router.post("/cases/{case_id}/exclusion-reviews/{review_id}/decision")
def decide_review(request: Request, case_id: str, review_id: str, *, ctx: Decider,
                  decision: Annotated[ReviewDecision, Form()],
                  reason: Annotated[str, Form(max_length=5000)] = "") -> Response:
    return act_on_case(request, ctx, case_id, lambda: exclusion_service.decide(
        ctx, case_id, review_id, decision, reason), form=f"decide-{review_id}",
        values={"decision": decision, "reason": reason})
