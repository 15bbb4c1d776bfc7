"""Casework forms on the case page: interviews and consent per adult, priority, categories,
no-return declarations, relatives, confidential statements, split and merge; and the due list.

Every field is optional at the HTTP level so that a mistake never gives a page of its own:
the screening service checks the values and a refusal comes back on the case page with what
was typed and each problem next to its field (``case_pages.act_on_case``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import render
from resettle.adapters.web.screening import casework
from resettle.adapters.web.screening.case_pages import act_on_case
from resettle.core import Relative
from resettle.security.policy import Permission

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=200)]
Many = Annotated[list[str], Form(max_length=50)]
Checked = Annotated[bool, Form()]


Interviewer = Annotated[Ctx, Depends(allowed(Permission.INTERVIEW_RECORD))]
Decider = Annotated[Ctx, Depends(allowed(Permission.SCREENING_DECIDE))]
Membership = Annotated[Ctx, Depends(allowed(Permission.CASE_MEMBERSHIP))]


@router.post("/cases/{case_id}/interviews")
def interview(request: Request, case_id: str, *, ctx: Interviewer, person_id: Short = "",
              language: Short = "", present: Many | None = None, notes: Text = "") -> Response:
    """One adult heard individually; anyone else in the room is named by kind."""
    form = casework.InterviewForm(person_id, language, tuple(present or ()), notes)
    return act_on_case(request, ctx, case_id, lambda: casework.record_interview(
        ctx, case_id, form), form="interview", values={
        "person_id": person_id, "language": language, "present": present or [],
        "notes": notes})


@router.post("/cases/{case_id}/consents")
def consent(request: Request, case_id: str, *, ctx: Interviewer, person_id: Short = "",
            given: Short = "yes", private: Checked = False, note: Text = "") -> Response:
    """An adult's own consent, or its withdrawal (always possible)."""
    return act_on_case(request, ctx, case_id, lambda: casework.record_consent(
        ctx, case_id, person_id, given=given != "no", private=private, note=note),
        form="consent", values={"person_id": person_id, "given": given,
                                "private": "true" if private else "", "note": note})


@router.post("/cases/{case_id}/priority")
def priority(request: Request, case_id: str, *, ctx: Decider, priority: Short = "",
             reason: Text = "") -> Response:
    return act_on_case(request, ctx, case_id, lambda: casework.set_priority(
        ctx, case_id, priority, reason), form="priority",
        values={"priority": priority, "reason": reason})


@router.post("/cases/{case_id}/categories")
def categories(request: Request, case_id: str, *, ctx: Decider, primary: Short = "",
               secondary: Short = "", reason: Text = "") -> Response:
    return act_on_case(request, ctx, case_id, lambda: casework.set_categories(
        ctx, case_id, primary, secondary, reason), form="categories",
        values={"primary": primary, "secondary": secondary, "reason": reason})


@router.post("/cases/{case_id}/no-return")
def no_return(request: Request, case_id: str, *,
              ctx: Annotated[Ctx, Depends(allowed(Permission.NO_RETURN_DECLARE))],
              person_id: Short = "", country: Short = "", reason: Text = "") -> Response:
    """A country a member fears return to; the list only grows."""
    return act_on_case(request, ctx, case_id, lambda: casework.declare_no_return(
        ctx, case_id, person_id, country, reason), form="no-return",
        values={"person_id": person_id, "country": country, "reason": reason})


@router.post("/cases/{case_id}/relatives")
def relative(request: Request, case_id: str, *, ctx: Membership, person_id: Short = "",
             name: Short = "", relation: Short = "", country: Short = "",
             contact: Checked = False) -> Response:
    found = Relative(name.strip(), relation.strip(), country.strip().upper(), contact)
    return act_on_case(request, ctx, case_id, lambda: casework.record_relative(
        ctx, case_id, person_id, found), form="relative", values={
        "person_id": person_id, "name": name, "relation": relation, "country": country,
        "contact": "true" if contact else ""})


@router.post("/cases/{case_id}/statements")
def statement(request: Request, case_id: str, *,
              ctx: Annotated[Ctx, Depends(allowed(Permission.STATEMENT_RECORD))],
              person_id: Short = "",
              text: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    """Kept apart from the case file; the page says it was recorded, never what it says."""
    return act_on_case(request, ctx, case_id, lambda: casework.record_statement(
        ctx, case_id, person_id, text), form="statement",
        values={"person_id": person_id, "text": text})


@router.get("/cases/{case_id}/members/{person_id}/statements")
def statements(request: Request, case_id: str, person_id: str, *,
               ctx: Annotated[Ctx, Depends(allowed(Permission.STATEMENT_RECORD))]) -> Response:
    found = casework.read_statements(ctx, case_id, person_id)
    return render(request, ctx, "statements.html", case_id=case_id, person_id=person_id,
                  statements=found)


@router.post("/cases/{case_id}/split")
def split(request: Request, case_id: str, *, ctx: Membership, members: Many | None = None,
          new_principal: Short = "", remaining_principal: Short = "",
          reason: Text = "") -> Response:
    """Adults who want different things get cases of their own; both keep the history."""
    moved: dict[str, str] = {}

    def work() -> None:
        _, new = casework.split(ctx, case_id, members or [], new_principal=new_principal,
                                remaining_principal=remaining_principal, reason=reason)
        moved["to"] = new.case_id

    answer = act_on_case(request, ctx, case_id, work, form="split", values={
        "members": members or [], "new_principal": new_principal,
        "remaining_principal": remaining_principal, "reason": reason})
    if "to" in moved:
        answer.headers["location"] = f"/cases/{moved['to']}"
    return answer


@router.post("/cases/{case_id}/merge")
def merge(request: Request, case_id: str, *, ctx: Membership, source: Short = "",
          relationship: Short = "", reason: Text = "") -> Response:
    """A family found: the other case's members join this one; the other case is closed."""
    return act_on_case(request, ctx, case_id, lambda: casework.merge(
        ctx, case_id, source, relationship, reason), form="merge",
        values={"source": source, "relationship": relationship, "reason": reason})


@router.get("/due")
def due(request: Request, *, ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_LIST))],
        today: Annotated[date | None, Query()] = None,
        within: Annotated[int | None, Query(ge=0, le=3650)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Response:
    """``resettle case due``: overdue and due-soon cases, most urgent first."""
    day = today or ctx.now.date()
    found = casework.due(ctx, day, within)
    return render(request, ctx, "due.html", due=found, today=day, within=within, limit=limit)

