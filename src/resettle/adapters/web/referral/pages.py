"""Referral pages: the referrals list (a liaison's portal) with its forms, and the case page's
refer form. The same actions as the API; a refused action shows its reason where it was made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.referral import actions
from resettle.adapters.web.referral.dossier_render import (
    render_dossier_fragment,
    render_dossier_html,
    render_dossier_pdf,
)
from resettle.adapters.web.screening.case_pages import act_on_case
from resettle.core import Priority
from resettle.errors import NotFoundError, ResettleError, ValidationError
from resettle.referral.records import NEEDS_REASON, HostDecision, ReferralFilter, label
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
PAGE = 25
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


@dataclass(frozen=True)
class Typed:
    """A liaison's answer as sent, shown again after a refusal (never reset to another)."""

    referral_id: int = 0
    decision: str = ""
    reason: str = ""
    accepted_persons: str = ""


@router.get("/referrals")
def referrals(request: Request, ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_LIST))], *,
              offset: Offset = 0, showing: ReferralFilter = ReferralFilter.ALL,
              done: Annotated[int, Query(ge=0, le=2**31)] = 0,
              answer: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The list; after an answer (``done``, ``answer``: from the redirect) a line says it was
    recorded, since the answered referral leaves the waiting ones at the top."""
    sent = (done, label(answer) if answer in set(HostDecision) else "") if done else None
    return referrals_page(request, ctx, offset, showing, sent=sent)


def _decisions() -> list[tuple[str, str]]:
    return [(d.value, label(d)) for d in HostDecision]


def _errors(problem: ResettleError | None) -> dict[str, str]:
    if not isinstance(problem, ValidationError):
        return {}
    return {i.field: i.message for i in problem.issues if i.field}


def referrals_page(request: Request, ctx: Ctx, offset: int = 0,
                   showing: ReferralFilter = ReferralFilter.ALL, *,
                   problem: ResettleError | None = None, typed: Typed | None = None,
                   sent: tuple[int, str] | None = None) -> Response:
    page = actions.list_visible_referrals(ctx, offset=offset, limit=PAGE, showing=showing)
    return render(request, ctx, "referrals.html", page=page, decisions=_decisions(),
                  needs_reason=" ".join(sorted(NEEDS_REASON)), filters=list(ReferralFilter),
                  label=label, back=urlencode({"offset": offset, "showing": showing.value}),
                  problem=problem, errors=_errors(problem), typed=typed or Typed(),
                  sent=sent, status_code=problem.http_status if problem else 200)


@router.get("/referrals/{referral_id}")
def referral_page(request: Request, referral_id: Annotated[int, Path(ge=1, le=2**31)],
                  ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_READ))]) -> Response:
    """The referral with its dossier, and the answer form where the role may answer."""
    return one_referral_page(request, ctx, referral_id)


def one_referral_page(request: Request, ctx: Ctx, referral_id: int, *,
                      problem: ResettleError | None = None, typed: Typed | None = None
                      ) -> Response:
    referral = actions.scoped_referral(ctx, referral_id)  # out of scope: the same 404
    try:
        disclosure, _ = actions.disclose(ctx, referral_id, "page")
        dossier, withheld = render_dossier_fragment(disclosure.dossier), ""
    except (NotFoundError, ValidationError) as refused:  # no agreement, consent missing
        dossier, withheld = None, refused.message
    return render(request, ctx, "referral.html", r=actions.referral_row(referral),
                  dossier=dossier, withheld=withheld,
                  decisions=_decisions(), needs_reason=" ".join(sorted(NEEDS_REASON)),
                  back=f"referral:{referral_id}", problem=problem, errors=_errors(problem),
                  typed=typed or Typed(), status_code=problem.http_status if problem else 200)


def _acting(request: Request, ctx: Ctx, referral_id: int, work: Callable[[], object], *,
            back: str = "", typed: Typed | None = None) -> Response:
    """Do ``work``; back to where the user acted (the list as filtered, or the referral's
    page), or that page again with the reason for the refusal and what was typed."""
    on_page = back == f"referral:{referral_id}"
    try:
        work()
    except ON_PAGE as refused:  # e.g. the workflow refuses: consent withdrawn meanwhile
        record_refusal(request, ctx, refused, subject_id=str(referral_id))
        if on_page:
            return one_referral_page(request, ctx, referral_id, problem=refused, typed=typed)
        offset, showing = _listing(back)
        return referrals_page(request, ctx, offset, showing, problem=refused, typed=typed)
    if on_page:
        return see_other(f"/referrals/{referral_id}")
    offset, showing = _listing(back)
    query = urlencode({"offset": offset, "showing": showing.value, "done": referral_id,
                       "answer": typed.decision if typed else ""})
    return see_other(f"/referrals?{query}#referral-{referral_id}")


def _listing(back: str) -> tuple[int, ReferralFilter]:
    """The list's offset and filter from the form's ``back`` (anything odd: the default)."""
    got = {k: v[0] for k, v in parse_qs(back).items() if v}
    offset = int(got["offset"]) if got.get("offset", "").isdigit() else 0
    showing = got.get("showing", "")
    return (min(offset, 10_000_000),
            ReferralFilter(showing) if showing in set(ReferralFilter) else ReferralFilter.ALL)


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
    request: Request, referral_id: int, *,
    ctx: Annotated[Ctx, Depends(allowed(Permission.REFERRAL_DECIDE))],
    decision: Annotated[str, Form(max_length=40)] = "",
    reason: Reason = "", accepted_persons: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The host state's answer; no answer is chosen for the liaison (the referral service
    refuses an empty or unknown one, and a refusal without its reason)."""
    persons = [p.strip() for p in accepted_persons.replace(",", " ").split() if p.strip()]
    typed = Typed(referral_id, decision, reason, accepted_persons)
    return _acting(request, ctx, referral_id,
                   lambda: actions.decide(ctx, referral_id, decision, reason, persons),
                   back=back, typed=typed)


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
