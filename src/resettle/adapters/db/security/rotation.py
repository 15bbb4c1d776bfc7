"""Key rotation: re-encrypt every encrypted column with the active key, in one transaction.

Also seals what is still plaintext from before a column was encrypted (rows written before
migration 0400_sealed_columns), so after one ``resettle keys rotate`` nothing sensitive is left
in clear and every value is under the active key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.base import Base
from resettle.adapters.db.registry import mapping
from resettle.adapters.db.sealing import (
    PERSONS_SEALED,
    SEALED_COLUMNS,
    SealedColumn,
    bind_keys,
    context,
    open_person_row,
    seal_json,
    seal_person_rows,
)
from resettle.adapters.db.security.tables import CaseNoteRow, UserRow
from resettle.security.crypto import KeyRing

_notes = cast(Table, CaseNoteRow.__table__)
_users = cast(Table, UserRow.__table__)
# Leftover plaintext of the screening tables: (table, plain column, its empty value).
_PLAIN_TEXT = {
    "screening_interviews": ("notes", ""),
    "screening_consents": ("note", ""),
    "confidential_statements": ("text", ""),
}


@dataclass(frozen=True)
class RotationCounts:
    reencrypted: int  # values moved to the active key
    sealed: int  # plaintext values from before encryption, now encrypted


def reencrypt_all(session: Session, *, keys: KeyRing) -> RotationCounts:
    """Values already under the active key are left alone."""
    bind_keys(session, keys)
    sealed = seal_leftovers(session, keys=keys)
    count = _reencrypt_notes(session, keys) + _reencrypt_totp(session, keys)
    for spec in SEALED_COLUMNS:
        count += _reencrypt_column(session, keys, spec)
    return RotationCounts(count, sealed)


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
    return (_seal_persons(session) + _seal_reviews(session, keys)
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
