"""Whether the persons an action names are members of its case: one rule for every stage.

Screening (interviews, consent, statements, exclusion reviews, splits), referral (a host
state's split decision) and departures (checklist items) all name persons of a case. A record
merged into another as a duplicate registration (``registry.dedup.merging``) is no longer a
member of its case while the merge is in effect: an action naming it is told so, and which
record to act on, rather than that the person is not in the case. A stage learns who a record
was merged into from its store (``ScreeningStore.survivors``), asked only when a named person
is not a member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.person import Person
from resettle.errors import MergedAwayError, ValidationError

# Of some person ids, those merged away -> the member each now counts as (the end of a chain
# of merges: A merged into B, then B into C, counts as C).
Survivors = Callable[[Iterable[str]], Mapping[str, str]]


def merged_away_error(person_id: str, survivor: str, *, role: str = "") -> MergedAwayError:
    """The refusal of an action naming a merged-away record (as its ``role``, if it has one)."""
    as_role = f" and cannot be the {role}" if role else ""
    return MergedAwayError(f"{person_id} was merged into {survivor} (a duplicate "
                           f"registration){as_role}: act on {survivor}, or reverse that merge "
                           "first")


def non_member_issue(case: Case, person_ids: Iterable[str], survivors: Survivors, *,
                     field: str = "person_id", record: str = "") -> Issue | None:
    """The ``not_a_member`` issue naming those of ``person_ids`` not in ``case`` (None when
    all are members); ``MergedAwayError`` when one of them was merged away."""
    unknown = sorted(set(person_ids) - {m.person_id for m in case.members})
    if not unknown:
        return None
    merged = survivors(unknown)
    for person_id in unknown:
        if person_id in merged:
            raise merged_away_error(person_id, merged[person_id])
    one = len(unknown) == 1
    return Issue("not_a_member", f"{', '.join(unknown)} {'is' if one else 'are'} not in case "
                 f"{case.case_id}: check the {'id' if one else 'ids'}", field=field,
                 record=record)


def member_of(case: Case, person_id: str, survivors: Survivors, *,
              field: str = "person_id") -> Person:
    """The member of ``case`` with this id: ``ValidationError`` (``not_a_member``) when there
    is none, ``MergedAwayError`` when the record was merged away."""
    issue = non_member_issue(case, [person_id], survivors, field=field)
    if issue is not None:
        raise ValidationError([issue])
    return next(m for m in case.members if m.person_id == person_id)
