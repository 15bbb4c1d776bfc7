"""Members of cases without the records merged away as duplicates: one filter, every reader.

``registry.dedup.merging`` says what "merged away" means (a merge in effect names the record
as its duplicate); this module applies it to queries over ``persons``, so case members, the
reports' head counts and the simulator's snapshots count a person registered twice once. The
records stay in ``persons`` (a reversed merge makes them members again, with their history),
in the case of the member they now count as: they move with it (``upsert.store_cases``), so a
reversal finds them where it splits, after the survivor's case was merged or split.
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
    """Of ``person_ids``, those merged away -> the member each now counts as: the person it
    was merged into, or the end of the chain when that one was merged away in turn (A into B,
    then B into C: A -> C)."""
    given = set(person_ids)
    step: dict[str, str] = {}  # merged away -> merged into, one step
    asked: set[str] = set()
    wanted = given
    while wanted:
        step.update(_merged_into(session, wanted))
        asked |= wanted
        wanted = set(step.values()) - asked
    return {person_id: _end_of_chain(person_id, step) for person_id in given & set(step)}


def _end_of_chain(person_id: str, step: dict[str, str]) -> str:
    seen = {person_id}
    kept = step[person_id]
    while kept in step and kept not in seen:  # merges into merged-away records are refused
        seen.add(kept)
        kept = step[kept]
    return kept


def followers(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """The records merged away into any of ``person_ids``, directly or down a chain -> the one
    of ``person_ids`` each now counts as (``survivors`` the other way round)."""
    found: dict[str, str] = {}
    reached = {person_id: person_id for person_id in person_ids}
    while reached:
        rows = _select_in(session, _merges.c.kept_person_id, sorted(reached),
                          _merges.c.duplicate_person_id, _merges.c.kept_person_id)
        reached = {duplicate: reached[kept] for duplicate, kept in rows if duplicate not in found}
        found.update(reached)
    return found


def _merged_into(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """Of ``person_ids``, those merged away -> the person each was merged into (one step)."""
    rows = _select_in(session, _merges.c.duplicate_person_id, sorted(set(person_ids)),
                      _merges.c.duplicate_person_id, _merges.c.kept_person_id)
    return dict(rows)


def _select_in(session: Session, key: Any, wanted: list[str], *columns: Any
               ) -> list[tuple[str, str]]:
    """``columns`` of the merges in effect whose ``key`` is one of ``wanted``."""
    found: list[tuple[str, str]] = []
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(select(*columns).where(
            _merges.c.status.in_(_STATUSES), key.in_(wanted[start:start + CHUNK])))
        found.extend((first, second) for first, second in rows)
    return found
