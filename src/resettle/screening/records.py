"""What screening records about people: interviews, consent, confidential statements.

Each adult is heard on their own, away from the group that controls their life: an interview
record names one interviewee and who else was in the room, and is *private* only if nobody from
the case and nobody representing the organisation was there. Consent is each adult's own, given
and withdrawn by them; the last record counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.membership import Survivors, non_member_issue


class AttendeeKind(StrEnum):
    CASE_MEMBER = "case_member"
    ORGANISATION = "organisation"  # anyone representing the group the person lives under
    INTERPRETER = "interpreter"  # independent interpreter
    LEGAL_REPRESENTATIVE = "legal_representative"
    CAREGIVER = "caregiver"  # e.g. for a person with a disability, by their choice
    OTHER = "other"


# Their presence means the person could not speak freely.
BREAKS_PRIVACY = frozenset({AttendeeKind.CASE_MEMBER, AttendeeKind.ORGANISATION})


@dataclass(frozen=True)
class Attendee:
    kind: AttendeeKind
    name: str = ""


@dataclass(frozen=True)
class Interview:
    interview_id: str
    case_id: str
    person_id: str  # one interviewee: every adult is heard individually
    interviewer: str
    held_at: datetime
    language: str = ""  # ISO 639-3
    others_present: tuple[Attendee, ...] = ()
    notes: str = ""

    @property
    def private(self) -> bool:
        return not any(a.kind in BREAKS_PRIVACY for a in self.others_present)


@dataclass(frozen=True)
class ConsentRecord:
    """One adult's own consent to resettlement (and to sharing with the receiving state)."""

    case_id: str
    person_id: str
    given: bool  # False records a withdrawal
    at: datetime
    recorded_by: str
    private: bool = True  # given away from the group
    note: str = ""


@dataclass(frozen=True)
class ConfidentialStatement:
    """What a member asks to keep from the others; stored apart, shown only to its author."""

    statement_id: str
    case_id: str
    person_id: str
    text: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class NoReturnDeclaration:
    """A country a person declares they fear return to, added after registration."""

    person_id: str
    country: str
    declared_by: str
    at: datetime
    reason: str = ""


def interviewed_persons(
    interviews: Iterable[Interview], *, require_private: bool
) -> frozenset[str]:
    return frozenset(i.person_id for i in interviews if i.private or not require_private)


def consenting_persons(
    records: Iterable[ConsentRecord], *, require_private: bool
) -> frozenset[str]:
    """Persons whose latest consent record that counts is a consent.

    A consent given in front of the group does not count (where privacy is required) and does
    not replace an earlier private one; a withdrawal always counts, however it was made.
    """
    latest: dict[str, bool] = {}
    for record in sorted(records, key=lambda r: r.at):
        if record.given and require_private and not record.private:
            continue
        latest[record.person_id] = record.given
    return frozenset(pid for pid, given in latest.items() if given)


def statements_visible_to(
    statements: Iterable[ConfidentialStatement], viewer_person_id: str
) -> list[ConfidentialStatement]:
    """A member's view: their own statements and never another member's."""
    return [s for s in statements if s.person_id == viewer_person_id]


def interview_issues(interview: Interview, case: Case, survivors: Survivors) -> list[Issue]:
    """Every problem with an interview record of ``case`` (``MergedAwayError`` when the
    interviewee's record was merged away: the person kept is the one heard)."""
    found: list[Issue] = []

    def add(code: str, field_name: str, message: str) -> None:
        found.append(Issue(code, message, field=field_name, record=interview.interview_id))

    if issue := non_member_issue(case, [interview.person_id], survivors,
                                 record=interview.interview_id):
        found.append(issue)
    if not interview.interviewer.strip():
        add("missing_value", "interviewer", "name the interviewing officer")
    for attendee in interview.others_present:
        if attendee.kind == AttendeeKind.CASE_MEMBER and attendee.name == interview.person_id:
            add("bad_value", "others_present", "the interviewee is not another attendee")
    return found
