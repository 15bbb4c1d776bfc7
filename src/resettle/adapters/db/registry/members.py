"""Members of cases without the records merged away as duplicates: one filter, every reader.

``registry.dedup.merging`` says what "merged away" means (a merge in effect names the record
as its duplicate); this module applies it to queries over ``persons``, so case members, the
reports' head counts and the simulator's snapshots count a person registered twice once. The
records stay in ``persons`` (a reversed merge makes them members again, with their history).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_tables import DedupMergeRow
from resettle.adapters.db.registry.tables import PersonRow
from resettle.registry.dedup.merging import MERGING_AWAY

_merges: Table = DedupMergeRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]
_STATUSES = sorted(status.value for status in MERGING_AWAY)
QueryT = TypeVar("QueryT", bound=Select[*tuple[Any, ...]])
CHUNK = 5_000  # ids per IN list: inside every database's parameter limit


def merged_away_ids() -> Select[Any]:
    """The ids of every merged-away person (a subquery)."""
    return select(_merges.c.duplicate_person_id).where(_merges.c.status.in_(_STATUSES))


def members_only(query: QueryT, person_id: Any = None) -> QueryT:
    """``query`` (over ``persons``, or any table with a person id column given as
    ``person_id``) without the merged-away persons."""
    column = _persons.c.person_id if person_id is None else person_id
    return query.where(column.not_in(merged_away_ids()))


def survivors(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """Of ``person_ids``, those merged away -> the person each was merged into."""
    wanted = sorted(set(person_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(_merges.c.duplicate_person_id, _merges.c.kept_person_id)
            .where(_merges.c.status.in_(_STATUSES),
                   _merges.c.duplicate_person_id.in_(wanted[start:start + CHUNK])))
        found.update((duplicate, kept) for duplicate, kept in rows)
    return found
