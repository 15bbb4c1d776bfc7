"""Sensitive case notes (encrypted at rest)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from resettle.adapters.db.security.store import as_utc
from resettle.adapters.db.security.tables import CaseNoteRow
from resettle.core.issues import Issue
from resettle.errors import ValidationError
from resettle.security.crypto import KeyRing
from resettle.security.policy import SENSITIVE_SECTIONS, Section
from resettle.security.views import CaseNote

_notes = cast(Table, CaseNoteRow.__table__)


def _note_context(case_id: str, section: str) -> str:
    # Bound to case and section: a ciphertext moved to another case or section fails to open.
    return f"case_notes:{case_id}:{section}"


def add_note(
    session: Session, *, keys: KeyRing, case_id: str, section: Section, text: str,
    author: str, now: datetime,
) -> int:
    if section not in SENSITIVE_SECTIONS:
        raise ValidationError([Issue("bad_value", f"notes go in a sensitive section: "
                                     f"{sorted(SENSITIVE_SECTIONS)}", field="section")])
    if not text.strip():
        raise ValidationError([Issue("missing_value", "write the note's text", field="text")])
    return int(session.execute(
        _notes.insert().values(
            case_id=case_id, section=section.value, author=author, created_at=now,
            text_enc=keys.encrypt(text, context=_note_context(case_id, section.value)),
        ).returning(_notes.c.note_id)
    ).scalar_one())


def list_notes(
    session: Session, *, keys: KeyRing, case_id: str, sections: frozenset[Section]
) -> list[CaseNote]:
    """Decrypts only the sections asked for: the rest never leave the database."""
    wanted = [s.value for s in sections & SENSITIVE_SECTIONS]
    if not wanted:
        return []
    rows = session.execute(
        select(_notes).where(_notes.c.case_id == case_id, _notes.c.section.in_(wanted))
        .order_by(_notes.c.note_id)
    ).mappings()
    return [
        CaseNote(r["note_id"], r["case_id"], Section(r["section"]),
                 keys.decrypt(r["text_enc"], context=_note_context(r["case_id"], r["section"])),
                 r["author"], cast(datetime, as_utc(r["created_at"])))
        for r in rows
    ]



class SqlNoteStore:
    """:class:`resettle.security.ports.NoteStore` in the caller's session (never commits)."""

    def __init__(self, session: Session, keys: KeyRing) -> None:
        self._session, self._keys = session, keys

    def add_note(self, *, case_id: str, section: Section, text: str, author: str,
                 now: datetime) -> int:
        return add_note(self._session, keys=self._keys, case_id=case_id, section=section,
                        text=text, author=author, now=now)

    def list_notes(self, *, case_id: str, sections: frozenset[Section]) -> list[CaseNote]:
        return list_notes(self._session, keys=self._keys, case_id=case_id, sections=sections)
