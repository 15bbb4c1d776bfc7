"""What the security service needs from storage. The database adapter implements it.

A store works in its caller's transaction: the service's changes and their audit entries are
committed together, or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from resettle.security.audit import AuditEvent
from resettle.security.policy import Role, Section
from resettle.security.views import Attachment, CaseNote


class UserRecord(Protocol):
    """What the service reads of a stored user (never its hash or secret)."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def state(self) -> str | None: ...

    @property
    def disabled(self) -> bool: ...

    @property
    def locked_until(self) -> datetime | None: ...

    @property
    def last_login_at(self) -> datetime | None: ...


class AuditLog(Protocol):
    def append_audit(self, event: AuditEvent, *, now: datetime) -> None:
        """Chain ``event`` onto the tamper-evident audit trail."""
        ...


class UserStore(AuditLog, Protocol):
    def list_users(self) -> Sequence[UserRecord]:
        """Every user, by username."""
        ...

    def get_user(self, username: str) -> UserRecord:
        """The user, or NotFoundError."""
        ...

    def add_user(self, *, username: str, role: Role, password: str, state: str | None,
                 totp_secret: str | None, now: datetime) -> None:
        """ValidationError for a bad name, password or state; ConflictError if it exists."""
        ...

    def reset_credentials(self, *, username: str, password: str,
                          totp_secret: str | None) -> None:
        """New password (and TOTP secret when given); unlocks and ends every session."""
        ...

    def set_disabled(self, *, username: str, disabled: bool) -> None:
        """Disabling ends the user's sessions; NotFoundError for an unknown user."""
        ...


class SealedValues(AuditLog, Protocol):
    """Every encrypted value stored, under the keys of one keyring."""

    @property
    def active_key(self) -> str:
        """The id of the keyring's active key."""
        ...

    def seal_leftovers(self) -> int:
        """Encrypt sensitive values still in plaintext; returns how many."""
        ...

    def reencrypt_to_active(self) -> int:
        """Re-encrypt with the active key what another key encrypted; returns how many."""
        ...


class NoteStore(Protocol):
    """Sensitive notes on cases, sealed at rest."""

    def add_note(self, *, case_id: str, section: Section, text: str, author: str,
                 now: datetime) -> int:
        """The new note's id; ValidationError for a section that is not sensitive."""
        ...

    def list_notes(self, *, case_id: str, sections: frozenset[Section]) -> list[CaseNote]:
        """The case's notes in ``sections`` only (the others are never opened)."""
        ...


class AttachmentStore(Protocol):
    """Files attached to cases in a sensitive section, sealed at rest."""

    def add_attachment(self, *, case_id: str, section: Section, filename: str, media_type: str,
                       data: bytes, author: str, now: datetime) -> str:
        """The new attachment's id; ValidationError for an empty or too large file."""
        ...

    def list_attachments(self, *, case_id: str,
                         sections: frozenset[Section]) -> list[Attachment]:
        """Names and sizes in ``sections``; never opens a file."""
        ...

    def open_attachment(self, *, case_id: str, attachment_id: str,
                        sections: frozenset[Section]) -> tuple[Attachment, bytes]:
        """The file, if it is the case's and in ``sections``; else NotFoundError."""
        ...
