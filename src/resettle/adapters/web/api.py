"""The REST API under /api: the same services as the pages, JSON in and out, paged lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed, logged_in, public
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.reporting.dashboard import dashboard_figures
from resettle.adapters.web.security.login import client_source, log_in, log_out
from resettle.adapters.web.sessions import clear_session_cookie, set_session_cookie
from resettle.errors import AuthenticationError, TooManyAttemptsError
from resettle.security.policy import Permission, visible_sections

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


class MergedOut(BaseModel):
    person_id: str
    merged_into: str


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    # A search that matched more people than it orders: total counts the first ones only;
    # a longer search text narrows it.
    total_is_floor: bool = False
    # Records the search found that were merged away as duplicates, with their survivor.
    merged: list[MergedOut] = Field(default_factory=list)


class LoginIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    totp: str = Field(default="", max_length=20)


class MeOut(BaseModel):
    username: str
    role: str
    state: str | None = None
    csrf_token: str
    sections: list[str]


class CreatedOut(BaseModel):
    id: int


def _me(ctx: Ctx) -> MeOut:
    user = ctx.user
    return MeOut(username=user.username, role=str(user.role), state=user.state,
                 csrf_token=ctx.csrf_token, sections=sorted(visible_sections(user.role)))


@router.get("/health")
def health(ctx: Annotated[Ctx, Depends(public())]) -> dict[str, str]:
    """Liveness: answers without touching any record."""
    return {"status": "ok"}


@router.post("/session")
def create_session(body: LoginIn, request: Request, response: Response,
                   ctx: Annotated[Ctx, Depends(public())]) -> MeOut:
    """Log in; the session cookie is set and the CSRF token for unsafe calls returned."""
    result = log_in(ctx, username=body.username, password=body.password, totp_code=body.totp,
                    source=client_source(request))
    if not result.ok:
        ctx.session.commit()  # keep the failure count and the audit entry
        if result.retry_after:
            raise TooManyAttemptsError(result.message)
        raise AuthenticationError(result.message)
    set_session_cookie(request, response, result.token)
    ctx.csrf_token = result.csrf_token
    return _me(ctx)


@router.delete("/session", status_code=204)
def delete_session(request: Request, response: Response,
                   ctx: Annotated[Ctx, Depends(logged_in())]) -> None:
    """Log out: the session ends on the server, not only in the browser."""
    log_out(ctx, request.cookies.get("resettle_session"))
    clear_session_cookie(response)


@router.get("/me")
def me(ctx: Annotated[Ctx, Depends(logged_in())]) -> MeOut:
    return _me(ctx)


@router.get("/audit")
def audit(*, ctx: Annotated[Ctx, Depends(allowed(Permission.AUDIT_VIEW))],
          offset: Offset = 0, limit: Limit = 50,
          actor: Annotated[str, Query(max_length=80)] = "",
          subject_id: Annotated[str, Query(max_length=64)] = "",
          action: Annotated[str, Query(max_length=40)] = "") -> PageOut:
    """The audit trail, newest first (reading it is itself audited)."""
    entries, total = list_audit(ctx.session, actor=actor or None,
                                subject_id=subject_id or None, action=action or None,
                                offset=offset, limit=limit)
    ctx.audit("audit.view", detail=f"offset {offset}")
    items = [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.event.actor,
              "role": e.event.role, "action": e.event.action,
              "subject_type": e.event.subject_type, "subject_id": e.event.subject_id,
              "outcome": e.event.outcome, "detail": e.event.detail, "hash": e.entry_hash}
             for e in entries]
    return PageOut(items=items, total=total, offset=offset, limit=limit)


@router.get("/dashboard")
def dashboard(ctx: Annotated[Ctx, Depends(allowed(Permission.DASHBOARD_VIEW))]) -> dict[str, Any]:
    """Aggregates only: pipeline funnel, places per host state, overdue cases by priority."""
    return dashboard_figures(ctx.session, today=ctx.now.date()).as_dict()


