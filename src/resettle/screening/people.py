"""Service functions about persons: interviews, consent, confidential statements, no-return
declarations and relatives outside the case (family tracing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from resettle.core.case import Case
from resettle.core.codes import is_country_code
from resettle.core.issues import Issue
from resettle.core.membership import member_of
from resettle.core.person import Relative
from resettle.errors import ValidationError
from resettle.screening.actions import load_case, record_action, utc_now
from resettle.screening.ports import ScreeningStore
from resettle.screening.records import (
    ConfidentialStatement,
    ConsentRecord,
    Interview,
    NoReturnDeclaration,
    interview_issues,
    statements_visible_to,
)
from resettle.screening.workflow import Action, ActionRequest


def record_interview(
    store: ScreeningStore, interview: Interview, *, reason: str = "interview held",
    expected_version: int | None = None,
) -> Case:
    """One adult heard individually; the record says whether it was private."""
    loaded = load_case(store, interview.case_id, expected_version)
    issues = interview_issues(interview, loaded.case, store.survivors)
    if issues:
        raise ValidationError(issues)
    store.add_interview(interview)
    request = ActionRequest(Action.RECORD_INTERVIEW, interview.interviewer, interview.held_at,
                            reason, {"person": interview.person_id,
                                     "interview": interview.interview_id,
                                     "private": str(interview.private).lower()})
    return record_action(store, loaded, request)


def record_consent(
    store: ScreeningStore, case_id: str, person_id: str, *, recorded_by: str,
    private: bool = True, at: datetime | None = None, note: str = "",
    expected_version: int | None = None,
) -> Case:
    """The adult's own consent to resettlement and to sharing with the receiving state."""
    record = ConsentRecord(case_id, person_id, True, at or utc_now(), recorded_by, private, note)
    return _consent(store, record, expected_version)


def withdraw_consent(
    store: ScreeningStore, case_id: str, person_id: str, *, recorded_by: str,
    private: bool = True, at: datetime | None = None, note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Always possible. A case a host state holds is put on hold at once."""
    record = ConsentRecord(case_id, person_id, False, at or utc_now(), recorded_by, private,
                           note)
    return _consent(store, record, expected_version)


def _consent(store: ScreeningStore, record: ConsentRecord, expected_version: int | None) -> Case:
    loaded = load_case(store, record.case_id, expected_version)
    member_of(loaded.case, record.person_id, store.survivors)
    store.add_consent(record)
    action = Action.RECORD_CONSENT if record.given else Action.WITHDRAW_CONSENT
    request = ActionRequest(action, record.recorded_by, record.at,
                            record.note or action.replace("_", " "),
                            {"person": record.person_id, "private": str(record.private).lower()})
    return record_action(store, loaded, request)


def record_statement(
    store: ScreeningStore, case_id: str, person_id: str, text: str, *, recorded_by: str,
    at: datetime | None = None,
) -> ConfidentialStatement:
    """Kept apart from the case file. No case event names it: its existence is confidential."""
    case = store.get_case(case_id)
    member_of(case, person_id, store.survivors)
    if not text.strip():
        raise ValidationError([Issue("missing_value", "the statement is empty", field="text")])
    statement = ConfidentialStatement(store.new_id("ST"), case_id, person_id, text,
                                      recorded_by, at or utc_now())
    store.add_statement(statement)
    return statement


def read_statements(
    store: ScreeningStore, case_id: str, person_id: str, *, viewer_person_id: str
) -> list[ConfidentialStatement]:
    """A member's view of confidential statements: only their own, never another member's."""
    member_of(store.get_case(case_id), person_id, store.survivors)
    return statements_visible_to(store.statements_of(person_id), viewer_person_id)


def declare_no_return(
    store: ScreeningStore, case_id: str, person_id: str, country: str, *, actor: str,
    reason: str, at: datetime | None = None, expected_version: int | None = None,
) -> Case:
    """Add a country the person fears return to. Lists only ever grow."""
    if not is_country_code(country):
        raise ValidationError([Issue("unknown_country", f"'{country}' is not an ISO 3166-1 "
                                     "alpha-3 code (e.g. IRN)", field="country")])
    at = at or utc_now()
    loaded = load_case(store, case_id, expected_version)
    member_of(loaded.case, person_id, store.survivors)
    store.add_declaration(NoReturnDeclaration(person_id, country, actor, at, reason))
    request = ActionRequest(Action.DECLARE_NO_RETURN, actor, at, reason,
                            {"person": person_id, "country": country})
    return record_action(store, loaded, request)


def record_relative(
    store: ScreeningStore, case_id: str, person_id: str, relative: Relative, *, actor: str,
    reason: str = "relative traced", at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """A relative outside the case, found or updated by family tracing; feeds placement ties.

    A relative of the same name and relation is updated (e.g. contact now established)."""
    if not is_country_code(relative.country):
        raise ValidationError([Issue("unknown_country", f"'{relative.country}' is not an ISO "
                                     "3166-1 alpha-3 code", field="country")])
    loaded = load_case(store, case_id, expected_version)
    member = member_of(loaded.case, person_id, store.survivors)
    others = tuple(r for r in member.relatives
                   if (r.name, r.relation) != (relative.name, relative.relation))
    updated = replace(member, relatives=(*others, relative))
    case = loaded.case.with_members(
        tuple(updated if m.person_id == person_id else m for m in loaded.case.members))
    request = ActionRequest(Action.RECORD_RELATIVE, actor, at or utc_now(), reason,
                            {"person": person_id, "relation": relative.relation,
                             "country": relative.country,
                             "contact": str(relative.contact_established).lower()})
    return record_action(store, loaded, request, case)
