"""The case pages: the list, one case with the actions its role and workflow allow, and the
generic case forms (workflow step, note). Moved here from the generic web pages (#16).

A refused action comes back on the case page itself with its reason (see ``act_on_case``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.db.registry.name_search import SEARCH_CAP
from resettle.adapters.web import services
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.screening import actions as screening_actions
from resettle.adapters.web.screening import exclusion as exclusion_service
from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.errors import ResettleError
from resettle.screening.exclusion import Clause, Recommendation, ReviewDecision
from resettle.screening.workflow import Action as Step
from resettle.security.policy import Permission, Section, visible_sections

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


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


