"""Register a case and its principal, add a member, edit a person: from a form or the API.

What is typed goes through the registry's own reading of a file's rows
(``registry.forms.read_form``: the same columns, codecs and checks as an import) and the
import's storing step (``uploads.import_parsed``: sections the user may not write, a status
set only by the workflow, all or nothing, audited). No rule is restated here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.pages import render, see_other
from resettle.adapters.web.problems import ERROR_RESPONSES, error_body, issues_out
from resettle.adapters.web.registry.uploads import ImportResult, import_parsed
from resettle.adapters.web.screening import case_access
from resettle.core import Issue
from resettle.errors import NotFoundError
from resettle.registry import COLUMNS, Column, RecordKind
from resettle.registry.forms import person_cells, read_form
from resettle.security.policy import Permission, visible_sections
from resettle.security.views import SENSITIVE_PERSON_FIELDS, keep_hidden

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Registrar = Annotated[Ctx, Depends(allowed(Permission.CASE_REGISTER))]
# Set by the workflow (status) or counted from the members (size), never typed.
NOT_TYPED = frozenset({"status", "size"})
MAX_FIELD = 2000


async def typed_form(request: Request) -> dict[str, str]:
    """The form's text fields (the guard has already read and checked it)."""
    form = await request.form()
    return {k: v[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


Typed = Annotated[dict[str, str], Depends(typed_form)]


def person_columns(ctx: Ctx) -> list[Column]:
    """The person columns this role may write (never a section it does not see)."""
    sections = visible_sections(ctx.user.role)
    return [c for c in COLUMNS[RecordKind.PERSONS]
            if SENSITIVE_PERSON_FIELDS.get(c.name, None) in (None, *sections)]


def case_columns() -> list[Column]:
    return [c for c in COLUMNS[RecordKind.CASES] if c.name not in NOT_TYPED]


def register(ctx: Ctx, cases: Sequence[Mapping[str, str]],
             persons: Sequence[Mapping[str, str]]) -> ImportResult:
    """Store typed records as an import would, or nothing, with every problem listed (each
    issue's file is ``case`` or ``person``, its field the column)."""
    parsed = [read_form(RecordKind.CASES, cases, "case")] if cases else []
    parsed.append(read_form(RecordKind.PERSONS, persons, "person"))
    return import_parsed(ctx, parsed, {}, "registration form")


@dataclass(frozen=True)
class FormState:
    values: Mapping[str, str] = field(default_factory=dict)  # by input name (c_... / p_...)
    errors: Mapping[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    first: str = ""


def _state(values: Mapping[str, str], issues: Sequence[Issue]) -> FormState:
    errors: dict[str, str] = {}
    general = []
    for issue in issues:
        prefix = "c_" if issue.file.startswith("case") else "p_"
        name = prefix + issue.field
        if issue.field and name in values:
            errors[name] = "; ".join(filter(None, (errors.get(name), issue.message)))
        else:
            general.append(issue.message)
    first = next((n for n in values if n in errors), "")
    return FormState(values, errors, general, first)


def _rows(values: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix): v.strip() for k, v in values.items() if k.startswith(prefix)}


def _form(request: Request, ctx: Ctx, *, title: str, action: str, state: FormState,
          with_case: bool, fixed: Sequence[str] = (), status_code: int = 200) -> Response:
    return render(request, ctx, "register.html", title=title, action=action, state=state,
                  case_fields=case_columns() if with_case else [],
                  person_fields=person_columns(ctx), fixed=set(fixed),
                  status_code=status_code)


def _attempt(request: Request, ctx: Ctx, values: dict[str, str], *, then: str,
             title: str, action: str, with_case: bool, fixed: Sequence[str] = ()) -> Response:
    cases = [_rows(values, "c_")] if with_case else []
    result = register(ctx, cases, [_rows(values, "p_")])
    if not result.ok:
        return _form(request, ctx, title=title, action=action, with_case=with_case,
                     fixed=fixed, state=_state(values, result.issues), status_code=422)
    return see_other(then)


NEW_CASE = "Register a case and its principal applicant"


@pages.get("/registry/register")
def register_form(request: Request, ctx: Registrar) -> Response:
    return _form(request, ctx, title=NEW_CASE, action="/registry/register",
                 state=FormState({"p_relationship": "principal"}), with_case=True)


@pages.post("/registry/register")
def register_submit(request: Request, ctx: Registrar, values: Typed) -> Response:
    values = {k: v for k, v in values.items() if k != "csrf_token"}
    case_id = values.get("c_case_id", "").strip()
    values["p_case_id"] = case_id
    values["c_principal_id"] = values.get("p_person_id", "").strip()
    return _attempt(request, ctx, values, then=f"/cases/{case_id}", title=NEW_CASE,
                    action="/registry/register", with_case=True)


@pages.get("/cases/{case_id}/members/new")
def member_form(request: Request, case_id: str, ctx: Registrar) -> Response:
    case_access.load_case_for(ctx, Permission.CASE_REGISTER, case_id)
    return _form(request, ctx, title=f"Add a member to case {case_id}",
                 action=f"/cases/{case_id}/members", with_case=False, fixed=["p_case_id"],
                 state=FormState({"p_case_id": case_id}))


@pages.post("/cases/{case_id}/members")
def member_submit(request: Request, case_id: str, ctx: Registrar, values: Typed) -> Response:
    case_access.load_case_for(ctx, Permission.CASE_REGISTER, case_id)
    values = {k: v for k, v in values.items() if k != "csrf_token"} | {"p_case_id": case_id}
    return _attempt(request, ctx, values, then=f"/cases/{case_id}",
                    title=f"Add a member to case {case_id}", action=f"/cases/{case_id}/members",
                    with_case=False, fixed=["p_case_id"])


def _stored_cells(ctx: Ctx, case_id: str, person_id: str) -> dict[str, str]:
    case = case_access.load_case_for(ctx, Permission.CASE_REGISTER, case_id)
    person = next((m for m in case.members if m.person_id == person_id), None)
    if person is None:
        raise NotFoundError(f"{person_id} is not a member of case {case_id}")
    visible = keep_hidden(person, None, visible_sections(ctx.user.role))
    ctx.audit("person.read", subject_type="case", subject_id=case_id,
              detail=f"person {person_id}; for editing")
    return {f"p_{k}": v for k, v in person_cells(visible).items()}


@pages.get("/cases/{case_id}/members/{person_id}/edit")
def edit_form(request: Request, case_id: str, person_id: str, ctx: Registrar) -> Response:
    return _form(request, ctx, title=f"Edit {person_id}",
                 action=f"/cases/{case_id}/members/{person_id}/edit", with_case=False,
                 fixed=["p_case_id", "p_person_id"],
                 state=FormState(_stored_cells(ctx, case_id, person_id)))


@pages.post("/cases/{case_id}/members/{person_id}/edit")
def edit_submit(request: Request, case_id: str, person_id: str, ctx: Registrar,
                values: Typed) -> Response:
    case_access.load_case_for(ctx, Permission.CASE_REGISTER, case_id)
    values = {k: v for k, v in values.items() if k != "csrf_token"} | {
        "p_case_id": case_id, "p_person_id": person_id}
    return _attempt(request, ctx, values, then=f"/cases/{case_id}", title=f"Edit {person_id}",
                    action=f"/cases/{case_id}/members/{person_id}/edit", with_case=False,
                    fixed=["p_case_id", "p_person_id"])


Cells = dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=MAX_FIELD)]]


class RecordsIn(BaseModel):
    """Records as a file's rows: column name -> text (see docs: registry columns)."""

    cases: list[Cells] = Field(default_factory=list, max_length=1)
    persons: list[Cells] = Field(min_length=1, max_length=30)


@api.post("/registry/records", status_code=201)
def register_api(body: RecordsIn, ctx: Registrar) -> Response:
    """Register or edit persons (and a new case) with the import's checks: a person already
    stored is replaced by what is sent, except the sections the role does not see."""
    for case_id in {p.get("case_id", "") for p in body.persons} - {
            c.get("case_id", "") for c in body.cases}:
        case_access.load_case_for(ctx, Permission.CASE_REGISTER, case_id)
    result = register(ctx, body.cases, body.persons)
    if not result.ok:
        return JSONResponse(error_body(422, "validation_failed", f"{len(result.issues)} "
                                       "problem(s) found; nothing was written",
                                       issues_out(result.issues)), status_code=422)
    return JSONResponse({"cases": list(result.case_ids), "inserted": result.counts.inserted,
                         "updated": result.counts.updated,
                         "unchanged": result.counts.unchanged}, status_code=201)
