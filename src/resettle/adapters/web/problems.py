"""One error shape for every error, API and pages alike (after datasette).

``{"error": {"status", "code", "message", "issues": [...]}}``; pages render the same fields.
Unexpected exceptions answer 500 with a fixed message: their text might hold personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from resettle.adapters.db.security.audit_store import append_audit
from resettle.adapters.web.config import SESSION_COOKIE
from resettle.adapters.web.guards import config_of, utcnow
from resettle.core.issues import Issue
from resettle.errors import ResettleError, ValidationError
from resettle.security.audit import AuditEvent
from resettle.security.policy import Permission, Principal, may

log = logging.getLogger("resettle.web")


class IssueOut(BaseModel):
    code: str
    message: str
    field: str = ""
    record: str = ""
    row: int | None = None
    file: str = ""


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    issues: list[IssueOut] = []


class ErrorOut(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 404, 409, 413, 422, 429)
}


def error_body(status: int, code: str, message: str, issues: list[IssueOut] | None = None
               ) -> dict[str, Any]:
    return ErrorOut(error=ErrorBody(status=status, code=code, message=message,
                                    issues=issues or [])).model_dump()


def issues_out(issues: Iterable[Issue]) -> list[IssueOut]:
    return [IssueOut(code=i.code, message=i.message, field=i.field, record=i.record, row=i.row,
                     file=i.file) for i in issues]


def error_response(request: Request, error: ResettleError) -> Response:
    """The error as JSON (API) or as the error page, for code outside the route handlers."""
    return _respond(request, error_body(error.http_status, error.code, error.message))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _respond(request: Request, body: dict[str, Any]) -> Response:
    status = int(body["error"]["status"])
    if _is_api(request):
        return JSONResponse(body, status_code=status)
    if status == 401:
        return RedirectResponse(login_url(request), status_code=303)
    # The navigation stays: a refused or missing page must not look like being logged out.
    user: Principal | None = getattr(request.state, "principal", None)
    can = {a.value for a in Permission if user is not None and may(user, a)}
    ctx = getattr(request.state, "ctx", None)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "error.html", {"error": body["error"], "user": user, "can": can,
                                "csrf": getattr(ctx, "csrf_token", "")}, status_code=status
    )


def login_url(request: Request) -> str:
    """Where a page asked without a valid session sends the browser: the login form, told
    whether a session expired and which page to return to (a page read, never an action: a
    form sent without a session is kept in the browser, see static/drafts.js)."""
    expired = bool(request.cookies.get(SESSION_COOKIE))
    query: dict[str, str] = {}
    if request.method in ("GET", "HEAD"):
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if safe_next(path) != "/":
            query["next"] = path
    if expired:
        query["expired"] = "1"
    return "/login" + (f"?{urlencode(query)}" if query else "")


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else "/": no scheme, no host, no
    protocol-relative ``//`` or ``/\\``, no control characters, not the login page itself."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return "/"
    if target.startswith(("//", "/\\")) or any(ord(c) < 32 or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout", "/api")):
        return "/"
    return target


def _audit_denial(request: Request, error: ResettleError) -> None:
    """A refused action is recorded too, in its own transaction (the request's rolled back).

    403s, and 404s — a record out of the user's scope answers 404 exactly like a missing one,
    so every 404 of a logged-in user is recorded, with the path's ids (e.g. a liaison trying
    another state's referral), unless the route recorded it already (case reads do).
    """
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None or error.http_status not in (403, 404):
        return
    ctx = getattr(request.state, "ctx", None)
    if error.http_status == 404 and ctx is not None and ctx.denials:
        return  # the route's own entry, kept by guards._keep_denials
    config = config_of(request)
    subject = " ".join(str(v) for v in request.path_params.values())[:64]
    event = AuditEvent(actor=principal.username, role=str(principal.role),
                       # audit_log.action holds 40 characters (PostgreSQL enforces it)
                       action=f"{request.method} {_route_path(request)}"[:40],
                       outcome="denied", subject_id=subject, detail=error.code)
    with config.sessions() as session, session.begin():
        append_audit(session, key=config.keys.audit_key, event=event, now=utcnow())


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))


async def on_resettle_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ResettleError)
    _audit_denial(request, error)
    issues = issues_out(error.issues if isinstance(error, ValidationError) else ())
    return _respond(request, error_body(error.http_status, error.code, error.message, issues))


async def on_request_validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    issues = [
        IssueOut(code="bad_value", message=str(e.get("msg", "")),
                 field=".".join(str(p) for p in e.get("loc", ())[1:]))
        for e in error.errors()
    ]
    body = error_body(422, "validation_failed", f"{len(issues)} problem(s) in the request",
                      issues)
    return _respond(request, body)


async def on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated"}
    body = error_body(error.status_code, codes.get(error.status_code, "http_error"),
                      str(error.detail))
    return _respond(request, body)


def internal_error(request: Request) -> Response:
    """The fixed answer to an unexpected error: its message could quote a person's data."""
    return _respond(request, error_body(500, "internal_error",
                                        "something went wrong on the server; it was logged"))


async def on_unexpected(request: Request, error: Exception) -> Response:
    # Type and route only: the message could quote a person's data.
    log.error("unexpected %s on %s %s", type(error).__name__, request.method,
              _route_path(request))
    return internal_error(request)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ResettleError, on_resettle_error)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
