"""Idempotent bulk upserts: compare with what is stored, then write only the difference.

Rows are read and written in chunks with Core ``executemany`` (no ORM unit of work), so a
100,000-person import costs a few hundred statements, and re-importing the same data writes
nothing at all. Works the same on SQLite and PostgreSQL (no dialect-specific ON CONFLICT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.base import Base
from resettle.adapters.db.bulk import insert_rows
from resettle.adapters.db.registry.dedup_keys import index_cases
from resettle.adapters.db.registry.mapping import (
    Row,
    case_member_rows,
    case_to_row,
    locality_to_row,
    pledge_to_row,
)
from resettle.adapters.db.registry.members import followers, survivors
from resettle.adapters.db.registry.tables import CaseRow, LocalityRow, PersonRow, PledgeRow
from resettle.adapters.db.sealing import open_person_row, seal_person_rows
from resettle.core import Case, Locality, Pledge
from resettle.registry.ports import StoreCounts

# Bounds the IN lists and the memory of one round: well under SQLite's 32,766 and
# PostgreSQL's 65,535 bound parameters per statement.
CHUNK_CASES = 1000
CHUNK_PERSONS = 4000

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]


def store_cases(
    session: Session,
    *,
    cases: Sequence[Case],
    progress: Callable[[int], None] | None = None,
    bump_versions: bool = True,
) -> StoreCounts:
    counts = StoreCounts()
    # Into an empty registry nothing can already exist: skip looking (the first import of an
    # operation is also the largest). Persons cannot exist without cases (foreign key).
    empty = session.execute(select(_cases.c.case_id).limit(1)).first() is None
    for chunk in _chunks(cases):
        counts += _store_case_chunk(session, chunk, bump_versions=bump_versions, look=not empty)
        if progress is not None:
            progress(sum(case.size for case in chunk))
    return counts


def store_localities(session: Session, *, localities: Sequence[Locality]) -> StoreCounts:
    rows = [locality_to_row(locality) for locality in localities]
    return _store_simple(session, LocalityRow, "locality_id", rows)


def store_pledges(session: Session, *, pledges: Sequence[Pledge]) -> StoreCounts:
    rows = [pledge_to_row(pledge) for pledge in pledges]
    return _store_simple(session, PledgeRow, "pledge_id", rows)


@dataclass
class _Plan:
    """What one chunk has to write."""

    case_inserts: list[Row]
    case_updates: list[Row]
    person_inserts: list[Row]
    person_updates: list[Row]
    person_deletes: list[str]
    touched_elsewhere: set[str]  # cases outside the chunk that lost a member to it
    unchanged: int = 0


def _store_case_chunk(
    session: Session, chunk: Sequence[Case], *, bump_versions: bool, look: bool
) -> StoreCounts:
    case_ids = [case.case_id for case in chunk]
    new_members = {case.case_id: case_member_rows(case) for case in chunk}
    member_ids = [m["person_id"] for rows in new_members.values() for m in rows]
    old_cases: dict[str, Row] = {}
    old_persons: dict[str, Row] = {}
    if look:
        old_cases = _rows_by_key(session, _cases, "case_id", _cases.c.case_id.in_(case_ids))
        old_persons = _rows_by_key(
            session,
            _persons,
            "person_id",
            _persons.c.case_id.in_(case_ids) | _persons.c.person_id.in_(member_ids),
        )
        # Compared as plaintext: a fresh ciphertext differs every time (random nonce).
        for row in old_persons.values():
            open_person_row(session, row)
    # A case read for a workflow step lists no merged-away record: it stays stored all the same.
    listed = {m["person_id"] for rows in new_members.values() for m in rows}
    for person_id in survivors(session, set(old_persons) - listed):
        del old_persons[person_id]
    plan = _plan_chunk(chunk, new_members, old_cases, old_persons, bump_versions=bump_versions)
    _execute_plan(session, plan)
    if look:
        _move_followers(session, {m["person_id"]: m["case_id"]
                                  for rows in new_members.values() for m in rows})
    changed = {row["case_id"] for row in (*plan.case_inserts, *plan.case_updates)}
    # The deduplication index follows every member written (dedup_keys, migration 1100).
    index_cases(session, [case for case in chunk if case.case_id in changed],
                removed=plan.person_deletes, fresh=not look)
    persons_written = len(plan.person_inserts) + len(plan.person_updates)
    return StoreCounts(
        inserted=len(plan.case_inserts) + len(plan.person_inserts),
        updated=len(plan.case_updates) + len(plan.person_updates),
        unchanged=plan.unchanged + len(member_ids) - persons_written,
        removed=len(plan.person_deletes),
        changed_cases=tuple(sorted(changed | plan.touched_elsewhere)),
    )


def _plan_chunk(
    chunk: Sequence[Case],
    new_members: dict[str, list[Row]],
    old_cases: dict[str, Row],
    old_persons: dict[str, Row],
    *,
    bump_versions: bool,
) -> _Plan:
    plan = _Plan([], [], [], [], [], set())
    listed = {m["person_id"]: m for rows in new_members.values() for m in rows}
    # Cases that lose a member: it is no longer listed anywhere, or it moves to another case.
    losing: set[str] = set()
    for person_id, stored in old_persons.items():
        row = listed.get(person_id)
        if row is None:
            plan.person_deletes.append(person_id)
            losing.add(stored["case_id"])
        elif row["case_id"] != stored["case_id"]:
            losing.add(stored["case_id"])
    plan.touched_elsewhere = losing - set(new_members)
    for case in chunk:
        members_changed = case.case_id in losing
        for row in new_members[case.case_id]:
            previous = old_persons.get(row["person_id"])
            if previous is None:
                plan.person_inserts.append(row)
                members_changed = True
            elif previous != row:
                plan.person_updates.append(row)
                members_changed = True
        _plan_case(plan, case, old_cases.get(case.case_id), members_changed, bump_versions)
    return plan


def _plan_case(
    plan: _Plan, case: Case, old: Row | None, members_changed: bool, bump_versions: bool
) -> None:
    row = case_to_row(case)
    if old is None:
        plan.case_inserts.append({**row, "version": 1})
        return
    old_version = old["version"]
    if members_changed or row != {k: v for k, v in old.items() if k != "version"}:
        plan.case_updates.append({**row, "version": old_version + int(bump_versions)})
    else:
        plan.unchanged += 1


def _execute_plan(session: Session, plan: _Plan) -> None:
    # Order matters for the foreign key: a member may move into a case inserted here.
    if plan.person_deletes:
        session.execute(delete(_persons).where(_persons.c.person_id.in_(plan.person_deletes)))
    if plan.case_inserts:
        insert_rows(session, _cases, plan.case_inserts)
    if plan.case_updates:
        session.execute(update(CaseRow), plan.case_updates)
    if plan.person_inserts:
        insert_rows(session, _persons, seal_person_rows(session, plan.person_inserts))
    if plan.person_updates:
        session.execute(update(PersonRow), seal_person_rows(session, plan.person_updates))
    elsewhere = sorted(plan.touched_elsewhere)
    if elsewhere:
        session.execute(
            update(_cases)
            .where(_cases.c.case_id.in_(elsewhere))
            .values(version=_cases.c.version + 1)
        )


def _move_followers(session: Session, case_of: dict[str, str]) -> None:
    """The records merged away into a member written (``case_of``: member -> its case) move
    to that member's case when it moved (``members``: they stay with the one they count as)."""
    moving: dict[str, list[str]] = {}
    for follower, member in followers(session, case_of).items():
        moving.setdefault(case_of[member], []).append(follower)
    for case_id, person_ids in sorted(moving.items()):
        session.execute(update(_persons).where(_persons.c.person_id.in_(person_ids),
                                               _persons.c.case_id != case_id)
                        .values(case_id=case_id))


def _store_simple(
    session: Session, row_class: type[Base], key: str, rows: Sequence[Row]
) -> StoreCounts:
    table: Table = row_class.__table__  # type: ignore[assignment]
    inserted = updated = 0
    for start in range(0, len(rows), CHUNK_CASES):
        chunk = rows[start : start + CHUNK_CASES]
        old = _rows_by_key(session, table, key, table.c[key].in_([r[key] for r in chunk]))
        inserts = [row for row in chunk if row[key] not in old]
        updates = [row for row in chunk if row[key] in old and old[row[key]] != row]
        if inserts:
            insert_rows(session, table, inserts)
        if updates:
            session.execute(update(row_class), updates)  # bulk UPDATE by primary key
        inserted += len(inserts)
        updated += len(updates)
    return StoreCounts(inserted, updated, len(rows) - inserted - updated, 0)


def _rows_by_key(session: Session, table: Table, key: str, condition: Any) -> dict[str, Row]:
    return {
        row[key]: dict(row) for row in session.execute(select(table).where(condition)).mappings()
    }


def _chunks(cases: Iterable[Case]) -> Iterator[list[Case]]:
    chunk: list[Case] = []
    persons = 0
    for case in cases:
        chunk.append(case)
        persons += case.size
        if len(chunk) >= CHUNK_CASES or persons >= CHUNK_PERSONS:
            yield chunk
            chunk, persons = [], 0
    if chunk:
        yield chunk
