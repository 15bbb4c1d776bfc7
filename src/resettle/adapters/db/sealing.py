"""Sealed columns: where the database adapter encrypts and decrypts the most sensitive values.

Medical conditions, violence survived, exclusion profiles and reviews, interview notes, consent
notes and confidential statements are stored as AES-GCM ciphertexts (``security/crypto.py``);
each is bound to ``<table>:<column>:<row id>``, so a ciphertext copied onto another row does not
decrypt. Rows are sealed just before they are written and opened right after they are read:
domain code never sees a ciphertext.

A session uses the keyring its factory was given (``make_session_factory(engine, keys=...)``:
the web app); otherwise the keys of the environment (``RESETTLE_DATA_KEYS`` or
``RESETTLE_KEY_FILE``), loaded the first time a sealed value is read or written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from resettle.adapters.db.engine import SESSION_KEYS_INFO
from resettle.adapters.db.registry.mapping import Row
from resettle.errors import KeyProblemError
from resettle.security.crypto import KeyRing, load_keyring

PERSONS_SEALED = ("persons", "sealed_details", "person_id")


@dataclass(frozen=True)
class SealedColumn:
    """A column of ciphertexts; ``field`` and the row's ``key`` make the associated data."""

    table: str
    column: str
    field: str
    key: str


SEALED_COLUMNS = (
    SealedColumn("persons", "sealed_details", "sealed_details", "person_id"),
    SealedColumn("screening_interviews", "notes_enc", "notes", "interview_id"),
    SealedColumn("screening_consents", "note_enc", "note", "consent_id"),
    SealedColumn("exclusion_reviews", "content_enc", "content", "review_id"),
    SealedColumn("confidential_statements", "text_enc", "text", "statement_id"),
    SealedColumn("no_return_declarations", "reason_enc", "reason", "declaration_id"),
    SealedColumn("case_attachments", "data_enc", "data", "attachment_id"),
)


def keys_for(session: Session) -> KeyRing:
    """The session's keyring; loaded from the environment once if its factory had none."""
    keys: KeyRing | None = session.info.get(SESSION_KEYS_INFO)
    if keys is None:
        try:
            keys = load_keyring()
        except KeyProblemError as error:
            raise KeyProblemError(
                "medical, violence, exclusion and confidential fields are stored encrypted "
                f"and need the data keys: {error}"
            ) from error
        session.info[SESSION_KEYS_INFO] = keys
    return keys


def bind_keys(session: Session, keys: KeyRing) -> None:
    """Make ``keys`` the keyring of everything ``session`` seals and opens from now on."""
    session.info[SESSION_KEYS_INFO] = keys


def context(table: str, column: str, row_id: object) -> str:
    """The associated data of one stored value: its table, column and row."""
    return f"{table}:{column}:{row_id}"


def seal_json(keys: KeyRing, value: Any, *, where: str) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return keys.encrypt(text, context=where)


def open_json(keys: KeyRing, token: str, *, where: str) -> Any:
    return json.loads(keys.decrypt(token, context=where))


def seal_person_rows(session: Session, rows: Sequence[Row]) -> list[Row]:
    """Rows from ``mapping.person_to_row`` with their sensitive details encrypted."""
    table, column, key = PERSONS_SEALED
    if not any(row[column] is not None for row in rows):
        return list(rows)
    keys = keys_for(session)
    return [
        row if row[column] is None
        else {**row, column: seal_json(keys, row[column],
                                       where=context(table, column, row[key]))}
        for row in rows
    ]


def open_person_row(session: Session, row: Row) -> Row:
    """A stored person row with its sensitive details decrypted (in place), as mapping reads it."""
    table, column, key = PERSONS_SEALED
    token = row.get(column)
    if token is not None:
        row[column] = open_json(keys_for(session), token, where=context(table, column, row[key]))
    return row


def seal_text(session: Session, text: str, *, where: str) -> str | None:
    """An encrypted free text; None for an empty one (nothing to protect, no key needed)."""
    return keys_for(session).encrypt(text, context=where) if text else None


def open_text(session: Session, token: str | None, legacy: str, *, where: str) -> str:
    """The decrypted text, or the plaintext left from before encryption (see keys rotate)."""
    return keys_for(session).decrypt(token, context=where) if token is not None else legacy


EVENTS = "case_events"


def event_context(case_id: str, sequence: int) -> str:
    """Associated data of an event's sealed reason: its case and place in the history."""
    return context(EVENTS, "reason", f"{case_id}:{sequence}")


def open_event_reason(session: Session, row: Mapping[Any, Any]) -> str:
    """An event's reason: decrypted, or the plaintext of a row from before migration 0600."""
    return open_text(session, row["reason_enc"], row["reason"],
                     where=event_context(row["case_id"], row["sequence"]))
