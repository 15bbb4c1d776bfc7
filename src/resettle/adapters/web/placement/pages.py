"""Placement runs: list, start one, review its assignments with explanations and shadow
prices, accept or override (with a reason). Same services as the API (placement_service)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web import placement_service
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.errors import ResettleError
from resettle.placement.runs import DecisionAction
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/placements")
def runs(request: Request, ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))],
         offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25) -> Response:
    found, total = placement_service.list_placement_runs(ctx, offset=offset, limit=limit)
    day = placement_service.pledge_day(ctx)
    return render(request, ctx, "placements.html", runs=found, total=total, offset=offset,
                  limit=limit, pledge_day=day, today=ctx.now.date())


@router.post("/placements")
def start_run(label: Annotated[str, Form(max_length=200)],
              ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_RUN))],
              on: Annotated[date | None, Form()] = None) -> Response:
    """Solve for every case ready for referral, with the pledges active on the day chosen
    (default: today, or the last day with active pledges), exact solver."""
    run = placement_service.start_run(ctx, label, on)
    return see_other(f"/placements/{run.run_id}")


@router.get("/placements/{run_id}")
def review(request: Request, run_id: str,
           ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))]) -> Response:
    return run_page(request, ctx, run_id)


def run_page(request: Request, ctx: Ctx, run_id: str, *, problem: ResettleError | None = None
             ) -> Response:
    found = placement_service.review_run(ctx, run_id)
    return render(request, ctx, "placement.html", run=found.run, decided=found.decided,
                  why=found.explanations, prices=found.prices, names=found.names,
                  refused=found.refused,
                  problem=problem, status_code=problem.http_status if problem else 200)


@router.post("/placements/{run_id}/decisions")
def decide(
    request: Request, run_id: str, *, case_id: Annotated[str, Form(max_length=64)],
    action: Annotated[DecisionAction, Form()],
    ctx: Annotated[Ctx, Depends(logged_in())],
    locality_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Policy: placement.accept to accept, placement.override to override (checked by the
    service)."""
    try:
        placement_service.decide_on_case(ctx, run_id, case_id, action,
                                         locality_id=locality_id or None, reason=reason)
    except ON_PAGE as refused:  # e.g. an override into a no-return country
        record_refusal(request, ctx, refused, subject_id=case_id, subject_type="case")
        return run_page(request, ctx, run_id, problem=refused)
    return see_other(f"/placements/{run_id}")
