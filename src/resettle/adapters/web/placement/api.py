"""Placement runs in the REST API: the same actions as the pages (actions.py)."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from resettle.adapters.web.api import PageOut
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.placement import actions
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.placement.review import MAX_REVIEW_PAGE, ReviewFilter, Show
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun
from resettle.placement.wording import why_in_words
from resettle.security.policy import Permission

router = APIRouter(prefix="/api/placements", responses=ERROR_RESPONSES, tags=["placement"])
ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
RunId = Annotated[str, Path(pattern=ID_PATTERN)]
CaseId = Annotated[str, Path(pattern=ID_PATTERN)]


class StartIn(BaseModel):
    label: str = Field(default="", max_length=200)


class OverrideIn(BaseModel):
    reason: str = Field(min_length=1, max_length=5000)
    locality_id: str | None = Field(default=None, pattern=ID_PATTERN)  # required by the rule
    confirm_overrun: bool = False  # place it although the run filled the locality


class AcceptManyIn(BaseModel):
    case_ids: list[str] = Field(min_length=1, max_length=MAX_REVIEW_PAGE)


class DecisionOut(BaseModel):
    run_id: str
    case_id: str
    action: DecisionAction
    locality_id: str | None
    reason: str
    decided_by: str
    at: str


def _price(value: float) -> float | None:
    return None if math.isnan(value) else value


def _summary(run: PlacementRun) -> dict[str, Any]:
    return {"run_id": run.run_id, "created_at": run.created_at.isoformat(),
            "created_by": run.created_by, "label": run.label, "solver": run.solver,
            "status": run.status, "objective": run.objective, "gap": run.gap,
            "persons_placed": run.persons_placed, "inputs_hash": run.inputs_hash,
            # persons keeping the place a host state holds for them (open/accepted referrals)
            "held_persons": run.parameters.get("held_persons", 0)}


def _decision(d: PlacementDecision) -> DecisionOut:
    return DecisionOut(run_id=d.run_id, case_id=d.case_id, action=d.action,
                       locality_id=d.locality_id, reason=d.reason, decided_by=d.decided_by,
                       at=d.at.isoformat())


@router.get("")
def list_runs(ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))],
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
              limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50) -> PageOut:
    """Placement runs, newest first."""
    runs, total = actions.list_placement_runs(ctx, offset=offset, limit=limit)
    return PageOut(items=[_summary(r) for r in runs], total=total, offset=offset, limit=limit)


@router.post("", status_code=201)
def start_run(body: StartIn,
              ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_RUN))]) -> dict[str, Any]:
    """Place every case ready for referral with today's pledges (exact solver); the run is
    stored with its explanations and shadow prices."""
    return _summary(actions.start_run(ctx, body.label))


@router.get("/{run_id}")
def get_run(run_id: RunId, *,
            ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))],
            show: Show = Show.ALL, locality: Annotated[str, Query(max_length=64)] = "",
            offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
            limit: Annotated[int, Query(ge=1, le=100_000)] = 100_000) -> dict[str, Any]:
    """A run: per case (filtered: ``show`` unplaced, undecided...; ``locality``) where it
    goes, its best alternative and why not, the decision taken; a summary counting the cases
    left unplaced and why; shadow prices per locality and dimension, where one more place
    helps most first."""
    found = actions.review_run(ctx, run_id, ReviewFilter(show, locality, offset,
                                                                   limit))
    assert found.page is not None
    cases = [_case(found, row.case_id, row.locality_id, row.score) for row in found.page.rows]
    prices = [{"locality_id": p.locality_id, "dimension": p.dimension,
               "capacity": p.capacity, "used": p.used,
               "persons_price": _price(p.persons_price),
               "outcome_price": _price(p.outcome_price)} for p in found.prices]
    summary = found.page.summary
    return {**_summary(found.run), "cases": cases, "total": found.page.total,
            "offset": offset, "limit": limit, "shadow_prices": prices,
            "summary": {**asdict(summary), "undecided": summary.undecided,
                        "why_unplaced": [{"reason": why, "cases": n}
                                         for why, n in summary.why_unplaced]}}


def _case(found: actions.RunReview, case_id: str, loc: str | None,
          score: float | None) -> dict[str, Any]:
    why = found.explanations.get(case_id)
    decided = found.decided.get(case_id)
    item: dict[str, Any] = {
        "case_id": case_id, "locality_id": loc, "score": score,
        "alternative_id": why.alternative_id if why else None,
        "alternative_score": why.alternative_score if why else None,
        "why_not": why.why_not if why else None,
        "explanation": why_in_words(why, found.place_names),
        "not_allowed": [list(p) for p in why.not_allowed] if why else [],
        "decision": _decision(decided).model_dump() if decided else None,
        "refused_by": found.refused.get(case_id, [])}  # a re-placement if not empty
    if case_id in found.names:
        item["name"] = found.names[case_id].latin
        item["name_original"] = found.names[case_id].original
    return item


@router.post("/{run_id}/cases/{case_id}/accept")
def accept(run_id: RunId, case_id: CaseId,
           ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_ACCEPT))]) -> DecisionOut:
    """Accept the run's proposed placement of a case."""
    return _decision(actions.decide_on_case(ctx, run_id, case_id,
                                                      DecisionAction.ACCEPT))


@router.post("/{run_id}/cases/{case_id}/override")
def override(run_id: RunId, case_id: CaseId, body: OverrideIn,
             ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_OVERRIDE))]) -> DecisionOut:
    """Override a proposed placement with a reason and another locality: never in a country
    on the case's no-return list; into a locality the run filled only with
    ``confirm_overrun``."""
    return _decision(actions.decide_on_case(
        ctx, run_id, case_id, DecisionAction.OVERRIDE, locality_id=body.locality_id,
        reason=body.reason, confirm_overrun=body.confirm_overrun))


@router.post("/{run_id}/accepted")
def accept_many(run_id: RunId, body: AcceptManyIn,
                ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_ACCEPT))]
                ) -> list[DecisionOut]:
    """Accept the run's proposed placement of several cases: all, or none if one is
    refused (e.g. a case the run left unplaced)."""
    return [_decision(d) for d in actions.accept_many(ctx, run_id, body.case_ids)]
