"""Merging two records of one person: what is recorded, and when a second officer must agree.

A merge keeps both records and both histories: the duplicate's case joins the kept person's
case through the screening workflow's merge (the family registered in pieces is joined; the
closed case keeps its history and names the case it joined), and the duplicate record is
marked as the same person as the kept one. It can be reversed: the members that joined are
split back out into a case of their own (again through the screening workflow).

Four eyes: once either case has been interviewed, one officer proposes and another confirms,
as with exclusion reviews; before that, the officer's merge takes effect at once.

**Merged away.** While a merge is in effect, its duplicate record is no longer a member of
its case nor one of the registry's persons for anything downstream (screening, placement,
referral, departures, reports): the person is counted once, as the kept record. The record
stays stored (its history, its case row) so the merge can be reversed; a reversal makes it a
member again. A proposed, refused or reversed merge leaves both records members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from resettle.core.membership import merged_away_error
from resettle.errors import IllegalTransitionError, MergedAwayError, PermissionDeniedError


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

    @property
    def merges_away(self) -> bool:
        """Whether this merge takes its duplicate out of the members (see the module)."""
        return self.status in MERGING_AWAY


# The statuses of a merge whose duplicate is merged away: the one rule every reader applies
# (the database's ``adapters/db/registry/members.py`` filters on exactly these).
MERGING_AWAY = frozenset({MergeStatus.MERGED})


def merged_away(merges: Iterable[PersonMerge]) -> dict[str, str]:
    """Merged-away person id -> the id of the person it was merged into."""
    return {m.duplicate_person_id: m.kept_person_id for m in merges if m.merges_away}


def check_not_merged_away(person_id: str, survivor: str | None, *, role: str) -> None:
    """Refuse an action that names a merged-away record as ``role`` (the kept person, the
    duplicate, a case's principal): ``survivor`` is the person it was merged into, if any."""
    if survivor is not None:
        raise merged_away_error(person_id, survivor, role=role)


def check_principal_stays(duplicate_person_id: str, *, same_case: bool,
                          principal_id: str) -> None:
    """Merging away the principal of the case both records share would leave the case
    without its principal: keep the principal and merge the other record into it."""
    if same_case and duplicate_person_id == principal_id:
        raise MergedAwayError(f"{duplicate_person_id} is the principal applicant of its case "
                              "and would be merged away as its principal: keep it, and merge "
                              "the other record into it")


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
