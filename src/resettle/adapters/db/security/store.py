"""Users and their sessions. Passwords are argon2 hashes; TOTP secrets are encrypted.

:class:`SqlUserStore` and :class:`SqlSealedValues` are the security service's stores
(``resettle.security.ports``) over these functions, in the caller's session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from resettle.adapters.db.sealing import bind_keys
from resettle.adapters.db.security.audit_store import append_audit
from resettle.adapters.db.security.rotation import reencrypt_values, seal_leftovers
from resettle.adapters.db.security.tables import LoginThrottleRow, SessionRow, UserRow
from resettle.core.codes import is_country_code
from resettle.core.issues import Issue
from resettle.errors import ConflictError, NotFoundError, ValidationError
from resettle.security.audit import AuditEvent
from resettle.security.auth import hash_password, password_issues
from resettle.security.crypto import KeyRing
from resettle.security.policy import Principal, Role

_users = cast(Table, UserRow.__table__)
_sessions = cast(Table, SessionRow.__table__)
_throttle = cast(Table, LoginThrottleRow.__table__)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything resettle stores is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StoredUser:
    user_id: int
    username: str
    role: Role
    state: str | None
    password_hash: str
    totp_secret: str | None
    disabled: bool
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None = None
    totp_last_step: int | None = None  # of the last accepted TOTP code (a code works once)

    @property
    def principal(self) -> Principal:
        return Principal(self.user_id, self.username, self.role, self.state)


def _totp_context(user_id: int) -> str:
    return f"users:totp_secret:{user_id}"


def _user(row: object, keys: KeyRing) -> StoredUser:
    r = dict(row)  # type: ignore[call-overload]
    secret = r["totp_secret_enc"]
    return StoredUser(
        user_id=r["user_id"], username=r["username"], role=Role(r["role"]), state=r["state"],
        password_hash=r["password_hash"],
        totp_secret=keys.decrypt(secret, context=_totp_context(r["user_id"])) if secret else None,
        disabled=bool(r["disabled"]), failed_logins=int(r["failed_logins"]),
        locked_until=as_utc(r["locked_until"]), last_login_at=as_utc(r.get("last_login_at")),
        totp_last_step=r.get("totp_last_step"),
    )


# Plain ASCII: a name must not break the URLs it appears in (/users/NAME/reset), nor pass for
# another user in the audit trail by a look-alike letter or a space.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")


def _check_new_user(username: str, role: Role, state: str | None, password: str) -> None:
    issues = password_issues(password)
    if not USERNAME.fullmatch(username):
        issues.append(Issue("bad_value", "give a username of 1 to 80 characters: letters a-z, "
                            "digits and . _ @ - (starting with a letter or digit)",
                            field="username"))
    if role is Role.HOST_STATE_LIAISON and (state is None or not is_country_code(state)):
        issues.append(Issue("missing_value", "a host-state liaison needs a host state (--state), "
                            "an ISO 3166-1 alpha-3 code (e.g. ALB)", field="state"))
    if role is not Role.HOST_STATE_LIAISON and state is not None:
        issues.append(Issue("bad_value", "only a host-state liaison is bound to a state",
                            field="state"))
    if issues:
        raise ValidationError(issues)


def add_user(
    session: Session, *, keys: KeyRing, username: str, role: Role, password: str,
    state: str | None = None, totp_secret: str | None = None, now: datetime,
) -> StoredUser:
    _check_new_user(username, role, state, password)
    if session.scalar(select(_users.c.user_id).where(_users.c.username == username)):
        raise ConflictError(f"user {username!r} exists already; use `resettle users reset`")
    user_id = session.execute(
        _users.insert().values(
            username=username, role=role.value, state=state, password_hash=hash_password(password),
            disabled=False, failed_logins=0, created_at=now,
        ).returning(_users.c.user_id)
    ).scalar_one()
    if totp_secret is not None:
        encrypted = keys.encrypt(totp_secret, context=_totp_context(user_id))
        session.execute(update(_users).where(_users.c.user_id == user_id)
                        .values(totp_secret_enc=encrypted))
    return get_user(session, keys=keys, username=username)


def find_user(session: Session, *, keys: KeyRing, username: str) -> StoredUser | None:
    row = session.execute(select(_users).where(_users.c.username == username)).mappings().first()
    return _user(row, keys) if row is not None else None


def get_user(session: Session, *, keys: KeyRing, username: str) -> StoredUser:
    user = find_user(session, keys=keys, username=username)
    if user is None:
        raise NotFoundError(f"no user {username!r}; list users with `resettle users list`")
    return user


def list_users(session: Session, *, keys: KeyRing) -> list[StoredUser]:
    rows = session.execute(select(_users).order_by(_users.c.username)).mappings()
    return [_user(row, keys) for row in rows]


def set_login_state(
    session: Session, *, user_id: int, failed_logins: int, locked_until: datetime | None,
    logged_in_at: datetime | None = None, totp_step: int | None = None,
) -> None:
    """After a login attempt; ``logged_in_at`` (and the TOTP step used) for a successful one."""
    values: dict[str, object] = {"failed_logins": failed_logins, "locked_until": locked_until}
    if logged_in_at is not None:
        values["last_login_at"] = logged_in_at
    if totp_step is not None:
        values["totp_last_step"] = totp_step
    session.execute(update(_users).where(_users.c.user_id == user_id).values(**values))


def set_disabled(session: Session, *, username: str, disabled: bool) -> None:
    result = session.execute(update(_users).where(_users.c.username == username)
                             .values(disabled=disabled))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFoundError(f"no user {username!r}")
    if disabled:
        user_id = select(_users.c.user_id).where(_users.c.username == username)
        session.execute(delete(_sessions).where(_sessions.c.user_id.in_(user_id)))


def reset_credentials(
    session: Session, *, keys: KeyRing, username: str, password: str, totp_secret: str | None
) -> StoredUser:
    """New password (and TOTP secret when given); unlocks and ends every session."""
    user = get_user(session, keys=keys, username=username)
    if issues := password_issues(password):
        raise ValidationError(issues)
    values: dict[str, object] = {"password_hash": hash_password(password), "failed_logins": 0,
                                 "locked_until": None}
    if totp_secret is not None:
        values["totp_secret_enc"] = keys.encrypt(totp_secret,
                                                 context=_totp_context(user.user_id))
    session.execute(update(_users).where(_users.c.user_id == user.user_id).values(**values))
    session.execute(delete(_sessions).where(_sessions.c.user_id == user.user_id))
    return get_user(session, keys=keys, username=username)


@dataclass(frozen=True)
class StoredSession:
    user_id: int
    csrf_token: str
    last_seen_at: datetime
    created_at: datetime


def create_session(
    session: Session, *, token_digest: str, user_id: int, csrf_token: str, now: datetime
) -> None:
    session.execute(_sessions.insert().values(token_digest=token_digest, user_id=user_id,
                                              csrf_token=csrf_token, created_at=now,
                                              last_seen_at=now))


def find_session(session: Session, *, token_digest: str) -> StoredSession | None:
    row = session.execute(
        select(_sessions).where(_sessions.c.token_digest == token_digest)
    ).mappings().first()
    if row is None:
        return None
    last_seen, created = as_utc(row["last_seen_at"]), as_utc(row["created_at"])
    assert last_seen is not None and created is not None
    return StoredSession(row["user_id"], row["csrf_token"], last_seen, created)


def touch_session(session: Session, *, token_digest: str, now: datetime) -> None:
    session.execute(update(_sessions).where(_sessions.c.token_digest == token_digest)
                    .values(last_seen_at=now))


def end_session(session: Session, *, token_digest: str) -> None:
    session.execute(delete(_sessions).where(_sessions.c.token_digest == token_digest))


def get_user_by_id(session: Session, *, keys: KeyRing, user_id: int) -> StoredUser | None:
    row = session.execute(select(_users).where(_users.c.user_id == user_id)).mappings().first()
    return _user(row, keys) if row is not None else None


def source_failures(session: Session, *, source: str) -> tuple[int, datetime | None]:
    """Failed logins from ``source`` and when the last one was."""
    row = session.execute(select(_throttle.c.failures, _throttle.c.last_failure_at)
                          .where(_throttle.c.source == source[:64])).first()
    return (0, None) if row is None else (int(row[0]), as_utc(row[1]))


def record_failed_login(session: Session, *, source: str, now: datetime,
                        forget_before: datetime) -> None:
    """One more failure from ``source`` (its count restarts after a quiet period)."""
    failures, last = source_failures(session, source=source)
    count = 1 if last is None or last < forget_before else failures + 1
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(_throttle).values(source=source[:64], failures=count,
                                         last_failure_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[_throttle.c.source],
        set_={"failures": count, "last_failure_at": now}))


class _Audited:
    def __init__(self, session: Session, keys: KeyRing) -> None:
        self.session, self.keys = session, keys

    def append_audit(self, event: AuditEvent, *, now: datetime) -> None:
        append_audit(self.session, key=self.keys.audit_key, event=event, now=now)


class SqlUserStore(_Audited):
    """The security service's user store over the caller's session."""

    def list_users(self) -> list[StoredUser]:
        return list_users(self.session, keys=self.keys)

    def get_user(self, username: str) -> StoredUser:
        return get_user(self.session, keys=self.keys, username=username)

    def add_user(self, *, username: str, role: Role, password: str, state: str | None,
                 totp_secret: str | None, now: datetime) -> None:
        add_user(self.session, keys=self.keys, username=username, role=role, password=password,
                 state=state, totp_secret=totp_secret, now=now)

    def reset_credentials(self, *, username: str, password: str,
                          totp_secret: str | None) -> None:
        reset_credentials(self.session, keys=self.keys, username=username, password=password,
                          totp_secret=totp_secret)

    def set_disabled(self, *, username: str, disabled: bool) -> None:
        set_disabled(self.session, username=username, disabled=disabled)


class SqlSealedValues(_Audited):
    """Every encrypted value of the database, for the security service's key rotation."""

    def __init__(self, session: Session, keys: KeyRing) -> None:
        super().__init__(session, keys)
        bind_keys(session, keys)  # rows opened while sealing leftovers use these keys

    @property
    def active_key(self) -> str:
        return self.keys.active

    def seal_leftovers(self) -> int:
        return seal_leftovers(self.session, keys=self.keys)

    def reencrypt_to_active(self) -> int:
        return reencrypt_values(self.session, keys=self.keys)
