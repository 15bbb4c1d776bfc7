"""Server-rendered pages (Jinja2). Same services as the API; forms carry a CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from resettle.adapters.db.registry.name_search import SEARCH_CAP
from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.web import services
from resettle.adapters.web.config import LOGIN_CSRF_COOKIE, MAX_PAGE, SESSION_COOKIE
from resettle.adapters.web.guards import Ctx, allowed, logged_in, public
from resettle.adapters.web.login import client_source, log_in, log_out
from resettle.adapters.web.reporting.dashboard import dashboard_figures, dashboard_svgs
from resettle.adapters.web.screening import actions as screening_actions
from resettle.adapters.web.screening import exclusion as exclusion_service
from resettle.adapters.web.security.audit_status import chain_status
from resettle.adapters.web.sessions import clear_session_cookie, is_secure, set_session_cookie
from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.errors import (
    ConflictError,
    IllegalTransitionError,
    PermissionDeniedError,
    RefoulementError,
    ResettleError,
    ValidationError,
)
from resettle.screening.exclusion import Clause, Recommendation, ReviewDecision
from resettle.screening.workflow import Action as Step
from resettle.security.auth import new_token, tokens_match
from resettle.security.policy import Permission, Section, may, visible_sections

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def render(request: Request, ctx: Ctx, name: str, status_code: int = 200,
           **values: Any) -> Response:
    user = ctx.principal
    can = {a.value for a in Permission if user is not None and may(user, a)}
    context = {"user": user, "csrf": ctx.csrf_token, "can": can, **values}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, context, status_code=status_code)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_form(request: Request, ctx: Annotated[Ctx, Depends(public())]) -> Response:
    token = new_token()
    response = render(request, ctx, "login.html", login_csrf=token, message="")
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=is_secure(request), path="/login")
    return response


@router.post("/login")
def login_submit(
    request: Request, *, ctx: Annotated[Ctx, Depends(public())],
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=100)],
    totp: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    # Login CSRF: the form's token must match the cookie set with the form (double submit).
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, "\0"), csrf_token):
        raise PermissionDeniedError("the login form expired; reload it and try again",
                                    code="csrf_failed")
    result = log_in(ctx, username=username, password=password, totp_code=totp,
                    source=client_source(request))
    if not result.ok:
        token = new_token()
        response = render(request, ctx, "login.html", login_csrf=token, message=result.message,
                          status_code=429 if result.retry_after else 401)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=is_secure(request), path="/login")
        return response
    response = see_other("/")
    set_session_cookie(request, response, result.token)
    return response


@router.post("/logout")
def logout(request: Request, ctx: Annotated[Ctx, Depends(logged_in())]) -> Response:
    log_out(ctx, request.cookies.get(SESSION_COOKIE))
    response = see_other("/login")
    clear_session_cookie(response)
    return response


@router.get("/")
def home(ctx: Annotated[Ctx, Depends(logged_in())]) -> Response:
    if may(ctx.user, Permission.DASHBOARD_VIEW):
        return see_other("/dashboard")
    if may(ctx.user, Permission.FORECAST_VIEW) and not may(ctx.user, Permission.REFERRAL_LIST):
        return see_other("/forecast")  # an analyst: aggregates only
    return see_other("/referrals")


@router.get("/dashboard")
def dashboard(request: Request,
              ctx: Annotated[Ctx, Depends(allowed(Permission.DASHBOARD_VIEW))]) -> Response:
    board = dashboard_figures(ctx.session, today=ctx.now.date())
    return render(request, ctx, "dashboard.html", board=board, svgs=dashboard_svgs(board))


def _enum_or_none(kind: type[Any], value: str) -> Any:
    return kind(value) if value in {m.value for m in kind} else None


@router.get("/cases")
def cases(
    request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_LIST))],
    q: Annotated[str, Query(max_length=200)] = "", status: str = "", priority: str = "",
    category: str = "", needs: str = "", offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25,
) -> Response:
    sections = visible_sections(ctx.user.role)
    need = _enum_or_none(Dimension, needs) if Section.NEEDS in sections else None
    filters = services.CaseFilters(q, _enum_or_none(CaseStatus, status),
                                   _enum_or_none(Priority, priority),
                                   _enum_or_none(Category, category)
                                   if category in services.visible_categories(ctx.user) else None,
                                   need if need in services.NEED_FILTERS else None)
    page = services.list_visible_cases(ctx, filters, offset=offset, limit=limit)
    return render(request, ctx, "cases.html", page=page, filters=filters,
                  statuses=list(CaseStatus), priorities=list(Priority),
                  categories=services.visible_categories(ctx.user), search_cap=SEARCH_CAP,
                  needs=services.NEED_FILTERS if Section.NEEDS in sections else [],
                  show_names=Section.IDENTITY in sections)


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: str,
                ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]) -> Response:
    return case_page(request, ctx, case_id)


def case_page(request: Request, ctx: Ctx, case_id: str, *, problem: ResettleError | None = None
              ) -> Response:
    """The case as the role may see it, with the actions it may take; ``problem`` is why the
    last action was refused, shown on the page itself so the user can correct and retry."""
    view = services.read_case(ctx, case_id)
    person_ids = [m["person_id"] for m in view.get("members", []) if "person_id" in m]
    return render(request, ctx, "case.html", case=view,
                  status_code=problem.http_status if problem else 200, problem=problem,
                  note_sections=services.writable_note_sections(ctx.user),
                  steps=screening_actions.steps_for(ctx, view.get("status")),
                  reviews=exclusion_service.reviews_of_case(ctx, case_id, person_ids),
                  recommendations=list(Recommendation), clauses=list(Clause),
                  review_decisions=list(ReviewDecision))


# Refusals the user can act on (another step, another reviewer, a missing field): shown on the
# case page. Not-found stays the plain 404 page: the case may be outside the user's scope.
ON_PAGE = (PermissionDeniedError, IllegalTransitionError, ValidationError, RefoulementError,
           ConflictError)


def act_on_case(request: Request, ctx: Ctx, case_id: str, work: Callable[[], object]
                ) -> Response:
    """Do ``work``; on success back to the case (303), else the case page with the reason.

    A refused action writes nothing (rolled back); the refusal itself is audited.
    """
    try:
        work()
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=case_id[:64], subject_type="case")
        return case_page(request, ctx, case_id, problem=refused)
    return see_other(f"/cases/{case_id}")


def record_refusal(request: Request, ctx: Ctx, refused: ResettleError, *, subject_id: str,
                   subject_type: str = "") -> None:
    """Undo whatever the refused action wrote, then record the refusal itself."""
    ctx.session.rollback()
    if ctx.writing is not None:  # the refusal's entry takes the write lock anew (guards)
        ctx.writing.end()
    route = str(getattr(request.scope.get("route"), "path", "?"))
    ctx.audit(f"{request.method} {route}", subject_type=subject_type, subject_id=subject_id,
              outcome="denied" if refused.http_status == 403 else "refused",
              detail=refused.code)


@router.post("/cases/{case_id}/steps")
def case_step(request: Request, case_id: str, step: Annotated[Step, Form()],
              reason: Annotated[str, Form(min_length=1, max_length=5000)],
              ctx: Annotated[Ctx, Depends(logged_in())]) -> Response:
    """Policy: screening.act or exclusion.decide on the case, by step (checked in take_step)."""
    return act_on_case(request, ctx, case_id,
                       lambda: screening_actions.take_step(ctx, case_id, step, reason))


@router.post("/cases/{case_id}/notes")
def case_note(request: Request, case_id: str, section: Annotated[Section, Form()],
              text: Annotated[str, Form(min_length=1, max_length=20_000)],
              ctx: Annotated[Ctx, Depends(allowed(Permission.NOTE_WRITE))]) -> Response:
    return act_on_case(request, ctx, case_id,
                       lambda: services.add_case_note(ctx, case_id, section, text))


@router.get("/audit")
def audit(request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.AUDIT_VIEW))],
          actor: Annotated[str, Query(max_length=80)] = "",
          action: Annotated[str, Query(max_length=80)] = "",
          subject_id: Annotated[str, Query(max_length=64)] = "",
          offset: Offset = 0) -> Response:
    entries, total = list_audit(ctx.session, actor=actor or None, subject_id=subject_id or None,
                                action=action or None, offset=offset, limit=50)
    ctx.audit("audit.view", detail=f"offset {offset}")
    # Verified after the audit entry is committed and the write lock released: checking
    # thousands of hashes must not keep every other user's audited reads waiting.
    ctx.pause_writing()
    chain = chain_status(ctx.session, key=ctx.config.keys.audit_key)
    query = urlencode({"actor": actor, "action": action, "subject_id": subject_id})
    return render(request, ctx, "audit.html", entries=entries, total=total, offset=offset,
                  actor=actor, action=action, subject_id=subject_id, chain=chain, query=query)
