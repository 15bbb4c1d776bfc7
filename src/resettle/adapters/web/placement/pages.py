"""Placement runs: list, start one, review its cases (filtered and paged, with a summary of
who was left unplaced and why, in words), accept one or many, or override with a reason. Same
actions as the API (actions.py); the placement stage refuses what makes no sense.
After a decision the officer is brought back to the row they acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.placement import actions
from resettle.errors import ResettleError, ValidationError
from resettle.placement import wording
from resettle.placement.review import MAX_REVIEW_PAGE, SHOW_LABELS, ReviewFilter, Show
from resettle.placement.runs import DecisionAction
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
CaseId = Annotated[str, Form(max_length=64)]
Back = Annotated[str, Form(max_length=500)]


@dataclass(frozen=True)
class Typed:
    """What the officer sent on a row, shown again after a refusal."""

    case_id: str = ""
    action: str = ""
    locality_id: str = ""
    reason: str = ""
    confirm_overrun: bool = False
    ticked: tuple[str, ...] = ()


@router.get("/placements")
def runs(request: Request, ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))],
         offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25) -> Response:
    found, total = actions.list_placement_runs(ctx, offset=offset, limit=limit)
    day = actions.pledge_day(ctx)
    return render(request, ctx, "placements.html", runs=found, total=total, offset=offset,
                  limit=limit, pledge_day=day, today=ctx.now.date())


@router.post("/placements")
def start_run(label: Annotated[str, Form(max_length=200)],
              ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_RUN))],
              on: Annotated[date | None, Form()] = None) -> Response:
    """Solve for every case ready for referral, with the pledges active on the day chosen
    (default: today, or the last day with active pledges), exact solver."""
    run = actions.start_run(ctx, label, on)
    return see_other(f"/placements/{run.run_id}")


@router.get("/placements/{run_id}")
def review(request: Request, run_id: str, *,
           ctx: Annotated[Ctx, Depends(allowed(Permission.PLACEMENT_VIEW))],
           show: Show = Show.ALL, locality: Annotated[str, Query(max_length=64)] = "",
           offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
           limit: Annotated[int, Query(ge=1, le=MAX_REVIEW_PAGE)] = 50) -> Response:
    return run_page(request, ctx, run_id, ReviewFilter(show, locality, offset, limit))


def _query(wanted: ReviewFilter, **change: object) -> str:
    values = {"show": wanted.show.value, "locality": wanted.locality_id,
              "offset": wanted.offset, "limit": wanted.limit, **change}
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _filter_of(back: str) -> ReviewFilter:
    """The review's filter from the page's query string (anything odd: the default)."""
    got = {k: v[0] for k, v in parse_qs(back).items() if v}
    show = got.get("show", "")
    try:
        offset = min(max(int(got.get("offset", "0")), 0), 10_000_000)
        limit = min(max(int(got.get("limit", "50")), 1), MAX_REVIEW_PAGE)
    except ValueError:
        offset, limit = 0, 50
    return ReviewFilter(Show(show) if show in set(Show) else Show.ALL,
                        got.get("locality", "")[:64], offset, limit)


def run_page(request: Request, ctx: Ctx, run_id: str, wanted: ReviewFilter, *,
             problem: ResettleError | None = None, typed: Typed | None = None) -> Response:
    found = actions.review_run(ctx, run_id, wanted)
    assert found.page is not None
    names = found.place_names
    errors = {i.field: i.message for i in problem.issues if i.field} \
        if isinstance(problem, ValidationError) else {}
    return render(
        request, ctx, "placement.html", run=found.run, review=found, page=found.page,
        summary=found.page.summary, wanted=wanted, query=_query(wanted),
        pages={"prev": _query(wanted, offset=max(wanted.offset - wanted.limit, 0)),
               "next": _query(wanted, offset=wanted.offset + wanted.limit)},
        shows=SHOW_LABELS, places=found.places, place_names=names,
        why={c: wording.why_in_words(found.explanations.get(c), names)
             for c in (r.case_id for r in found.page.rows)},
        ruled_out={c: wording.ruled_out_in_words(found.explanations.get(c), names)
                   for c in (r.case_id for r in found.page.rows)},
        certainty=wording.certainty_in_words(found.run), score_help=wording.SCORE_HELP,
        price_words=wording.price_in_words, dimension_words=wording.dimension_words,
        helps=[p for p in found.prices if wording.helps(p)],
        problem=problem, errors=errors, typed=typed or Typed(),
        status_code=problem.http_status if problem else 200)


def _back_to(run_id: str, back: str, anchor: str) -> Response:
    wanted = _filter_of(back)
    return see_other(f"/placements/{run_id}?{_query(wanted)}#{anchor}")


@router.post("/placements/{run_id}/decisions")
def decide(
    request: Request, run_id: str, *, case_id: CaseId,
    action: Annotated[DecisionAction, Form()],
    ctx: Annotated[Ctx, Depends(logged_in())],
    locality_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    confirm_overrun: Annotated[bool, Form()] = False,
    back: Back = "", next_case: CaseId = "",
) -> Response:
    """Policy: placement.accept to accept, placement.override to override (checked by the
    service). Back to the row acted on (or, when the filter hides decided rows, the next)."""
    try:
        actions.decide_on_case(ctx, run_id, case_id, action,
                                         locality_id=locality_id or None, reason=reason,
                                         confirm_overrun=confirm_overrun)
    except ON_PAGE as refused:  # e.g. an override into a no-return country, or a full place
        record_refusal(request, ctx, refused, subject_id=case_id, subject_type="case")
        return run_page(request, ctx, run_id, _filter_of(back), problem=refused, typed=Typed(
            case_id, str(action), locality_id, reason, confirm_overrun))
    hides_decided = _filter_of(back).show == Show.UNDECIDED
    return _back_to(run_id, back,
                    f"case-{next_case if hides_decided and next_case else case_id}")


@router.post("/placements/{run_id}/accepted")
def accept_many(
    request: Request, run_id: str, *, ctx: Annotated[Ctx, Depends(logged_in())],
    case_id: Annotated[list[str] | None, Form(max_length=64)] = None,
    back: Back = "",
) -> Response:
    """Accept every ticked case's placement at once (policy placement.accept, checked by the
    service): all or none."""
    ticked = (case_id or [])[:MAX_REVIEW_PAGE]
    try:
        actions.accept_many(ctx, run_id, ticked)
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=",".join(ticked)[:64],
                       subject_type="case")
        return run_page(request, ctx, run_id, _filter_of(back), problem=refused,
                        typed=Typed(action="accept_many", ticked=tuple(ticked)))
    hides_decided = _filter_of(back).show == Show.UNDECIDED
    return _back_to(run_id, back, "cases-h" if hides_decided else f"case-{ticked[-1]}")
