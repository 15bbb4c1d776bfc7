"""The REST API under /api: the same services as the pages, JSON in and out, paged lists."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from resettle.adapters.db.security.audit_store import list_audit
from resettle.adapters.web import services
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed, logged_in, public
from resettle.adapters.web.login import client_source, log_in, log_out
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.reporting.dashboard import dashboard_figures
from resettle.adapters.web.screening import actions as screening_actions
from resettle.adapters.web.sessions import clear_session_cookie, set_session_cookie
from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.core.csv_cells import FormulaSafeDictWriter
from resettle.errors import AuthenticationError, TooManyAttemptsError
from resettle.screening.workflow import Action as Step
from resettle.security.policy import Permission, Section, visible_sections
from resettle.security.views import export_rows

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    # A search that matched more people than it orders: total counts the first ones only;
    # a longer search text narrows it.
    total_is_floor: bool = False


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


class NoteIn(BaseModel):
    section: Section
    text: str = Field(min_length=1, max_length=20_000)


class StepIn(BaseModel):
    step: Step
    reason: str = Field(min_length=1, max_length=5000)
    data: dict[str, str] = Field(default_factory=dict, max_length=10)


class CreatedOut(BaseModel):
    id: int


def _page(page: services.Page) -> PageOut:
    return PageOut(items=page.items, total=page.total, offset=page.offset, limit=page.limit,
                   total_is_floor=page.capped)


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


@router.get("/cases")
def cases(
    *,
    ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_LIST))],
    offset: Offset = 0, limit: Limit = 50,
    q: Annotated[str, Query(max_length=200)] = "",
    status: CaseStatus | None = None, priority: Priority | None = None,
    category: Category | None = None,
    needs: Dimension | None = None,
) -> PageOut:
    """Cases in your scope; ``q`` searches ids and names (Latin or original script), else
    the filters apply; ``needs``: cases needing that kind of place (roles that see needs)."""
    filters = services.CaseFilters(q, status, priority, category, needs)
    return _page(services.list_visible_cases(ctx, filters, offset=offset, limit=limit))


@router.get("/cases/{case_id}")
def case(case_id: Annotated[str, Field(max_length=64)],
         ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]) -> dict[str, Any]:
    """One case, with the field sections your role may see."""
    return services.read_case(ctx, case_id)


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(case_id: str, body: NoteIn,
             ctx: Annotated[Ctx, Depends(allowed(Permission.NOTE_WRITE))]) -> CreatedOut:
    """Add a sensitive note (encrypted at rest) in a section your role may see."""
    return CreatedOut(id=services.add_case_note(ctx, case_id, body.section, body.text))


@router.post("/cases/{case_id}/steps")
def take_step(case_id: str, body: StepIn,
              ctx: Annotated[Ctx, Depends(logged_in())]) -> dict[str, Any]:
    """Take a screening workflow step (policy: screening.act, or exclusion.decide for exclusion
    steps; checked on the case); answers the case's new status."""
    case = screening_actions.take_step(ctx, case_id, body.step, body.reason, body.data)
    return {"case_id": case.case_id, "status": str(case.status), "version": case.version}


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


@router.get("/export/cases.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def export_cases(ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_EXPORT))],
                 offset: Offset = 0, limit: Limit = 100) -> Response:
    """One row per person of the cases in scope, with the columns your role may see."""
    page = services.export_visible_cases(ctx, offset=offset, limit=limit)
    buffer = io.StringIO()
    rows = export_rows(page, visible_sections(ctx.user.role))
    writer = FormulaSafeDictWriter(buffer, fieldnames=list(rows[0]) if rows else ["case_id"])
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": "attachment; filename=cases.csv",
                             "Cache-Control": "no-store"})
