"""Placement runs: list, start one, review its assignments, accept or override (with a reason).

Runs are solved and stored by the placement stage (``resettle placement run`` does the same);
explanations and shadow prices are not shown here yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.cli.placement_db import place_from_database
from resettle.adapters.db.placement_store import (
    decisions_for_run,
    get_run,
    list_runs,
    record_decision,
)
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.pages import render, see_other
from resettle.placement.runs import DecisionAction, PlacementDecision
from resettle.security.policy import Action, authorize

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/placements")
def runs(request: Request, ctx: Annotated[Ctx, Depends(allowed(Action.PLACEMENT_VIEW))]
         ) -> Response:
    return render(request, ctx, "placements.html", runs=list_runs(ctx.session, limit=50))


@router.post("/placements")
def start_run(label: Annotated[str, Form(max_length=200)],
              ctx: Annotated[Ctx, Depends(allowed(Action.PLACEMENT_RUN))]) -> Response:
    """Solve for every case ready for referral, with the pledges active today (exact solver)."""
    url = ctx.config.engine.url.render_as_string(hide_password=False)
    # The placement stage solves outside any transaction and stores the run in its own; let
    # go of this request's write lock first. The audit entry follows in this request's next
    # transaction, committed before the answer is sent.
    ctx.session.commit()
    run, _ = place_from_database(url, on=date.today(), solver="exact", time_limit=60.0, seed=0,
                                 label=label, actor=ctx.user.username)
    ctx.audit("placement.run", subject_type="placement_run", subject_id=run.run_id)
    return see_other(f"/placements/{run.run_id}")


@router.get("/placements/{run_id}")
def review(request: Request, run_id: str,
           ctx: Annotated[Ctx, Depends(allowed(Action.PLACEMENT_VIEW))]) -> Response:
    run = get_run(ctx.session, run_id=run_id)
    decided = {d.case_id: d for d in decisions_for_run(ctx.session, run_id=run_id)}
    ctx.audit("placement.view", subject_type="placement_run", subject_id=run_id)
    return render(request, ctx, "placement.html", run=run, decided=decided)


@router.post("/placements/{run_id}/decisions")
def decide(
    run_id: str, *, case_id: Annotated[str, Form(max_length=64)],
    action: Annotated[DecisionAction, Form()],
    ctx: Annotated[Ctx, Depends(logged_in())],
    locality_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Policy: placement.accept to accept, placement.override to override (checked here)."""
    authorize(ctx.user, Action.PLACEMENT_ACCEPT if action == DecisionAction.ACCEPT
              else Action.PLACEMENT_OVERRIDE)
    record_decision(ctx.session, decision=PlacementDecision(
        run_id, case_id, action, locality_id or None, reason, ctx.user.username,
        datetime.now(UTC).replace(tzinfo=None)))
    ctx.audit(f"placement.{action}", subject_type="case", subject_id=case_id,
              detail=f"run {run_id}")
    return see_other(f"/placements/{run_id}")
