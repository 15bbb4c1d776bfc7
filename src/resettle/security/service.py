"""The security service that the CLI (`resettle users`, `resettle keys rotate`) and the web
app's /users both call: managing user accounts, and rotating the data keys.

Each change writes its audit entry through the store, in the caller's transaction. Generated
passwords and TOTP secrets are returned once, to be shown to the administrator; they are never
logged or audited, and only their hash (password) or ciphertext (TOTP secret) is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resettle.errors import ConflictError
from resettle.security.audit import AuditEvent
from resettle.security.auth import AuthSettings, is_locked, new_token, new_totp_secret, totp_uri
from resettle.security.policy import Role, may_manage_users, needs_second_factor
from resettle.security.ports import AuditLog, SealedValues, UserRecord, UserStore

__all__ = [
    "CLI_ACTOR",
    "Account",
    "Actor",
    "Credentials",
    "RotationCounts",
    "SealedValues",
    "UserStore",
    "add_account",
    "list_accounts",
    "reset_account",
    "rotate_keys",
    "set_account_disabled",
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
