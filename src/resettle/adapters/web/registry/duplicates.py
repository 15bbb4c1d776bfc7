"""Likely duplicates: /registry/duplicates (page) and /api/duplicates (JSON).

The queue shows both records side by side, names in Latin letters and in their own script
(right to left for Persian and Arabic); an officer decides (same person or not) or merges.
A merge of interviewed persons is proposed and waits for a second officer. A refusal (four
eyes, a case that cannot merge now) comes back on the page with its reason; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.registry import duplicate_actions as actions
from resettle.errors import ResettleError
from resettle.registry.dedup.merging import PersonMerge
from resettle.security.policy import Permission

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Reviewer = Annotated[Ctx, Depends(allowed(Permission.DEDUP_REVIEW))]
PersonId = Annotated[str, Form(min_length=1, max_length=64)]
Reason = Annotated[str, Form(max_length=5000)]
PAGE = "/registry/duplicates"


def _page(request: Request, ctx: Ctx, problem: ResettleError | None = None) -> Response:
    return render(request, ctx, "duplicates.html", rows=actions.queue(ctx),
                  merges=actions.merges(ctx), problem=problem,
                  status_code=problem.http_status if problem else 200)


def _act(request: Request, ctx: Ctx, work: Callable[[], object]) -> Response:
    try:
        work()
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_type="person", subject_id="")
        return _page(request, ctx, refused)
    return see_other(PAGE)


@pages.get(PAGE)
def duplicates_page(request: Request, ctx: Reviewer) -> Response:
    return _page(request, ctx)


@pages.post(f"{PAGE}/decisions")
def decide_form(request: Request, ctx: Reviewer, *, person_id: PersonId,
                other_person_id: PersonId, same: Annotated[bool, Form()],
                reason: Reason = "") -> Response:
    return _act(request, ctx, lambda: actions.decide(ctx, person_id, other_person_id,
                                                     same=same, reason=reason))


@pages.post(f"{PAGE}/merges")
def merge_form(request: Request, ctx: Reviewer, *, kept_person_id: PersonId,
               pair: Annotated[str, Form(max_length=140)], reason: Reason = "") -> Response:
    """The officer chose which of the pair (two ids) to keep; the other is the duplicate."""
    others = [p for p in pair.split() if p != kept_person_id]
    duplicate = others[0] if others else kept_person_id  # the same id: refused with a reason
    return _act(request, ctx, lambda: actions.merge(ctx, kept_person_id, duplicate,
                                                    reason=reason))


@pages.post(PAGE + "/merges/{merge_id}/confirm")
def confirm_form(request: Request, merge_id: str, ctx: Reviewer) -> Response:
    return _act(request, ctx, lambda: actions.confirm(ctx, merge_id))


@pages.post(PAGE + "/merges/{merge_id}/refuse")
def refuse_form(request: Request, merge_id: str, ctx: Reviewer) -> Response:
    return _act(request, ctx, lambda: actions.refuse(ctx, merge_id))


@pages.post(PAGE + "/merges/{merge_id}/reverse")
def reverse_form(request: Request, merge_id: str, ctx: Reviewer,
                 reason: Reason = "") -> Response:
    return _act(request, ctx, lambda: actions.reverse(ctx, merge_id, reason=reason))


class DecisionIn(BaseModel):
    person_id: str = Field(max_length=64)
    other_person_id: str = Field(max_length=64)
    same: bool
    reason: str = Field(max_length=5000)


class MergeIn(BaseModel):
    kept_person_id: str = Field(max_length=64)
    duplicate_person_id: str = Field(max_length=64)
    reason: str = Field(max_length=5000)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=5000)


def _merge_out(merge: PersonMerge) -> dict[str, Any]:
    out = asdict(merge)
    for key in ("proposed_at", "decided_at", "reversed_at"):
        out[key] = out[key].isoformat() if out[key] else None
    out["moved_ids"] = list(merge.moved_ids)
    return out


@api.get("/duplicates")
def queue_api(ctx: Reviewer) -> dict[str, Any]:
    """Likely duplicates waiting for a decision (most likely first), and every merge."""
    rows = actions.queue(ctx)
    return {"pairs": [{"person": asdict(r.left), "other_person": asdict(r.right),
                       "probability": r.pair.match_probability, "reasons": r.pair.reasons}
                      for r in rows],
            "merges": [_merge_out(m) for m in actions.merges(ctx)]}


@api.post("/duplicates/decisions", status_code=204)
def decide_api(body: DecisionIn, ctx: Reviewer) -> None:
    """Record that two records are, or are not, the same person (nothing is merged)."""
    actions.decide(ctx, body.person_id, body.other_person_id, same=body.same,
                   reason=body.reason)


@api.post("/duplicates/merges", status_code=201)
def merge_api(body: MergeIn, ctx: Reviewer) -> dict[str, Any]:
    """Merge the duplicate into the kept person (proposed, when a second officer must
    confirm: either person was interviewed)."""
    return _merge_out(actions.merge(ctx, body.kept_person_id, body.duplicate_person_id,
                                    reason=body.reason))


@api.post("/duplicates/merges/{merge_id}/confirm")
def confirm_api(merge_id: str, ctx: Reviewer) -> dict[str, Any]:
    """A second officer confirms a proposed merge."""
    return _merge_out(actions.confirm(ctx, merge_id))


@api.post("/duplicates/merges/{merge_id}/refuse")
def refuse_api(merge_id: str, ctx: Reviewer) -> dict[str, Any]:
    """A second officer refuses a proposed merge."""
    return _merge_out(actions.refuse(ctx, merge_id))


@api.post("/duplicates/merges/{merge_id}/reverse")
def reverse_api(merge_id: str, body: ReasonIn, ctx: Reviewer) -> dict[str, Any]:
    """Undo a merge: the members that joined go back to a case of their own."""
    return _merge_out(actions.reverse(ctx, merge_id, reason=body.reason))
