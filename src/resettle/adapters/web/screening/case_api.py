"""Cases in the REST API: list, read, notes, workflow steps, export. Moved here from the
generic API module (#16); the same services as the case pages."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from resettle.adapters.web.api import CreatedOut, Limit, MergedOut, Offset, PageOut
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.screening import actions as screening_actions
from resettle.adapters.web.screening import case_access
from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.core.csv_cells import FormulaSafeDictWriter
from resettle.screening.workflow import Action as Step
from resettle.security.policy import Permission, Section, visible_sections
from resettle.security.views import export_rows

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


class NoteIn(BaseModel):
    section: Section
    text: str = Field(min_length=1, max_length=20_000)


class StepIn(BaseModel):
    step: Step
    reason: str = Field(min_length=1, max_length=5000)
    data: dict[str, str] = Field(default_factory=dict, max_length=10)


def page_out(page: case_access.Page) -> PageOut:
    return PageOut(items=page.items, total=page.total, offset=page.offset, limit=page.limit,
                   total_is_floor=page.capped,
                   merged=[MergedOut(person_id=gone, merged_into=into)
                           for gone, into in page.merged])


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
    filters = case_access.CaseFilters(q, status, priority, category, needs)
    return page_out(case_access.list_visible_cases(ctx, filters, offset=offset, limit=limit))


@router.get("/cases/{case_id}")
def case(case_id: Annotated[str, Field(max_length=64)],
         ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]) -> dict[str, Any]:
    """One case, with the field sections your role may see."""
    return case_access.read_case(ctx, case_id)


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(case_id: str, body: NoteIn,
             ctx: Annotated[Ctx, Depends(allowed(Permission.NOTE_WRITE))]) -> CreatedOut:
    """Add a sensitive note (encrypted at rest) in a section your role may see."""
    return CreatedOut(id=case_access.add_case_note(ctx, case_id, body.section, body.text))


@router.post("/cases/{case_id}/steps")
def take_step(case_id: str, body: StepIn,
              ctx: Annotated[Ctx, Depends(logged_in())]) -> dict[str, Any]:
    """Take a screening workflow step (policy: screening.act, or exclusion.decide for exclusion
    steps; checked on the case); answers the case's new status."""
    case = screening_actions.take_step(ctx, case_id, body.step, body.reason, body.data)
    return {"case_id": case.case_id, "status": str(case.status), "version": case.version}


@router.get("/export/cases.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def export_cases(ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_EXPORT))],
                 offset: Offset = 0, limit: Limit = 100) -> Response:
    """One row per person of the cases in scope, with the columns your role may see."""
    page = case_access.export_visible_cases(ctx, offset=offset, limit=limit)
    buffer = io.StringIO()
    rows = export_rows(page, visible_sections(ctx.user.role))
    writer = FormulaSafeDictWriter(buffer, fieldnames=list(rows[0]) if rows else ["case_id"])
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": "attachment; filename=cases.csv",
                             "Cache-Control": "no-store"})
