"""Casework in the REST API: the same functions as the case page's forms, JSON in and out.

Every CLI casework command (``resettle case interview|consent|decide|priority|categories|
no-return|relative|statement|split|merge|due``) has its route here; the role matrix test
(tests/web/test_role_matrix.py) tries each one for every role.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from resettle.adapters.web.guards import Ctx, allowed
from resettle.adapters.web.problems import ERROR_RESPONSES
from resettle.adapters.web.screening import casework
from resettle.core import Case, Relative
from resettle.screening.deadlines import Deadline
from resettle.screening.records import AttendeeKind
from resettle.security.policy import Permission

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Id = Annotated[str, Field(min_length=1, max_length=64)]
Reason = Annotated[str, Field(max_length=5000)]
Interviewer = Annotated[Ctx, Depends(allowed(Permission.INTERVIEW_RECORD))]
Decider = Annotated[Ctx, Depends(allowed(Permission.SCREENING_DECIDE))]
Membership = Annotated[Ctx, Depends(allowed(Permission.CASE_MEMBERSHIP))]


class InterviewIn(BaseModel):
    person_id: Id
    language: str = Field(default="", max_length=10)
    others_present: list[AttendeeKind] = Field(default_factory=list, max_length=20)
    notes: str = Field(default="", max_length=20_000)


class ConsentIn(BaseModel):
    person_id: Id
    given: bool = True  # False records a withdrawal
    private: bool = True
    note: Reason = ""


class DecisionIn(BaseModel):
    decision: str = Field(max_length=40)  # recognize, reject, grant_appeal, dismiss_appeal
    reason: Reason


class PriorityIn(BaseModel):
    priority: str = Field(max_length=20)
    reason: Reason


class CategoriesIn(BaseModel):
    primary: str = Field(max_length=60)
    secondary: str = Field(default="", max_length=60)
    reason: Reason


class NoReturnIn(BaseModel):
    person_id: Id
    country: str = Field(max_length=3)
    reason: Reason


class RelativeIn(BaseModel):
    person_id: Id
    name: str = Field(max_length=200)
    relation: str = Field(max_length=60)
    country: str = Field(max_length=3)
    contact_established: bool = False


class StatementIn(BaseModel):
    person_id: Id
    text: str = Field(max_length=20_000)


class SplitIn(BaseModel):
    members: list[Id] = Field(min_length=1, max_length=50)
    new_principal: Id
    remaining_principal: str = Field(default="", max_length=64)
    reason: Reason


class MergeIn(BaseModel):
    source_case_id: Id
    relationship: str = Field(default="other_relative", max_length=60)
    reason: Reason


def case_out(case: Case) -> dict[str, Any]:
    return {"case_id": case.case_id, "status": str(case.status), "version": case.version,
            "size": case.size}


@router.get("/cases/{case_id}/screening")
def standing(case_id: str,
             ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_READ))]) -> dict[str, Any]:
    """Who has been heard and who consented, the workflow actions possible now, and why the
    others are not yet (the same rules as taking them)."""
    casework.load_for_reading(ctx, case_id)
    found = casework.standing(ctx, case_id)
    ctx.audit("screening.read", subject_type="case", subject_id=case_id)
    return {"case_id": case_id, "status": str(found.case.status),
            "adults": [{"person_id": a.person_id, "heard": str(a.heard),
                        "consent": str(a.consent), "interviews": a.interviews}
                       for a in found.adults],
            "ready": [str(a) for a in found.ready],
            "no_return": casework.full_no_return(ctx, case_id),
            "waiting": {str(a): why for a, why in found.waiting.items()}}


@router.post("/cases/{case_id}/interviews", status_code=201)
def interview(case_id: str, body: InterviewIn, ctx: Interviewer) -> dict[str, Any]:
    """An adult heard individually; whoever else was in the room, by kind."""
    form = casework.InterviewForm(body.person_id, body.language,
                                  tuple(str(k) for k in body.others_present), body.notes)
    return case_out(casework.record_interview(ctx, case_id, form))


@router.post("/cases/{case_id}/consents", status_code=201)
def consent(case_id: str, body: ConsentIn, ctx: Interviewer) -> dict[str, Any]:
    """An adult's own consent (``given``) or its withdrawal; a referred case goes on hold."""
    return case_out(casework.record_consent(ctx, case_id, body.person_id, given=body.given,
                                            private=body.private, note=body.note))


@router.post("/cases/{case_id}/decision")
def decision(case_id: str, body: DecisionIn, ctx: Decider) -> dict[str, Any]:
    """A written status decision with its reasons; an appeal decision needs another officer."""
    return case_out(casework.decide(ctx, case_id, body.decision, body.reason))


@router.post("/cases/{case_id}/priority")
def priority(case_id: str, body: PriorityIn, ctx: Decider) -> dict[str, Any]:
    return case_out(casework.set_priority(ctx, case_id, body.priority, body.reason))


@router.post("/cases/{case_id}/categories")
def categories(case_id: str, body: CategoriesIn, ctx: Decider) -> dict[str, Any]:
    return case_out(casework.set_categories(ctx, case_id, body.primary, body.secondary,
                                            body.reason))


@router.post("/cases/{case_id}/no-return", status_code=201)
def no_return(case_id: str, body: NoReturnIn,
              ctx: Annotated[Ctx, Depends(allowed(Permission.NO_RETURN_DECLARE))]
              ) -> dict[str, Any]:
    """A country the person fears; a referral there is withdrawn with it."""
    return case_out(casework.declare_no_return(ctx, case_id, body.person_id, body.country,
                                               body.reason))


@router.post("/cases/{case_id}/relatives", status_code=201)
def relative(case_id: str, body: RelativeIn, ctx: Membership) -> dict[str, Any]:
    found = Relative(body.name.strip(), body.relation.strip(), body.country.upper(),
                     body.contact_established)
    return case_out(casework.record_relative(ctx, case_id, body.person_id, found))


@router.post("/cases/{case_id}/statements", status_code=201)
def statement(case_id: str, body: StatementIn,
              ctx: Annotated[Ctx, Depends(allowed(Permission.STATEMENT_RECORD))]
              ) -> dict[str, str]:
    """Kept apart from the case file; the answer names the statement, never its text."""
    return {"statement_id": casework.record_statement(ctx, case_id, body.person_id,
                                                      body.text)}


@router.get("/cases/{case_id}/members/{person_id}/statements")
def statements(case_id: str, person_id: str,
               ctx: Annotated[Ctx, Depends(allowed(Permission.STATEMENT_RECORD))]
               ) -> dict[str, Any]:
    """One member's own statements (never another member's); the read is audited."""
    found = casework.read_statements(ctx, case_id, person_id)
    return {"person_id": person_id, "items": [
        {"statement_id": s.statement_id, "text": s.text, "recorded_by": s.recorded_by,
         "at": s.at.isoformat()} for s in found]}


@router.post("/cases/{case_id}/split", status_code=201)
def split(case_id: str, body: SplitIn, ctx: Membership) -> dict[str, Any]:
    source, new = casework.split(ctx, case_id, body.members, new_principal=body.new_principal,
                                 remaining_principal=body.remaining_principal,
                                 reason=body.reason)
    return {"source": case_out(source), "new": case_out(new)}


@router.post("/cases/{case_id}/merge")
def merge(case_id: str, body: MergeIn, ctx: Membership) -> dict[str, Any]:
    """The source case's members join this case; the source is closed."""
    return case_out(casework.merge(ctx, case_id, body.source_case_id, body.relationship,
                                   body.reason))


def _deadline(d: Deadline, today: date) -> dict[str, Any]:
    return {"case_id": d.case_id, "status": str(d.status), "priority": str(d.priority),
            "milestone": str(d.milestone), "due": d.due.isoformat(),
            "days_left": d.days_left(today)}


@router.get("/due")
def due(ctx: Annotated[Ctx, Depends(allowed(Permission.CASE_LIST))],
        today: Annotated[date | None, Query()] = None,
        within: Annotated[int | None, Query(ge=0, le=3650)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """``resettle case due``: overdue and due-soon cases, most urgent first (totals count
    all; the lists show at most ``limit`` each)."""
    day = today or ctx.now.date()
    found = casework.due(ctx, day, within)
    return {"today": day.isoformat(),
            "overdue_total": len(found.overdue), "due_soon_total": len(found.due_soon),
            "overdue": [_deadline(d, day) for d in found.overdue[:limit]],
            "due_soon": [_deadline(d, day) for d in found.due_soon[:limit]]}
