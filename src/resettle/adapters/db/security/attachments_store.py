"""Files attached to a case in a sensitive section, sealed at rest like notes.

The bytes are sealed (AES-GCM, bound to the table, column and attachment id) as base64 text,
in ``case_attachments.data_enc``; listing returns only the sections asked for, and never
opens a file.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from resettle.adapters.db.sealing import context
from resettle.adapters.db.security.store import as_utc
from resettle.adapters.db.security.tables import CaseAttachmentRow
from resettle.core.issues import Issue
from resettle.errors import NotFoundError, ValidationError
from resettle.security.crypto import KeyRing
from resettle.security.policy import SENSITIVE_SECTIONS, Section
from resettle.security.views import Attachment

_files = cast(Table, CaseAttachmentRow.__table__)
MAX_ATTACHMENT_BYTES = 5 * 2**20


def _where(attachment_id: str) -> str:
    return context("case_attachments", "data", attachment_id)


def add_attachment(session: Session, *, keys: KeyRing, case_id: str, section: Section,
                   filename: str, media_type: str, data: bytes, author: str,
                   now: datetime) -> str:
    issues = []
    if section not in SENSITIVE_SECTIONS:
        issues.append(Issue("bad_value", f"attachments go in a sensitive section: "
                            f"{sorted(SENSITIVE_SECTIONS)}", field="section"))
    if not data:
        issues.append(Issue("missing_value", "choose a file to attach", field="file"))
    if len(data) > MAX_ATTACHMENT_BYTES:
        issues.append(Issue("file_too_large", f"the file is above {MAX_ATTACHMENT_BYTES // 2**20} "
                            "MB; scan at a lower resolution", field="file"))
    if issues:
        raise ValidationError(issues)
    attachment_id = f"AT-{secrets.token_hex(8)}"
    sealed = keys.encrypt(base64.b64encode(data).decode("ascii"),
                          context=_where(attachment_id))
    session.execute(_files.insert().values(
        attachment_id=attachment_id, case_id=case_id, section=section.value,
        filename=filename[:200] or "attachment", media_type=media_type[:100] or
        "application/octet-stream", size=len(data), data_enc=sealed, author=author,
        created_at=now))
    return attachment_id


def _attachment(row: dict[str, object]) -> Attachment:
    return Attachment(str(row["attachment_id"]), str(row["case_id"]),
                      Section(str(row["section"])),
                      str(row["filename"]), str(row["media_type"]), int(str(row["size"])),
                      str(row["author"]), cast(datetime, as_utc(cast(datetime,
                                                                     row["created_at"]))))


def list_attachments(session: Session, *, case_id: str,
                     sections: frozenset[Section]) -> list[Attachment]:
    wanted = [s.value for s in sections & SENSITIVE_SECTIONS]
    if not wanted:
        return []
    rows = session.execute(
        select(_files.c.attachment_id, _files.c.case_id, _files.c.section, _files.c.filename,
               _files.c.media_type, _files.c.size, _files.c.author, _files.c.created_at)
        .where(_files.c.case_id == case_id, _files.c.section.in_(wanted))
        .order_by(_files.c.created_at, _files.c.attachment_id)).mappings()
    return [_attachment(dict(r)) for r in rows]


def open_attachment(session: Session, *, keys: KeyRing, case_id: str, attachment_id: str,
                    sections: frozenset[Section]) -> tuple[Attachment, bytes]:
    """The file, if it is of this case and in a section the reader sees; else not found."""
    row = session.execute(select(_files).where(
        _files.c.attachment_id == attachment_id, _files.c.case_id == case_id)
    ).mappings().first()
    if row is None or Section(row["section"]) not in sections:
        raise NotFoundError(f"no attachment {attachment_id} that you may see on {case_id}")
    data = base64.b64decode(keys.decrypt(row["data_enc"], context=_where(attachment_id)))
    return _attachment(dict(row)), data


class SqlAttachmentStore:
    """:class:`resettle.security.ports.AttachmentStore` in the caller's session (never
    commits)."""

    def __init__(self, session: Session, keys: KeyRing) -> None:
        self._session, self._keys = session, keys

    def add_attachment(self, *, case_id: str, section: Section, filename: str, media_type: str,
                       data: bytes, author: str, now: datetime) -> str:
        return add_attachment(self._session, keys=self._keys, case_id=case_id, section=section,
                              filename=filename, media_type=media_type, data=data,
                              author=author, now=now)

    def list_attachments(self, *, case_id: str,
                         sections: frozenset[Section]) -> list[Attachment]:
        return list_attachments(self._session, case_id=case_id, sections=sections)

    def open_attachment(self, *, case_id: str, attachment_id: str,
                        sections: frozenset[Section]) -> tuple[Attachment, bytes]:
        return open_attachment(self._session, keys=self._keys, case_id=case_id,
                               attachment_id=attachment_id, sections=sections)
