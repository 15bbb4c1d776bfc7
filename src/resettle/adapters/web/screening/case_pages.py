"""The case pages: the list, one case with the actions its role and workflow allow, and the
generic case forms (workflow step, note). Moved here from the generic web pages (#16).

A refused action comes back on the case page itself with its reason, the refused form as it
was typed and each problem next to its field (see ``act_on_case``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.db.registry.name_search import SEARCH_CAP
from resettle.adapters.web.config import MAX_PAGE
from resettle.adapters.web.forms import Typed, typed
from resettle.adapters.web.guards import Ctx, allowed, logged_in
from resettle.adapters.web.pages import ON_PAGE, record_refusal, render, see_other
from resettle.adapters.web.screening import actions as screening_actions
from resettle.adapters.web.screening import case_access, casework
from resettle.adapters.web.screening import exclusion as exclusion_service
from resettle.core import CaseStatus, Category, Dimension, Priority
from resettle.core.issues import Issue
from resettle.errors import ResettleError, ValidationError
from resettle.screening.exclusion import Clause, Recommendation, ReviewDecision
from resettle.screening.records import AttendeeKind
from resettle.screening.workflow import Action as Step
from resettle.screening.workflow import ClosureReason
from resettle.security import service as security_service
from resettle.security.policy import (
    DECISION_STEPS,
    Permission,
    Section,
    may,
    visible_sections,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Text = Annotated[str, Form(max_length=5000)]


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
    filters = case_access.CaseFilters(q, _enum_or_none(CaseStatus, status),
                                   _enum_or_none(Priority, priority),
                                   _enum_or_none(Category, category) if category in
                                   case_access.visible_categories(ctx.user) else None,
                                   need if need in case_access.NEED_FILTERS else None)
    page = case_access.list_visible_cases(ctx, filters, offset=offset, limit=limit)
    return render(request, ctx, "cases.html", page=page, filters=filters,
                  statuses=list(CaseStatus), priorities=list(Priority),
                  categories=case_access.visible_categories(ctx.user), search_cap=SEARCH_CAP,
                  needs=case_access.NEED_FILTERS if Section.NEEDS in sections else [],
                  show_names=Section.IDENTITY in sections)


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: str,
                ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]) -> Response:
    return case_page(request, ctx, case_id)


# Who is shown the adults' interviews and consent: roles that follow the casework.
STANDING_SECTION = Section.HISTORY


def case_page(request: Request, ctx: Ctx, case_id: str, *, problem: ResettleError | None = None,
              form: Typed | None = None) -> Response:
    """The case as the role may see it, with the actions it may take; ``problem`` is why the
    last action was refused, and ``form`` that form as typed, shown so the user can correct
    and retry."""
    view = case_access.read_case(ctx, case_id)
    members = view.get("members", [])
    person_ids = [m["person_id"] for m in members if "person_id" in m]
    names = {m["person_id"]: f"{m.get('given_name', '')} {m.get('family_name', '')}".strip()
             or m["person_id"] for m in members if "person_id" in m}
    standing = (casework.standing(ctx, case_id)
                if STANDING_SECTION in visible_sections(ctx.user.role) else None)
    return render(request, ctx, "case.html", case=view,
                  status_code=problem.http_status if problem else 200, problem=problem,
                  form=form, names=names, standing=standing,
                  recording=standing is not None and standing.recording,
                  no_return=casework.full_no_return(ctx, case_id),
                  attachments=casework.attachments(ctx, case_id),
                  offer=screening_actions.offer(ctx, standing),
                  note_sections=security_service.writable_note_sections(ctx.user),
                  reviews=exclusion_service.reviews_of_case(ctx, case_id, person_ids),
                  recommendations=list(Recommendation), clauses=list(Clause),
                  review_decisions=list(ReviewDecision), priorities=list(Priority),
                  categories=casework.settable_categories(ctx) if may(
                      ctx.user, Permission.SCREENING_DECIDE) else [],
                  attendee_kinds=list(AttendeeKind), closures=[
                      c for c in ClosureReason if c is not ClosureReason.MERGED])


def act_on_case(request: Request, ctx: Ctx, case_id: str, work: Callable[[], object], *,
                form: str = "", values: Mapping[str, str | Sequence[str]] | None = None,
                then: str = "") -> Response:
    """Do ``work``; on success to ``then`` or back to the case (303), else the case page with
    the reason and, for the form named ``form``, what was typed in it (``values``).

    A refused action writes nothing (rolled back); the refusal itself is audited.
    """
    try:
        work()
    except ON_PAGE as refused:
        record_refusal(request, ctx, refused, subject_id=case_id[:64], subject_type="case")
        sent = {k: v if isinstance(v, str) else list(v) for k, v in (values or {}).items()}
        return case_page(request, ctx, case_id, problem=refused,
                         form=typed(form, sent, refused) if form else None)
    return see_other(then or f"/cases/{case_id}#{form or 'top'}")


@router.post("/cases/{case_id}/steps")
def case_step(request: Request, case_id: str, *, ctx: Annotated[Ctx, Depends(logged_in())],
              step: Annotated[str, Form(max_length=40)] = "", reason: Text = "",
              closure: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Policy: screening.act, screening.decide or exclusion.decide on the case, by step
    (checked in take_step). No step is chosen in advance: nothing is taken by default."""
    data = {"closure": closure} if closure and step == Step.CLOSE else {}
    form = "decision" if step in DECISION_STEPS else "step"

    def work() -> object:
        if step not in {s.value for s in Step}:
            raise ValidationError([Issue("missing_value", "choose the action to take",
                                         field="step")])
        return screening_actions.take_step(ctx, case_id, Step(step), reason, data)

    return act_on_case(request, ctx, case_id, work, form=form,
                       values={"step": step, "reason": reason, "closure": closure})


@router.post("/cases/{case_id}/notes")
def case_note(request: Request, case_id: str, section: Annotated[Section, Form()],
              ctx: Annotated[Ctx, Depends(allowed(Permission.NOTE_WRITE))],
              text: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    return act_on_case(request, ctx, case_id,
                       lambda: case_access.add_case_note(ctx, case_id, section, text),
                       form="note", values={"section": section, "text": text})
