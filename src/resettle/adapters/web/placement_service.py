"""Placement runs for pages and API alike: list, start, review (with explanations and shadow
prices), accept or override a case with a reason. Policy is checked here or by the route's
guard; every read and change is audited in the request's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from resettle.adapters.db.placement.explain_store import case_explanations, shadow_prices_of_run
from resettle.adapters.db.placement.run_store import (
    decisions_for_run,
    get_run,
    list_runs,
)
from resettle.adapters.db.placement.store import SqlPlacementStore
from resettle.adapters.db.placement.tables import PlacementRunRow
from resettle.adapters.db.registry.store import get_cases, load_batch
from resettle.adapters.db.registry.tables import PledgeRow
from resettle.adapters.web.guards import Ctx
from resettle.errors import Issue, ValidationError
from resettle.placement.explain import CaseExplanation, ShadowPrice, rank_shadow_prices
from resettle.placement.review import (
    Place,
    ReviewFilter,
    ReviewPage,
    latest_decisions,
    places_of_run,
    review_page,
)
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun
from resettle.placement.service import decide_placement, place_ready_cases
from resettle.security.policy import Permission, Section, authorize, visible_rule, visible_sections

RUN_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class CaseName:
    latin: str
    original: str  # Persian/Arabic script: shown with dir="auto"


@dataclass(frozen=True)
class RunReview:
    run: PlacementRun
    decided: dict[str, PlacementDecision]
    explanations: dict[str, CaseExplanation]
    prices: list[ShadowPrice]  # ranked: where one more pledged place helps most first
    names: dict[str, CaseName] = field(default_factory=dict)  # only for roles seeing identity
    # Re-placements: per case, the host states that refused it (never proposed there again)
    refused: dict[str, list[str]] = field(default_factory=dict)
    page: ReviewPage | None = None  # the filtered page of rows (None: every case)
    places: list[Place] = field(default_factory=list)  # every locality, for the chooser

    @property
    def place_names(self) -> dict[str, str]:
        return {p.locality_id: f"{p.name}, {p.country_name}" for p in self.places}


def list_placement_runs(ctx: Ctx, *, offset: int, limit: int) -> tuple[list[PlacementRun], int]:
    total = ctx.session.scalar(select(func.count()).select_from(PlacementRunRow)) or 0
    runs = list_runs(ctx.session, limit=limit, offset=offset)
    return runs, int(total)


def pledge_day(ctx: Ctx) -> date:
    """The day whose active pledges a run uses by default: today if any pledge covers it,
    else the last day any pledge covered (so a past scenario, like the demo's, still places)."""
    today = ctx.now.date()
    active = ctx.session.scalar(select(func.count()).select_from(PledgeRow).where(
        PledgeRow.period_start <= today, PledgeRow.period_end >= today))
    if active:
        return today
    last = ctx.session.scalar(select(func.max(PledgeRow.period_end)).where(
        PledgeRow.period_start <= today))
    return last or today


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
    outcome = place_ready_cases(SqlPlacementStore(factory=ctx.config.sessions), on=on,
                                solver="exact", time_limit=RUN_TIME_LIMIT, seed=0, label=label,
                                actor=ctx.user.username, now=ctx.now.replace(tzinfo=None))
    run = outcome.run
    ctx.audit("placement.run", subject_type="placement_run", subject_id=run.run_id,
              detail=f"pledges active on {on}")
    return run


def review_run(ctx: Ctx, run_id: str, wanted: ReviewFilter | None = None) -> RunReview:
    """The run with its explanations and places; with ``wanted``, one filtered page of its
    cases (names are read, and their reading audited, for that page's cases only)."""
    authorize(ctx.user, Permission.PLACEMENT_VIEW)
    run = get_run(ctx.session, run_id=run_id)
    placed = {case_id: (loc, score) for case_id, loc, score in run.assignments}
    decided = latest_decisions(decisions_for_run(ctx.session, run_id=run_id))
    explanations = _visible_explanations(
        ctx, case_explanations(ctx.session, run_id=run_id, placed=placed))
    page = review_page(run, decided, explanations, wanted) if wanted is not None else None
    shown = [r.case_id for r in page.rows] if page is not None else list(placed)
    prices = shadow_prices_of_run(ctx.session, run_id=run_id)
    review = RunReview(
        run=run, decided=decided, explanations=explanations,
        prices=rank_shadow_prices(prices), names=_names(ctx, shown),
        refused={case_id: sorted(states.values()) for case_id, states in SqlPlacementStore(
            ctx.session).placement_inputs(shown).refused.items()},
        page=page,
        places=places_of_run(load_batch(ctx.session, cases=False, pledges=False).localities,
                             prices))
    ctx.audit("placement.view", subject_type="placement_run", subject_id=run_id,
              detail="with names" if review.names else "")
    ctx.audit_cases("placement.view", sorted(review.names))  # whose names were shown
    return review


def _visible_explanations(ctx: Ctx, found: dict[str, CaseExplanation]
                          ) -> dict[str, CaseExplanation]:
    sections = visible_sections(ctx.user.role)
    return {case_id: replace(
        e, why_not=visible_rule(e.why_not, sections),
        not_allowed=tuple((loc, visible_rule(rule, sections)) for loc, rule in e.not_allowed))
        for case_id, e in found.items()}


def _names(ctx: Ctx, case_ids: list[str]) -> dict[str, CaseName]:
    if Section.IDENTITY not in visible_sections(ctx.user.role) or not case_ids:
        return {}
    names = {}
    for case_id, case in get_cases(ctx.session, case_ids=case_ids).items():
        head = case.principal or (case.members[0] if case.members else None)
        if head is not None:
            names[case_id] = CaseName(
                f"{head.given_name} {head.family_name}".strip(),
                f"{head.given_name_original} {head.family_name_original}".strip())
    return names


def decide_on_case(ctx: Ctx, run_id: str, case_id: str, action: DecisionAction, *,
                   locality_id: str | None = None, reason: str = "",
                   confirm_overrun: bool = False) -> PlacementDecision:
    """Accept the run's placement of a case (placement.accept) or override it with a reason
    (placement.override); the placement service refuses what makes no sense."""
    authorize(ctx.user, Permission.PLACEMENT_ACCEPT if action == DecisionAction.ACCEPT
              else Permission.PLACEMENT_OVERRIDE)
    decision = decide_placement(SqlPlacementStore(ctx.session), run_id, case_id, action,
                                locality_id=locality_id, reason=reason,
                                actor=ctx.user.username, confirm_overrun=confirm_overrun,
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
