"""The audit chain in the database: appended in the caller's transaction, never updated.

``append_audit`` first bumps the single ``audit_head`` row: on PostgreSQL that row lock, on
SQLite the write lock, makes concurrent requests append one after the other, so the chain
never forks. The entry is written in the same transaction as the request's own work: if the
work rolls back, so does its audit entry, and no work commits without one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.security.tables import AuditHeadRow, AuditRow
from resettle.core.issues import Issue
from resettle.security.audit import (
    AuditEntry,
    AuditEvent,
    ChainReport,
    chain_entry,
    verify_chain,
)

_log = cast(Table, AuditRow.__table__)
_head = cast(Table, AuditHeadRow.__table__)
BATCH = 5000


def append_audit(session: Session, *, key: bytes, event: AuditEvent, now: datetime) -> AuditEntry:
    bumped = session.execute(
        update(_head).where(_head.c.head_id == 1).values(seq=_head.c.seq + 1)
        .returning(_head.c.seq, _head.c.entry_hash)
    ).one()
    entry = chain_entry(key, prev_seq=bumped.seq - 1, prev_hash=bumped.entry_hash, at=now,
                        event=event)
    session.execute(
        _log.insert().values(
            seq=entry.seq, at=entry.at.isoformat(timespec="microseconds"), actor=event.actor,
            role=event.role, action=event.action, subject_type=event.subject_type,
            subject_id=event.subject_id, outcome=event.outcome, detail=event.detail,
            prev_hash=entry.prev_hash, entry_hash=entry.entry_hash,
        )
    )
    session.execute(update(_head).where(_head.c.head_id == 1).values(entry_hash=entry.entry_hash))
    return entry


def _entry(row: Any) -> AuditEntry:
    event = AuditEvent(
        actor=str(row["actor"]), role=str(row["role"]), action=str(row["action"]),
        subject_type=str(row["subject_type"]), subject_id=str(row["subject_id"]),
        outcome=str(row["outcome"]), detail=str(row["detail"]),
    )
    return AuditEntry(int(str(row["seq"])), datetime.fromisoformat(str(row["at"])), event,
                      str(row["prev_hash"]), str(row["entry_hash"]))


def iter_audit(session: Session, *, after: int = 0) -> Iterator[AuditEntry]:
    """Every entry (after entry ``after``) in sequence order, read in batches."""
    last = after
    while True:
        rows = session.execute(
            select(_log).where(_log.c.seq > last).order_by(_log.c.seq).limit(BATCH)
        ).mappings().all()
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        last = int(rows[-1]["seq"])


def verify_audit(
    session: Session, *, key: bytes, anchors: Mapping[int, str] | None = None
) -> ChainReport:
    """Verify the chain and that the head row points at its newest entry."""
    report = verify_chain(iter_audit(session), key, anchors=anchors)
    head = session.execute(select(_head).where(_head.c.head_id == 1)).mappings().first()
    if head is not None and (head["seq"], head["entry_hash"]) != (report.head_seq,
                                                                   report.head_hash):
        problem = Issue("head_mismatch", f"the head row says entry {head['seq']} but the log "
                        f"ends at {report.head_seq}: newest entries were deleted or added")
        return ChainReport(report.count, report.head_seq, report.head_hash,
                           (*report.problems, problem))
    return report


def list_audit(
    session: Session,
    *,
    actor: str | None = None,
    subject_id: str | None = None,
    action: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], int]:
    """Newest first, filtered; with the total count for paging."""
    query = select(_log)
    if actor:
        query = query.where(_log.c.actor == actor)
    if subject_id:
        query = query.where(_log.c.subject_id == subject_id)
    if action:
        query = query.where(_log.c.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(_log.c.seq.desc()).offset(offset).limit(limit))
    return [_entry(row) for row in rows.mappings()], total
