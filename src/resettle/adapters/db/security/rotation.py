"""Key rotation: re-encrypt every encrypted column with the active key, in one transaction.

Also seals what is still plaintext from before a column was encrypted (rows written before
migration 0400_sealed_columns), so after one ``resettle keys rotate`` nothing sensitive is left
in clear and every value is under the active key. The use case (with its audit entry) is
``resettle.security.service.rotate_keys``; ``SqlSealedValues`` in ``store.py`` calls these.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.base import Base
from resettle.adapters.db.registry import mapping
from resettle.adapters.db.sealing import (
    PERSONS_SEALED,
    SEALED_COLUMNS,
    SealedColumn,
    bind_keys,
    context,
    event_context,
    open_person_row,
    seal_json,
    seal_person_rows,
)
from resettle.adapters.db.security.tables import CaseNoteRow, UserRow
from resettle.security.crypto import KeyRing
from resettle.security.service import RotationCounts

_notes = cast(Table, CaseNoteRow.__table__)
_users = cast(Table, UserRow.__table__)
# Leftover plaintext of the screening tables: (table, plain column, its empty value).
EXCLUSION_EVENTS = ("open_exclusion_review",)  # events that once copied a review's triggers
_PLAIN_TEXT = {
    "screening_interviews": ("notes", ""),
    "screening_consents": ("note", ""),
    "confidential_statements": ("text", ""),
}


def reencrypt_all(session: Session, *, keys: KeyRing) -> RotationCounts:
    """Seal the leftovers, then re-encrypt; values already under the active key are left
    alone. (Without an audit entry: the use case is ``security.service.rotate_keys``.)"""
    bind_keys(session, keys)
    sealed = seal_leftovers(session, keys=keys)
    return RotationCounts(reencrypt_values(session, keys=keys), sealed)


def reencrypt_values(session: Session, *, keys: KeyRing) -> int:
    """Move every value another key encrypted to the active key; returns how many."""
    count = (_reencrypt_notes(session, keys) + _reencrypt_totp(session, keys)
             + _reencrypt_events(session, keys))
    for spec in SEALED_COLUMNS:
        count += _reencrypt_column(session, keys, spec)
    return count


def _reencrypt_notes(session: Session, keys: KeyRing) -> int:
    count = 0
    for row in session.execute(select(_notes)).mappings():
        where = f"case_notes:{row['case_id']}:{row['section']}"
        if keys.key_id_of(row["text_enc"]) != keys.active:
            fresh = keys.encrypt(keys.decrypt(row["text_enc"], context=where), context=where)
            session.execute(update(_notes).where(_notes.c.note_id == row["note_id"])
                            .values(text_enc=fresh))
            count += 1
    return count


def _reencrypt_totp(session: Session, keys: KeyRing) -> int:
    count = 0
    for row in session.execute(select(_users).where(_users.c.totp_secret_enc.is_not(None))
                               ).mappings():
        where = f"users:totp_secret:{row['user_id']}"
        if keys.key_id_of(row["totp_secret_enc"]) != keys.active:
            fresh = keys.encrypt(keys.decrypt(row["totp_secret_enc"], context=where),
                                 context=where)
            session.execute(update(_users).where(_users.c.user_id == row["user_id"])
                            .values(totp_secret_enc=fresh))
            count += 1
    return count


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _reencrypt_column(session: Session, keys: KeyRing, spec: SealedColumn) -> int:
    table = _table(spec.table)
    column, key = table.c[spec.column], table.c[spec.key]
    count = 0
    for row_id, token in session.execute(select(key, column).where(column.is_not(None))).all():
        if keys.key_id_of(token) != keys.active:
            where = context(spec.table, spec.field, row_id)
            fresh = keys.encrypt(keys.decrypt(token, context=where), context=where)
            session.execute(update(table).where(key == row_id).values({spec.column: fresh}))
            count += 1
    return count


def seal_leftovers(session: Session, *, keys: KeyRing) -> int:
    """Encrypt the plaintext left in rows written before the sealed columns existed."""
    return (_seal_persons(session) + _seal_reviews(session, keys) + seal_events(session, keys)
            + sum(_seal_text(session, keys, table) for table in _PLAIN_TEXT))


def _seal_persons(session: Session) -> int:
    persons = _table(PERSONS_SEALED[0])
    sensitive = set(mapping.SEALED_DETAILS) | {"specific_needs"}
    count = 0
    for stored in session.execute(select(persons)).mappings():
        row = open_person_row(session, dict(stored))
        if not sensitive & set(row["details"]):
            continue
        merged = {**row["details"], **(row["sealed_details"] or {})}
        split = mapping.split_details(merged)
        if split["details"] == row["details"]:
            continue  # only plain needs: nothing to seal
        sealed = seal_person_rows(session, [{**row, **split}])[0]
        session.execute(update(persons).where(persons.c.person_id == row["person_id"]).values(
            details=sealed["details"], sealed_details=sealed["sealed_details"]))
        count += 1
    return count


def _seal_reviews(session: Session, keys: KeyRing) -> int:
    reviews = _table("exclusion_reviews")
    count = 0
    for row in session.execute(select(reviews).where(reviews.c.content_enc.is_(None))
                               ).mappings():
        content: dict[str, Any] = {"triggers": row["triggers"], "assessment": row["assessment"],
                                   "review_reason": row["review_reason"]}
        token = seal_json(keys, content, where=context("exclusion_reviews", "content",
                                                       row["review_id"]))
        session.execute(update(reviews).where(reviews.c.review_id == row["review_id"]).values(
            content_enc=token, triggers=[], assessment=None, review_reason=""))
        count += 1
    return count


def _seal_text(session: Session, keys: KeyRing, name: str) -> int:
    spec = next(s for s in SEALED_COLUMNS if s.table == name)
    plain_name, empty = _PLAIN_TEXT[name]
    table = _table(name)
    plain, key = table.c[plain_name], table.c[spec.key]
    count = 0
    for row_id, text in session.execute(select(key, plain).where(plain != empty)).all():
        token = keys.encrypt(text, context=context(name, spec.field, row_id))
        session.execute(update(table).where(key == row_id).values(
            {spec.column: token, plain_name: empty}))
        count += 1
    return count


def seal_events(session: Session, keys: KeyRing) -> int:
    """Seal the case-history reasons still in clear and drop copied exclusion triggers (the
    event keeps its reference to the sealed review). Also run by migration 0600 with keys."""
    return seal_event_rows(session.connection(), keys)


def seal_event_rows(connection: Connection, keys: KeyRing) -> int:
    """Encrypt event and no-return reasons left in clear; returns how many rows changed."""
    events, declarations = _table("case_events"), _table("no_return_declarations")
    count = drop_copied_triggers(connection)
    rows = connection.execute(select(events.c.case_id, events.c.sequence, events.c.reason)
                              .where(events.c.reason != "")).all()
    for case_id, sequence, reason in rows:
        token = keys.encrypt(reason, context=event_context(case_id, sequence))
        connection.execute(update(events).where(events.c.case_id == case_id,
                                                events.c.sequence == sequence)
                           .values(reason="", reason_enc=token))
    for row_id, reason in connection.execute(select(declarations.c.declaration_id,
                                                    declarations.c.reason)
                                             .where(declarations.c.reason != "")).all():
        token = keys.encrypt(reason, context=context("no_return_declarations", "reason",
                                                     row_id))
        connection.execute(update(declarations).where(declarations.c.declaration_id == row_id)
                           .values(reason="", reason_enc=token))
        count += 1
    return count + len(rows)


def drop_copied_triggers(connection: Connection) -> int:
    """Exclusion events once copied their review's triggers; the review (sealed) keeps them."""
    events = _table("case_events")
    rows = connection.execute(select(events.c.case_id, events.c.sequence, events.c.data)
                              .where(events.c.action.in_(EXCLUSION_EVENTS))).all()
    count = 0
    for case_id, sequence, data in rows:
        if "triggers" in (data or {}):
            kept = {k: v for k, v in data.items() if k != "triggers"}
            connection.execute(update(events).where(events.c.case_id == case_id,
                                                    events.c.sequence == sequence)
                               .values(data=kept))
            count += 1
    return count


def _reencrypt_events(session: Session, keys: KeyRing) -> int:
    events = _table("case_events")
    count = 0
    for case_id, sequence, token in session.execute(
            select(events.c.case_id, events.c.sequence, events.c.reason_enc)
            .where(events.c.reason_enc.is_not(None))).all():
        if keys.key_id_of(token) != keys.active:
            where = event_context(case_id, sequence)
            fresh = keys.encrypt(keys.decrypt(token, context=where), context=where)
            session.execute(update(events).where(events.c.case_id == case_id,
                                                 events.c.sequence == sequence)
                            .values(reason_enc=fresh))
            count += 1
    return count
