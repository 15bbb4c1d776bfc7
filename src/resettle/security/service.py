"""The security service that the CLI (`resettle users`, `resettle keys rotate`) and the web
app's /users both call: managing user accounts, and rotating the data keys; and the sensitive
notes and attachments on a case, in the sections a role may read and write.

Each change writes its audit entry through the store, in the caller's transaction. Generated
passwords and TOTP secrets are returned once, to be shown to the administrator; they are never
logged or audited, and only their hash (password) or ciphertext (TOTP secret) is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resettle.core.issues import Issue
from resettle.errors import ConflictError, PermissionDeniedError, ValidationError
from resettle.security.audit import AuditEvent
from resettle.security.auth import AuthSettings, is_locked, new_token, new_totp_secret, totp_uri
from resettle.security.policy import (
    SENSITIVE_SECTIONS,
    Permission,
    Principal,
    Role,
    Section,
    may_manage_users,
    needs_second_factor,
    scope_of,
    visible_sections,
)
from resettle.security.ports import (
    AttachmentStore,
    AuditLog,
    NoteStore,
    SealedValues,
    UserRecord,
    UserStore,
)
from resettle.security.views import Attachment, CaseNote

__all__ = [
    "CLI_ACTOR",
    "Account",
    "Actor",
    "Credentials",
    "RotationCounts",
    "SealedValues",
    "UserStore",
    "add_account",
    "add_attachment",
    "add_note",
    "case_attachments",
    "case_notes",
    "list_accounts",
    "open_attachment",
    "reset_account",
    "rotate_keys",
    "set_account_disabled",
    "writable_note_sections",
]

PASSWORD_LENGTH = 20


@dataclass(frozen=True)
class Actor:
    """Who manages the accounts or keys, as the audit trail names them."""

    username: str
    role: str


CLI_ACTOR = Actor("cli", "operator")


@dataclass(frozen=True)
class Credentials:
    """A one-time password (and TOTP secret, for roles that need one) to hand to the user."""

    username: str
    role: Role
    password: str
    totp_secret: str | None

    @property
    def totp_uri(self) -> str | None:
        if self.totp_secret is None:
            return None
        return totp_uri(self.totp_secret, self.username, AuthSettings())


@dataclass(frozen=True)
class Account:
    """What an administrator sees of a user: never a hash or a secret."""

    username: str
    role: Role
    state: str | None
    disabled: bool
    locked: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class RotationCounts:
    reencrypted: int  # values moved to the active key
    sealed: int  # plaintext values from before encryption, now encrypted


def _audit(store: AuditLog, actor: Actor, action: str, *, subject: str, now: datetime,
           detail: str = "") -> None:
    event = AuditEvent(actor=actor.username, role=actor.role, action=action,
                       subject_type="user", subject_id=subject, detail=detail)
    store.append_audit(event, now=now)


def _new_secret(role: Role) -> str | None:
    return new_totp_secret() if needs_second_factor(role) else None


def list_accounts(store: UserStore, *, now: datetime) -> list[Account]:
    return [Account(u.username, u.role, u.state, u.disabled, is_locked(u.locked_until, now),
                    u.last_login_at)
            for u in store.list_users()]


def add_account(store: UserStore, *, actor: Actor, username: str, role: Role,
                state: str | None, now: datetime) -> Credentials:
    """A new user with a generated password (and TOTP secret where the role needs one)."""
    password, secret = new_token()[:PASSWORD_LENGTH], _new_secret(role)
    store.add_user(username=username, role=role, password=password, state=state,
                   totp_secret=secret, now=now)
    _audit(store, actor, "user.add", subject=username, now=now,
           detail=f"role {role}" + (f" state {state}" if state else ""))
    return Credentials(username, role, password, secret)


def reset_account(store: UserStore, *, actor: Actor, username: str,
                  now: datetime) -> Credentials:
    """New password (and TOTP secret where needed); unlocks the account, ends its sessions."""
    user = store.get_user(username)
    password, secret = new_token()[:PASSWORD_LENGTH], _new_secret(user.role)
    store.reset_credentials(username=username, password=password, totp_secret=secret)
    _audit(store, actor, "user.reset", subject=username, now=now)
    return Credentials(username, user.role, password, secret)


def set_account_disabled(store: UserStore, *, actor: Actor, username: str, disabled: bool,
                         now: datetime) -> None:
    """Disable (sessions end now) or enable a user; never oneself or the last administrator."""
    user = store.get_user(username)
    if disabled:
        _refuse_lockout(store, actor, user)
    store.set_disabled(username=username, disabled=disabled)
    _audit(store, actor, "user.disable" if disabled else "user.enable", subject=username,
           now=now)


def _refuse_lockout(store: UserStore, actor: Actor, user: UserRecord) -> None:
    if user.username == actor.username:
        raise ConflictError("you cannot disable your own account; ask another administrator")
    if not may_manage_users(user.role) or user.disabled:
        return
    managers = [u for u in store.list_users() if may_manage_users(u.role) and not u.disabled]
    if len(managers) <= 1:
        raise ConflictError(f"{user.username} is the last enabled administrator; add or enable "
                            "another administrator first, or nobody could manage users")


def rotate_keys(store: SealedValues, *, actor: Actor, now: datetime) -> RotationCounts:
    """Encrypt what is still in plaintext, then move every value to the active key; audited.
    Values already under the active key are left alone, so old keys can then be removed."""
    sealed = store.seal_leftovers()
    reencrypted = store.reencrypt_to_active()
    _audit(store, actor, "keys.rotate", subject=store.active_key, now=now)
    return RotationCounts(reencrypted, sealed)


# Notes and attachments. The caller has already checked that the user may act on the case
# itself (its record scope); these check the section, the part of the case the role sees.


def writable_note_sections(principal: Principal) -> list[Section]:
    """The sensitive sections the role may write notes (and attach files) in."""
    if scope_of(principal.role, Permission.NOTE_WRITE) is None:
        return []
    return sorted(visible_sections(principal.role) & SENSITIVE_SECTIONS)


def add_note(store: NoteStore, principal: Principal, *, case_id: str, section: Section,
             text: str, now: datetime) -> int:
    if not text.strip():
        raise ValidationError([Issue("missing_value", "write the note first", field="text")])
    if section not in writable_note_sections(principal):
        raise PermissionDeniedError(f"your role may not write {section} notes")
    return store.add_note(case_id=case_id, section=section, text=text,
                          author=principal.username, now=now)


def case_notes(store: NoteStore, principal: Principal, case_id: str) -> list[CaseNote]:
    """The case's notes in the sections the role sees (the others are never opened)."""
    return store.list_notes(case_id=case_id, sections=visible_sections(principal.role))


def add_attachment(store: AttachmentStore, principal: Principal, *, case_id: str,
                   section: Section, filename: str, media_type: str, data: bytes,
                   now: datetime) -> str:
    """Like a note: a section the role may write notes in, sealed at rest."""
    if section not in writable_note_sections(principal):
        raise PermissionDeniedError(f"your role may not attach files in {section}")
    return store.add_attachment(case_id=case_id, section=section, filename=filename,
                                media_type=media_type, data=data, author=principal.username,
                                now=now)


def case_attachments(store: AttachmentStore, principal: Principal,
                     case_id: str) -> list[Attachment]:
    """Names and sizes of the case's files in the sections the role sees."""
    return store.list_attachments(case_id=case_id, sections=visible_sections(principal.role))


def open_attachment(store: AttachmentStore, principal: Principal, case_id: str,
                    attachment_id: str) -> tuple[Attachment, bytes]:
    """The file, if it is the case's and in a section the role sees; else NotFoundError."""
    return store.open_attachment(case_id=case_id, attachment_id=attachment_id,
                                 sections=visible_sections(principal.role))
