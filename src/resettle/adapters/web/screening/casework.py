"""Casework from the web: the same screening (and referral) services the CLI calls.

Each function checks the permission on the case (the same 404 whether the case does not
exist or is out of scope), calls the stage service in the request's unit of work, and
audits what it did with ids only (never a name or a typed text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security.attachments_store import SqlAttachmentStore
from resettle.adapters.web.guards import Ctx
from resettle.adapters.web.screening import case_access
from resettle.core import Case, Category, Priority, Relative
from resettle.core.issues import Issue
from resettle.errors import PermissionDeniedError, ValidationError
from resettle.referral import service as referral_service
from resettle.screening import service
from resettle.screening.deadlines import DueList
from resettle.screening.records import Attendee, AttendeeKind, ConfidentialStatement, Interview
from resettle.screening.standing import CaseStanding
from resettle.security import service as security_service
from resettle.security.policy import (
    Permission,
    Scope,
    Section,
    authorize,
    scope_of,
    section_of_category,
    visible_sections,
)
from resettle.security.views import Attachment

E = TypeVar("E", bound=StrEnum)


def _store(ctx: Ctx) -> SqlScreeningStore:
    return SqlScreeningStore(ctx.session)


def _choice(kind: type[E], value: str, field: str) -> E:
    """``value`` as a member of the enum ``kind``, or a validation issue on ``field``."""
    if value not in {m.value for m in kind}:
        raise ValidationError([Issue("bad_value", "choose one of: " + ", ".join(
            m.value for m in kind), field=field)])
    return kind(value)


def load_for_reading(ctx: Ctx, case_id: str) -> Case:
    """The case if the user may read it (the same 404 otherwise)."""
    return case_access.load_case_for(ctx, Permission.CASE_READ, case_id)


def full_no_return(ctx: Ctx, case_id: str) -> list[str] | None:
    """The case's whole no-return list, declared countries included, for roles that see the
    confidential section (a declaration is what a person confided); None for the others."""
    if Section.CONFIDENTIAL not in visible_sections(ctx.user.role):
        return None
    return sorted(service.no_return_list(_store(ctx), case_id))


def standing(ctx: Ctx, case_id: str) -> CaseStanding:
    """Who has been heard and who consented, and the next actions (not audited here: shown
    with the case, whose read is)."""
    return service.case_standing(_store(ctx), case_id, actor=ctx.user.username)


@dataclass(frozen=True)
class InterviewForm:
    person_id: str
    language: str = ""
    present: Sequence[str] = ()  # attendee kinds, one per other person in the room
    notes: str = ""


def record_interview(ctx: Ctx, case_id: str, form: InterviewForm) -> Case:
    case_access.load_case_for(ctx, Permission.INTERVIEW_RECORD, case_id)
    attendees = tuple(Attendee(_choice(AttendeeKind, kind, "present")) for kind in form.present)
    store = _store(ctx)
    interview = Interview(store.new_id("IV"), case_id, form.person_id, ctx.user.username,
                          service.utc_now(), form.language.strip(), attendees, form.notes)
    case = service.record_interview(store, interview)
    ctx.audit("screening.interview", subject_type="case", subject_id=case_id,
              detail=f"person {form.person_id}; private {interview.private}")
    return case


def record_consent(ctx: Ctx, case_id: str, person_id: str, *, given: bool, private: bool,
                   note: str) -> Case:
    case_access.load_case_for(ctx, Permission.INTERVIEW_RECORD, case_id)
    record = service.record_consent if given else service.withdraw_consent
    case = record(_store(ctx), case_id, person_id, recorded_by=ctx.user.username,
                  private=private, note=note)
    ctx.audit("screening.consent" if given else "screening.withdraw_consent",
              subject_type="case", subject_id=case_id, detail=f"person {person_id}")
    return case


def decide(ctx: Ctx, case_id: str, decision: str, reason: str) -> Case:
    """A written status decision with its reasons (recognize, reject, appeal decisions)."""
    case_access.load_case_for(ctx, Permission.SCREENING_DECIDE, case_id)
    case = service.decide_status(_store(ctx), case_id, decision, actor=ctx.user.username,
                                 reason=reason)
    ctx.audit(f"screening.{decision}", subject_type="case", subject_id=case_id,
              detail=f"now {case.status}")
    return case


def set_priority(ctx: Ctx, case_id: str, priority: str, reason: str) -> Case:
    case_access.load_case_for(ctx, Permission.SCREENING_DECIDE, case_id)
    level = _choice(Priority, priority, "priority")
    case = service.set_priority(_store(ctx), case_id, level, actor=ctx.user.username,
                                reason=reason)
    ctx.audit("screening.priority", subject_type="case", subject_id=case_id,
              detail=f"now {level}")
    return case


def settable_categories(ctx: Ctx) -> list[Category]:
    """A role sets only the categories it may see (a sensitive one would tell too much)."""
    sections = visible_sections(ctx.user.role)
    return [c for c in Category if section_of_category(c) in sections]


def set_categories(ctx: Ctx, case_id: str, primary: str, secondary: str, reason: str) -> Case:
    case_access.load_case_for(ctx, Permission.SCREENING_DECIDE, case_id)
    allowed = settable_categories(ctx)
    issues = [Issue("bad_value", "choose a category from the list", field=name)
              for name, value in (("primary", primary), ("secondary", secondary))
              if (value or name == "primary") and value not in allowed]
    if issues:
        raise ValidationError(issues)
    case = service.set_categories(_store(ctx), case_id, primary=primary,
                                  secondary=secondary or None, actor=ctx.user.username,
                                  reason=reason)
    ctx.audit("screening.categories", subject_type="case", subject_id=case_id)
    return case


def declare_no_return(ctx: Ctx, case_id: str, person_id: str, country: str,
                      reason: str) -> Case:
    """Through the referral stage, like the CLI: a referral to that country is withdrawn."""
    case_access.load_case_for(ctx, Permission.NO_RETURN_DECLARE, case_id)
    case = referral_service.declare_no_return(
        SqlReferralStore(ctx.session), case_id, person_id, country.strip().upper(),
        actor=ctx.user.username, reason=reason)
    ctx.audit("screening.no_return", subject_type="case", subject_id=case_id,
              detail=f"person {person_id}")
    return case


def record_relative(ctx: Ctx, case_id: str, person_id: str, relative: Relative) -> Case:
    case_access.load_case_for(ctx, Permission.CASE_MEMBERSHIP, case_id)
    missing = [Issue("missing_value", message, field=name) for name, value, message in (
        ("name", relative.name, "give the relative's name"),
        ("relation", relative.relation, "say how they are related (e.g. brother)"))
        if not value.strip()]
    if missing:
        raise ValidationError(missing)
    case = service.record_relative(_store(ctx), case_id, person_id, relative,
                                   actor=ctx.user.username)
    ctx.audit("screening.relative", subject_type="case", subject_id=case_id,
              detail=f"person {person_id}")
    return case


def record_statement(ctx: Ctx, case_id: str, person_id: str, text: str) -> str:
    """Kept apart from the case file; the audit entry names the case, never the text."""
    case_access.load_case_for(ctx, Permission.STATEMENT_RECORD, case_id)
    statement = service.record_statement(_store(ctx), case_id, person_id, text,
                                         recorded_by=ctx.user.username)
    ctx.audit("statement.record", subject_type="case", subject_id=case_id,
              detail=f"person {person_id}")
    return statement.statement_id


def read_statements(ctx: Ctx, case_id: str, person_id: str) -> list[ConfidentialStatement]:
    """One member's own statements (never another member's), for the officer who sees the
    confidential section; the read is audited."""
    case_access.load_case_for(ctx, Permission.STATEMENT_RECORD, case_id)
    if Section.CONFIDENTIAL not in visible_sections(ctx.user.role):
        raise PermissionDeniedError("your role does not see confidential statements")
    found = service.read_statements(_store(ctx), case_id, person_id,
                                    viewer_person_id=person_id)
    ctx.audit("statement.read", subject_type="case", subject_id=case_id,
              detail=f"person {person_id}; {len(found)} statement(s)")
    return found


def split(ctx: Ctx, case_id: str, members: Sequence[str], *, new_principal: str,
          remaining_principal: str, reason: str) -> tuple[Case, Case]:
    case_access.load_case_for(ctx, Permission.CASE_MEMBERSHIP, case_id)
    source, new = service.split_case(
        _store(ctx), case_id, frozenset(members), new_principal_id=new_principal,
        remaining_principal_id=remaining_principal or None, actor=ctx.user.username,
        reason=reason)
    ctx.audit_cases("screening.split", [source.case_id, new.case_id])
    return source, new


def merge(ctx: Ctx, target_id: str, source_id: str, relationship: str, reason: str) -> Case:
    case_access.load_case_for(ctx, Permission.CASE_MEMBERSHIP, target_id)
    case_access.load_case_for(ctx, Permission.CASE_MEMBERSHIP, source_id.strip())
    merged = service.merge_cases(_store(ctx), target_id, source_id.strip(),
                                 actor=ctx.user.username, reason=reason,
                                 relationship=relationship or "other_relative")
    ctx.audit_cases("screening.merge", [target_id, source_id.strip()])
    return merged


def due(ctx: Ctx, today: date, within_days: int | None) -> DueList:
    """``resettle case due`` for the web: overdue and due-soon cases, most urgent first."""
    authorize(ctx.user, Permission.CASE_LIST)
    if scope_of(ctx.user.role, Permission.CASE_LIST) is not Scope.ALL:
        raise PermissionDeniedError("the due list covers every case; your role sees only "
                                    "some")
    found = service.list_due(_store(ctx), today, within_days)
    shown = [d.case_id for d in (*found.overdue, *found.due_soon)]
    ctx.audit("case.due", subject_type="case",
              detail=f"on {today}; {len(found.overdue)} overdue, {len(found.due_soon)} due "
                     f"soon; " + " ".join(shown[:case_access.AUDIT_IDS_SHOWN]))
    return found


def _files(ctx: Ctx) -> SqlAttachmentStore:
    return SqlAttachmentStore(ctx.session, ctx.config.keys)


def attachments(ctx: Ctx, case_id: str) -> list[Attachment]:
    """The case's attachments in the sections the role sees (names and sizes only; shown
    with the case, whose read is audited)."""
    return security_service.case_attachments(_files(ctx), ctx.user, case_id)


def add_attachment(ctx: Ctx, case_id: str, section: Section, *, filename: str,
                   media_type: str, data: bytes) -> str:
    """Like a note: a section the role may write notes in, sealed at rest, audited."""
    case_access.load_case_for(ctx, Permission.NOTE_WRITE, case_id)
    found = security_service.add_attachment(_files(ctx), ctx.user, case_id=case_id,
                                            section=section, filename=filename,
                                            media_type=media_type, data=data, now=ctx.now)
    ctx.audit("attachment.add", subject_type="case", subject_id=case_id,
              detail=f"{found}; section {section}; {len(data)} bytes")
    return found


def open_file(ctx: Ctx, case_id: str, attachment_id: str) -> tuple[Attachment, bytes]:
    case_access.load_case_for(ctx, Permission.CASE_READ, case_id)
    found = security_service.open_attachment(_files(ctx), ctx.user, case_id, attachment_id)
    ctx.audit("attachment.read", subject_type="case", subject_id=case_id,
              detail=f"{attachment_id}; section {found[0].section}")
    return found
