"""Key rotation: re-encrypt every encrypted column with the active key, in one transaction."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.security_tables import CaseNoteRow, UserRow
from resettle.security.crypto import KeyRing

_notes = cast(Table, CaseNoteRow.__table__)
_users = cast(Table, UserRow.__table__)


def reencrypt_all(session: Session, *, keys: KeyRing) -> int:
    """Values already under the active key are left alone; returns how many were rewritten."""
    count = 0
    for row in session.execute(select(_notes)).mappings():
        context = f"case_notes:{row['case_id']}:{row['section']}"
        if keys.key_id_of(row["text_enc"]) != keys.active:
            fresh = keys.encrypt(keys.decrypt(row["text_enc"], context=context), context=context)
            session.execute(update(_notes).where(_notes.c.note_id == row["note_id"])
                            .values(text_enc=fresh))
            count += 1
    for row in session.execute(select(_users).where(_users.c.totp_secret_enc.is_not(None))
                               ).mappings():
        context = f"users:totp_secret:{row['user_id']}"
        if keys.key_id_of(row["totp_secret_enc"]) != keys.active:
            fresh = keys.encrypt(keys.decrypt(row["totp_secret_enc"], context=context),
                                 context=context)
            session.execute(update(_users).where(_users.c.user_id == row["user_id"])
                            .values(totp_secret_enc=fresh))
            count += 1
    return count
