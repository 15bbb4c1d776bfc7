"""Managing user accounts, for the CLI (`resettle users`) and the web app's /users alike.

Each change writes its audit entry in the caller's transaction. Generated passwords and TOTP
secrets are returned once, to be shown to the administrator; they are never logged or
audited, and only their hash (password) or ciphertext (TOTP secret) is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from resettle.adapters.db.security import store as user_store
from resettle.adapters.db.security.audit_store import append_audit
from resettle.errors import ConflictError
from resettle.security.audit import AuditEvent
from resettle.security.auth import AuthSettings, is_locked, new_token, new_totp_secret, totp_uri
from resettle.security.crypto import KeyRing
from resettle.security.policy import Role, may_manage_users, needs_second_factor

PASSWORD_LENGTH = 20


@dataclass(frozen=True)
class Actor:
    """Who manages the accounts, as the audit trail names them."""

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


def _audit(session: Session, keys: KeyRing, actor: Actor, action: str, *, username: str,
           now: datetime, detail: str = "") -> None:
    event = AuditEvent(actor=actor.username, role=actor.role, action=action,
                       subject_type="user", subject_id=username, detail=detail)
    append_audit(session, key=keys.audit_key, event=event, now=now)


def _new_secret(role: Role) -> str | None:
    return new_totp_secret() if needs_second_factor(role) else None


def list_accounts(session: Session, *, keys: KeyRing, now: datetime) -> list[Account]:
    return [Account(u.username, u.role, u.state, u.disabled, is_locked(u.locked_until, now),
                    u.last_login_at)
            for u in user_store.list_users(session, keys=keys)]


def add_account(session: Session, *, keys: KeyRing, actor: Actor, username: str, role: Role,
                state: str | None, now: datetime) -> Credentials:
    """A new user with a generated password (and TOTP secret where the role needs one)."""
    password, secret = new_token()[:PASSWORD_LENGTH], _new_secret(role)
    user_store.add_user(session, keys=keys, username=username, role=role, password=password,
                        state=state, totp_secret=secret, now=now)
    _audit(session, keys, actor, "user.add", username=username, now=now,
           detail=f"role {role}" + (f" state {state}" if state else ""))
    return Credentials(username, role, password, secret)


def reset_account(session: Session, *, keys: KeyRing, actor: Actor, username: str,
                  now: datetime) -> Credentials:
    """New password (and TOTP secret where needed); unlocks the account, ends its sessions."""
    user = user_store.get_user(session, keys=keys, username=username)
    password, secret = new_token()[:PASSWORD_LENGTH], _new_secret(user.role)
    user_store.reset_credentials(session, keys=keys, username=username, password=password,
                                 totp_secret=secret)
    _audit(session, keys, actor, "user.reset", username=username, now=now)
    return Credentials(username, user.role, password, secret)


def set_account_disabled(session: Session, *, keys: KeyRing, actor: Actor, username: str,
                         disabled: bool, now: datetime) -> None:
    """Disable (sessions end now) or enable a user; never oneself or the last administrator."""
    user = user_store.get_user(session, keys=keys, username=username)
    if disabled:
        _refuse_lockout(session, keys, actor, user)
    user_store.set_disabled(session, username=username, disabled=disabled)
    _audit(session, keys, actor, "user.disable" if disabled else "user.enable",
           username=username, now=now)


def _refuse_lockout(session: Session, keys: KeyRing, actor: Actor,
                    user: user_store.StoredUser) -> None:
    if user.username == actor.username:
        raise ConflictError("you cannot disable your own account; ask another administrator")
    if not may_manage_users(user.role) or user.disabled:
        return
    managers = [u for u in user_store.list_users(session, keys=keys)
                if may_manage_users(u.role) and not u.disabled]
    if len(managers) <= 1:
        raise ConflictError(f"{user.username} is the last enabled administrator; add or enable "
                            "another administrator first, or nobody could manage users")
