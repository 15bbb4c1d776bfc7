"""Server-rendered pages (Jinja2). Same services as the API; forms carry a CSRF token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from resettle.adapters.db.security.audit_status import chain_status
from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.web.config import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from resettle.adapters.web.guards import Ctx, allowed, logged_in, public
from resettle.adapters.web.problems import safe_next
from resettle.adapters.web.reporting.dashboard import charts, dashboard_figures, dashboard_svgs
from resettle.adapters.web.security.login import client_source, log_in, log_out
from resettle.adapters.web.sessions import clear_session_cookie, is_secure, set_session_cookie
from resettle.errors import (
    ConflictError,
    IllegalTransitionError,
    PermissionDeniedError,
    RefoulementError,
    ResettleError,
    ValidationError,
)
from resettle.reporting.queue import kinds_for
from resettle.security.auth import new_token, tokens_match
from resettle.security.policy import Permission, may

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


EXPIRED = "Your session expired; sign in again. You will return to the page you were on."


@router.get("/login")
def login_form(request: Request, ctx: Annotated[Ctx, Depends(public())],
               next: Annotated[str, Query(max_length=2000)] = "",
               expired: Annotated[str, Query(max_length=1)] = "") -> Response:
    token = new_token()
    response = render(request, ctx, "login.html", login_csrf=token, message="",
                      notice=EXPIRED if expired else "", next=safe_next(next))
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
    next: Annotated[str, Form(max_length=2000)] = "",
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
                          notice="", next=safe_next(next),
                          status_code=429 if result.retry_after else 401)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=is_secure(request), path="/login")
        return response
    response = see_other(safe_next(next))  # back to the page the user was on
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
    """The user's start page: their work queue, else the dashboard, else the referrals."""
    if kinds_for(ctx.user):
        return see_other("/queue")
    if may(ctx.user, Permission.DASHBOARD_VIEW):
        return see_other("/dashboard")
    if may(ctx.user, Permission.FORECAST_VIEW) and not may(ctx.user, Permission.REFERRAL_LIST):
        return see_other("/forecast")  # an analyst: aggregates only
    return see_other("/referrals")


@router.get("/dashboard")
def dashboard(request: Request,
              ctx: Annotated[Ctx, Depends(allowed(Permission.DASHBOARD_VIEW))]) -> Response:
    board = dashboard_figures(ctx.session, today=ctx.now.date())
    return render(request, ctx, "dashboard.html", board=board, svgs=dashboard_svgs(board),
                  charts=charts(board.overview), today=ctx.now.date())


# Refusals the user can act on (another step, another reviewer, a missing field): shown on the
# case page. Not-found stays the plain 404 page: the case may be outside the user's scope.
ON_PAGE = (PermissionDeniedError, IllegalTransitionError, ValidationError, RefoulementError,
           ConflictError)


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
