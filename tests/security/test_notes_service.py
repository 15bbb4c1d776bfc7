"""Notes and attachments through the security service: a role writes only in the sensitive
sections it sees and may write in, reads only the sections it sees, and the author is who
acts. Stores in memory; the sealed SQL stores are covered by the web tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resettle.errors import NotFoundError, PermissionDeniedError, ValidationError
from resettle.security import service
from resettle.security.policy import SENSITIVE_SECTIONS, Principal, Role, Section
from resettle.security.views import Attachment, CaseNote

NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


class MemoryNotes:
    def __init__(self) -> None:
        self.notes: list[CaseNote] = []
        self.files: dict[str, tuple[Attachment, bytes]] = {}

    def add_note(self, *, case_id: str, section: Section, text: str, author: str,
                 now: datetime) -> int:
        self.notes.append(CaseNote(len(self.notes) + 1, case_id, section, text, author, now))
        return len(self.notes)

    def list_notes(self, *, case_id: str, sections: frozenset[Section]) -> list[CaseNote]:
        return [n for n in self.notes if n.case_id == case_id and n.section in sections]

    def add_attachment(self, *, case_id: str, section: Section, filename: str, media_type: str,
                       data: bytes, author: str, now: datetime) -> str:
        found = Attachment(f"AT-{len(self.files)}", case_id, section, filename, media_type,
                           len(data), author, now)
        self.files[found.attachment_id] = (found, data)
        return found.attachment_id

    def list_attachments(self, *, case_id: str,
                         sections: frozenset[Section]) -> list[Attachment]:
        return [a for a, _ in self.files.values() if a.case_id == case_id
                and a.section in sections]

    def open_attachment(self, *, case_id: str, attachment_id: str,
                        sections: frozenset[Section]) -> tuple[Attachment, bytes]:
        found = self.files.get(attachment_id)
        if found is None or found[0].case_id != case_id or found[0].section not in sections:
            raise NotFoundError(attachment_id)
        return found


def who(role: Role) -> Principal:
    return Principal(1, f"{role}-user", role)


def test_a_role_writes_notes_only_in_the_sensitive_sections_it_may_write_in() -> None:
    protection, auditor = who(Role.PROTECTION_OFFICER), who(Role.AUDITOR)
    writable = service.writable_note_sections(protection)
    assert writable and set(writable) <= SENSITIVE_SECTIONS
    assert service.writable_note_sections(auditor) == []
    store = MemoryNotes()
    service.add_note(store, protection, case_id="C-1", section=writable[0], text="seen",
                     now=NOW)
    assert store.notes[0].author == protection.username
    with pytest.raises(PermissionDeniedError):
        service.add_note(store, auditor, case_id="C-1", section=writable[0], text="x",
                         now=NOW)
    with pytest.raises(ValidationError):
        service.add_note(store, protection, case_id="C-1", section=writable[0], text="  ",
                         now=NOW)
    assert len(store.notes) == 1


def test_a_role_reads_only_the_sections_it_sees() -> None:
    store = MemoryNotes()
    protection = who(Role.PROTECTION_OFFICER)
    for section in service.writable_note_sections(protection):
        service.add_note(store, protection, case_id="C-1", section=section, text="t", now=NOW)
        service.add_attachment(store, protection, case_id="C-1", section=section,
                               filename="f.pdf", media_type="application/pdf", data=b"%PDF",
                               now=NOW)
    liaison = Principal(2, "liaison", Role.HOST_STATE_LIAISON, "DEU")
    assert len(service.case_notes(store, protection, "C-1")) == len(store.notes) > 0
    assert service.case_notes(store, liaison, "C-1") == []
    assert service.case_attachments(store, liaison, "C-1") == []
    first = next(iter(store.files))
    assert service.open_attachment(store, protection, "C-1", first)[1] == b"%PDF"
    with pytest.raises(NotFoundError):
        service.open_attachment(store, liaison, "C-1", first)


def test_a_role_that_may_not_write_notes_may_not_attach_files() -> None:
    store = MemoryNotes()
    with pytest.raises(PermissionDeniedError):
        service.add_attachment(store, who(Role.AUDITOR), case_id="C-1",
                               section=next(iter(SENSITIVE_SECTIONS)), filename="f",
                               media_type="text/plain", data=b"x", now=NOW)
    assert store.files == {}
