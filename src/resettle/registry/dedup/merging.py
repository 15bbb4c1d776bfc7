"""Merging two records of one person: what is recorded, and when a second officer must agree.

A merge keeps both records and both histories: the duplicate's case joins the kept person's
case through the screening workflow's merge (the family registered in pieces is joined; the
closed case keeps its history and names the case it joined), and the duplicate record is
marked as the same person as the kept one. It can be reversed: the members that joined are
split back out into a case of their own (again through the screening workflow).

Four eyes: once either case has been interviewed, one officer proposes and another confirms,
as with exclusion reviews; before that, the officer's merge takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from resettle.errors import IllegalTransitionError, PermissionDeniedError


class MergeStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for a second officer (the persons were interviewed)
    MERGED = "merged"
    REFUSED = "refused"  # the second officer did not confirm
    REVERSED = "reversed"


@dataclass(frozen=True)
class PersonMerge:
    merge_id: str
    kept_person_id: str
    duplicate_person_id: str
    target_case_id: str  # the kept person's case, which the duplicate's case joins
    source_case_id: str  # the duplicate's case (closed as merged when it is another case)
    status: MergeStatus
    proposed_by: str
    proposed_at: datetime
    reason: str
    needs_second_officer: bool
    moved_ids: tuple[str, ...] = ()  # the members that joined the kept person's case
    source_principal_id: str = ""  # the duplicate case's principal, for a reversal
    decided_by: str = ""  # the second officer (confirmed or refused)
    decided_at: datetime | None = None
    reversed_by: str = ""
    reversed_at: datetime | None = None
    reversal_case_id: str = ""  # the case the joined members were split back into

    @property
    def joins_cases(self) -> bool:
        return self.target_case_id != self.source_case_id


def confirmed(merge: PersonMerge, *, officer: str, at: datetime, moved: tuple[str, ...],
              source_principal_id: str) -> PersonMerge:
    """The merge in effect; a proposal needs an officer other than the one who proposed it."""
    if merge.status is not MergeStatus.PROPOSED:
        raise IllegalTransitionError(f"merge {merge.merge_id} is {merge.status}; only a "
                                     "proposed merge can be confirmed")
    if merge.needs_second_officer and officer == merge.proposed_by:
        raise PermissionDeniedError("four eyes: the officer who proposed this merge cannot "
                                    "confirm it; another registration officer must")
    return replace(merge, status=MergeStatus.MERGED, moved_ids=moved,
                   source_principal_id=source_principal_id,
                   decided_by=officer if merge.needs_second_officer else "",
                   decided_at=at if merge.needs_second_officer else None)


def refused(merge: PersonMerge, *, officer: str, at: datetime) -> PersonMerge:
    if merge.status is not MergeStatus.PROPOSED:
        raise IllegalTransitionError(f"merge {merge.merge_id} is {merge.status}; only a "
                                     "proposed merge can be refused")
    if officer == merge.proposed_by:
        raise PermissionDeniedError("four eyes: another officer decides on this proposal")
    return replace(merge, status=MergeStatus.REFUSED, decided_by=officer, decided_at=at)


def reversed_merge(merge: PersonMerge, *, officer: str, at: datetime,
                   case_id: str) -> PersonMerge:
    if merge.status is not MergeStatus.MERGED:
        raise IllegalTransitionError(f"merge {merge.merge_id} is {merge.status}; only a "
                                     "merge in effect can be reversed")
    return replace(merge, status=MergeStatus.REVERSED, reversed_by=officer, reversed_at=at,
                   reversal_case_id=case_id)
