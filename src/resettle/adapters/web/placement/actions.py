"""Placement runs for pages and API alike: authorize, call the placement service, audit.

Listing, starting, reviewing (with explanations and shadow prices) and deciding are the
placement stage's use cases (:mod:`resettle.placement.service`, shared with the CLI); what is
web-specific stays here: the role's permission, the sections its explanations may name, and
the audit entry, in the request's transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from resettle.adapters.db.placement.store import SqlPlacementStore
from resettle.adapters.web.guards import Ctx
from resettle.errors import Issue, ValidationError
from resettle.placement import service
from resettle.placement.explain import CaseExplanation
from resettle.placement.review import ReviewFilter
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun
from resettle.placement.service import RunReview
from resettle.security.policy import Permission, Section, authorize, visible_rule, visible_sections

__all__ = ["RunReview", "accept_many", "decide_on_case", "list_placement_runs", "pledge_day",
           "review_run", "start_run"]

RUN_TIME_LIMIT = 60.0


def list_placement_runs(ctx: Ctx, *, offset: int, limit: int) -> tuple[list[PlacementRun], int]:
    return service.list_placement_runs(SqlPlacementStore(ctx.session), offset=offset,
                                       limit=limit)


def pledge_day(ctx: Ctx) -> date:
    """The day whose active pledges a run uses by default (see the service)."""
    return service.pledge_day(SqlPlacementStore(ctx.session), ctx.now.date())


def start_run(ctx: Ctx, label: str, on: date | None = None) -> PlacementRun:
    """Solve for every case ready for referral, with the pledges active ``on`` that day
    (default :func:`pledge_day`), exact solver."""
    authorize(ctx.user, Permission.PLACEMENT_RUN)
    on = on or pledge_day(ctx)
    # The placement stage reads in one short session, solves outside any transaction and
    # stores the run in its own; let go of this request's write lock first, so other users are
    # not kept waiting for the solver. The audit entry follows in this request's next
    # transaction, committed before the answer is sent.
    ctx.pause_writing()
    outcome = service.place_ready_cases(
        SqlPlacementStore(factory=ctx.config.sessions), on=on, solver="exact",
        time_limit=RUN_TIME_LIMIT, seed=0, label=label, actor=ctx.user.username,
        now=ctx.now.replace(tzinfo=None))
    run = outcome.run
    ctx.audit("placement.run", subject_type="placement_run", subject_id=run.run_id,
              detail=f"pledges active on {on}")
    return run


def review_run(ctx: Ctx, run_id: str, wanted: ReviewFilter | None = None) -> RunReview:
    """The run with its explanations and places; with ``wanted``, one filtered page of its
    cases (names are read, and their reading audited, for that page's cases only)."""
    authorize(ctx.user, Permission.PLACEMENT_VIEW)
    sections = visible_sections(ctx.user.role)

    def visible(e: CaseExplanation) -> CaseExplanation:
        # A rule naming a section the role does not see is said without its detail.
        return replace(e, why_not=visible_rule(e.why_not, sections),
                       not_allowed=tuple((loc, visible_rule(rule, sections))
                                         for loc, rule in e.not_allowed))

    review = service.review_run(SqlPlacementStore(ctx.session), run_id, wanted,
                                with_names=Section.IDENTITY in sections, redact=visible)
    ctx.audit("placement.view", subject_type="placement_run", subject_id=run_id,
              detail="with names" if review.names else "")
    ctx.audit_cases("placement.view", sorted(review.names))  # whose names were shown
    return review


def decide_on_case(ctx: Ctx, run_id: str, case_id: str, action: DecisionAction, *,
                   locality_id: str | None = None, reason: str = "",
                   confirm_overrun: bool = False) -> PlacementDecision:
    """Accept the run's placement of a case (placement.accept) or override it with a reason
    (placement.override); the placement service refuses what makes no sense."""
    authorize(ctx.user, Permission.PLACEMENT_ACCEPT if action == DecisionAction.ACCEPT
              else Permission.PLACEMENT_OVERRIDE)
    decision = service.decide_placement(
        SqlPlacementStore(ctx.session), run_id, case_id, action, locality_id=locality_id,
        reason=reason, actor=ctx.user.username, confirm_overrun=confirm_overrun,
        at=datetime.now(UTC).replace(tzinfo=None))
    ctx.audit(f"placement.{action}", subject_type="case", subject_id=case_id,
              detail=f"run {run_id}")
    return decision


def accept_many(ctx: Ctx, run_id: str, case_ids: list[str]) -> list[PlacementDecision]:
    """Accept the run's placement of several cases: all of them, or none if one is refused
    (the refusal names the case)."""
    authorize(ctx.user, Permission.PLACEMENT_ACCEPT)
    if not case_ids:
        raise ValidationError([Issue("missing_value", "tick the cases whose placement you "
                                     "accept", field="case_id")])
    return [decide_on_case(ctx, run_id, case_id, DecisionAction.ACCEPT)
            for case_id in dict.fromkeys(case_ids)]
