"""Referral pages: the referrals list (a liaison's portal) with its forms, and the case page's
refer form. The same actions as the API; a refused action shows its reason where it was made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.dossier_render import render_dossier_html, render_dossier_pdf
from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.referral import actions
from resettle.adapters.web.screening.case_pages import act_on_case
from resettle.core import Priority
from resettle.errors import ResettleError
from resettle.referral.records import HostDecision, label
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Reason = Annotated[str, Form(max_length=5000)]


@router.post("/cases/{case_id}/referrals")
def case_refer(request: Request, case_id: str, *,
               country: Annotated[str, Form(pattern=r"^[A-Z]{3}$")],
               ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_CREATE))],
               reason: Reason = "submitted to the host state",
               submission_priority: Annotated[Priority, Form()] = Priority.NORMAL) -> Response:
    return act_on_case(request, ctx, case_id, lambda: actions.refer(
        ctx, case_id, country, reason=reason or "submitted to the host state",
        submission_priority=submission_priority))


@router.get("/referrals")
def referrals(request: Request, ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_LIST))],
              offset: Offset = 0) -> Response:
    return referrals_page(request, ctx, offset)


def referrals_page(request: Request, ctx: Ctx, offset: int = 0, *,
                   problem: ResettleError | None = None) -> Response:
    page = actions.list_visible_referrals(ctx, offset=offset, limit=25)
    decisions = [(d.value, label(d)) for d in HostDecision]
    return render(request, ctx, "referrals.html", page=page, decisions=decisions,
                  problem=problem, status_code=problem.http_status if problem else 200)


def _acting(request: Request, ctx: Ctx, referral_id: int,
            work: Callable[[], object]) -> Response:
    try:
        work()
    except ON_PAGE as refused:  # e.g. the workflow refuses: consent withdrawn meanwhile
        record_refusal(request, ctx, refused, subject_id=str(referral_id))
        return referrals_page(request, ctx, problem=refused)
    return see_other("/referrals")


@router.get("/referrals/{referral_id}/dossier.html")
def referral_dossier_html(referral_id: Annotated[int, Path(ge=1, le=2**31)],
                          ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_READ))]
                          ) -> Response:
    """The dossier the referral's host state receives (its agreement's fields only)."""
    _, body = actions.disclose(ctx, referral_id, "html",
                               lambda d: render_dossier_html(d).encode("utf-8"))
    return Response(body, media_type="text/html; charset=utf-8")


@router.get("/referrals/{referral_id}/dossier.pdf")
def referral_dossier_pdf(referral_id: Annotated[int, Path(ge=1, le=2**31)],
                         ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_READ))]
                         ) -> Response:
    _, body = actions.disclose(ctx, referral_id, "pdf", render_dossier_pdf)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="referral-{referral_id}-dossier.pdf"'})


@router.post("/referrals/{referral_id}/decision")
def referral_decision(
    request: Request, referral_id: int, *, decision: Annotated[HostDecision, Form()],
    ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_DECIDE))],
    reason: Reason = "", accepted_persons: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    persons = [p.strip() for p in accepted_persons.replace(",", " ").split() if p.strip()]
    return _acting(request, ctx, referral_id,
                   lambda: actions.decide(ctx, referral_id, decision, reason, persons))


@router.post("/referrals/{referral_id}/withdrawal")
def referral_withdrawal(request: Request, referral_id: int, reason: Reason,
                        ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_WITHDRAW))]
                        ) -> Response:
    return _acting(request, ctx, referral_id,
                   lambda: actions.withdraw(ctx, referral_id, reason))


@router.post("/referrals/{referral_id}/split")
def referral_split(request: Request, referral_id: int, reason: Reason,
                   choice: Annotated[str, Form(pattern="^(split|decline)$")],
                   ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_SPLIT))]) -> Response:
    return _acting(request, ctx, referral_id, lambda: actions.resolve_split(
        ctx, referral_id, split=choice == "split", reason=reason))
