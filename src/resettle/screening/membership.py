"""Splitting a case (adults who want different things) and merging cases (a family found).

Both are pure: they take cases and histories and return the new cases and the events to add.
A split case keeps its whole history: the new case starts with a copy of the old one's events,
marked as inherited, then a ``split_from`` event. A merged case's history stays on the closed
case, and both sides name each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from resettle.core.case import Case, Relationship
from resettle.core.issues import Issue
from resettle.core.membership import Survivors, non_member_issue
from resettle.core.status import CaseStatus
from resettle.errors import IllegalTransitionError, ValidationError
from resettle.screening.workflow import (
    MEMBERSHIP_STATES,
    PIPELINE,
    SUBMISSION_STATES,
    Action,
    CaseEvent,
    ClosureReason,
)


@dataclass(frozen=True)
class MembershipChange:
    cases: tuple[Case, ...]  # every case touched, as it is afterwards
    events: tuple[CaseEvent, ...]  # every event to append, per case in sequence order


def status_after_membership_change(status: CaseStatus) -> CaseStatus:
    """A submission describes its members; once they change it has to be drafted again."""
    return CaseStatus.RECOGNIZED if status in SUBMISSION_STATES else status


# A family found joins a case on the main line of the pipeline: not one under appeal, under
# exclusion review or on hold, whose next step depends on the members it had.
MERGE_STATES = frozenset(PIPELINE) - {CaseStatus.REJECTED, CaseStatus.APPEAL,
                                      CaseStatus.EXCLUSION_REVIEW}


def _check_changeable(case: Case, allowed: frozenset[CaseStatus] = MEMBERSHIP_STATES) -> None:
    if case.status not in allowed:
        raise IllegalTransitionError(
            f"case {case.case_id} is {case.status}; its members cannot change now (allowed "
            f"while: {', '.join(sorted(allowed))})"
        )


def split_case(
    case: Case, history: tuple[CaseEvent, ...], *, new_case_id: str, member_ids: frozenset[str],
    new_principal_id: str, remaining_principal_id: str | None, actor: str, at: datetime,
    reason: str, survivors: Survivors,
) -> MembershipChange:
    """``survivors``: who a record named but merged away counts as (``core.membership``)."""
    _check_changeable(case)
    _check_split(case, member_ids, new_principal_id, remaining_principal_id, survivors)
    keep_principal = remaining_principal_id or case.principal_id
    status = status_after_membership_change(case.status)
    moved = tuple(
        replace(m, case_id=new_case_id, relationship=_relation(m.person_id, new_principal_id, m))
        for m in case.members if m.person_id in member_ids
    )
    kept = tuple(
        replace(m, relationship=_relation(m.person_id, keep_principal, m))
        for m in case.members if m.person_id not in member_ids
    )
    source = replace(case, members=kept, principal_id=keep_principal, status=status)
    new = replace(case, case_id=new_case_id, members=moved, principal_id=new_principal_id,
                  status=status, version=1)
    data = {"members": ",".join(sorted(member_ids))}
    inherited = tuple(
        replace(e, case_id=new_case_id, data={**e.data, "inherited_from": case.case_id})
        for e in history
    )
    split_out = CaseEvent(case.case_id, len(history) + 1, Action.SPLIT, actor, at, reason,
                          case.status, status, {**data, "new_case": new_case_id})
    split_in = CaseEvent(new_case_id, len(history) + 1, Action.SPLIT_FROM, actor, at, reason,
                         case.status, status, {**data, "source_case": case.case_id})
    return MembershipChange((source, new), (split_out, *inherited, split_in))


def _relation(person_id: str, principal_id: str, member: object) -> str:
    current = getattr(member, "relationship", "")
    if person_id == principal_id:
        return str(Relationship.PRINCIPAL)
    # A former principal's relationship to the new one is not known here: say so.
    return str(Relationship.OTHER_RELATIVE) if current == Relationship.PRINCIPAL else str(current)


def _check_split(
    case: Case, member_ids: frozenset[str], new_principal: str, remaining_principal: str | None,
    survivors: Survivors,
) -> None:
    ids = {m.person_id for m in case.members}
    found: list[Issue] = []

    def add(code: str, field_name: str, message: str) -> None:
        found.append(Issue(code, message, field=field_name, record=case.case_id))

    if issue := non_member_issue(case, member_ids, survivors, field="members",
                                 record=case.case_id):
        found.append(issue)
    if not member_ids or member_ids >= ids:
        add("bad_value", "members", "move at least one member and leave at least one")
    if new_principal not in member_ids:
        add("bad_value", "new_principal", "the new case's principal must be one of those moved")
    if case.principal_id in member_ids and remaining_principal is None:
        add("missing_value", "remaining_principal",
            "the principal moves: name the principal of the members who stay")
    if remaining_principal in member_ids:
        add("bad_value", "remaining_principal", "must be a member who stays")
    elif remaining_principal is not None and (issue := non_member_issue(
            case, [remaining_principal], survivors, field="remaining_principal",
            record=case.case_id)):
        found.append(issue)
    if found:
        raise ValidationError(found)


def merge_cases(
    target: Case, target_history: tuple[CaseEvent, ...], source: Case,
    source_history: tuple[CaseEvent, ...], *, actor: str, at: datetime, reason: str,
    relationship: str = Relationship.OTHER_RELATIVE,
) -> MembershipChange:
    """Move every member of ``source`` into ``target``; ``source`` is closed as merged.

    The merged case continues from the earlier of the two stages, since the newcomers must go
    through every step the others already did.
    """
    if target.case_id == source.case_id:
        raise ValidationError([Issue("bad_value", "a case cannot be merged with itself",
                                     field="source", record=source.case_id)])
    _check_changeable(target, MERGE_STATES)
    _check_changeable(source, MERGE_STATES)
    status = _earlier(status_after_membership_change(target.status),
                      status_after_membership_change(source.status))
    moved = tuple(
        replace(m, case_id=target.case_id,
                relationship=relationship if m.relationship == Relationship.PRINCIPAL
                else m.relationship)
        for m in source.members
    )
    merged = replace(target, members=target.members + moved, status=status)
    closed = replace(source, members=(), status=CaseStatus.CLOSED)
    data = {"members": ",".join(sorted(m.person_id for m in moved))}
    into = CaseEvent(target.case_id, len(target_history) + 1, Action.MERGE, actor, at, reason,
                     target.status, status, {**data, "source_case": source.case_id})
    out = CaseEvent(source.case_id, len(source_history) + 1, Action.MERGED_INTO, actor, at,
                    reason, source.status, CaseStatus.CLOSED,
                    {**data, "target_case": target.case_id, "closure": ClosureReason.MERGED})
    return MembershipChange((merged, closed), (into, out))


def _earlier(a: CaseStatus, b: CaseStatus) -> CaseStatus:
    return a if PIPELINE.index(a) <= PIPELINE.index(b) else b
