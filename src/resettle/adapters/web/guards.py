"""Every route declares its policy by depending on a :class:`Guard`; deny by default.

A guard opens the request's one database transaction, finds the logged-in user (session
cookie, idle timeout), checks the CSRF token of every unsafe request, and asks the
authorization tables whether the action is granted. What the route then does, and the audit
entries it writes, commit together or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from resettle.adapters.db.audit_store import append_audit
from resettle.adapters.db.user_store import (
    find_session,
    get_user_by_id,
    touch_session,
)
from resettle.adapters.web.config import SESSION_COOKIE, TOUCH_EVERY_SECONDS, WebConfig
from resettle.errors import AuthenticationError, PermissionDeniedError
from resettle.security.audit import AuditEvent
from resettle.security.auth import is_idle_expired, token_digest, tokens_match
from resettle.security.policy import Action, Principal, authorize

# Serialises this process's read-audit write transactions on SQLite (see Ctx.audit).
_AUDIT_WRITES = threading.Lock()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def utcnow() -> datetime:
    return datetime.now(UTC)


def config_of(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request: the work and its audit entries commit together."""
    with config_of(request).sessions() as session:
        try:
            if request.method not in SAFE_METHODS and session.get_bind().dialect.name == \
                    "sqlite":
                # A change takes SQLite's write lock before it reads anything (as BEGIN
                # IMMEDIATE would): upgrading a read snapshot later can fail under load.
                session.execute(text("UPDATE audit_head SET seq = seq WHERE head_id = 1"))
            yield session
            pending = getattr(request.state, "pending_touch", None)
            if pending is not None:
                session.commit()  # end the read snapshot first (see Ctx.audit)
                touch_session(session, token_digest=pending[0], now=pending[1])
        except BaseException:
            session.rollback()
            raise
        session.commit()


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with an unsafe request: header (API) or form field (pages)."""
    if request.method in SAFE_METHODS:
        return None
    if header := request.headers.get(CSRF_HEADER):
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


@dataclass
class Ctx:
    """What a route works with: the transaction, who acts, the keys and the time."""

    session: Session
    principal: Principal | None
    config: WebConfig
    now: datetime
    csrf_token: str = ""
    # SQLite in WAL mode cannot turn a read transaction into a write once another writer has
    # committed (SQLITE_BUSY_SNAPSHOT), and taking the write lock for a whole read would make
    # every reader wait. So on SQLite a read request ends its read transaction, then writes
    # its audit entry in a short write transaction on the same connection, committed before
    # the response is sent. Changes (and everything on PostgreSQL) keep work and audit entry
    # in one transaction.
    split_reads: bool = False
    _split_done: bool = False

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise AuthenticationError("log in first")
        return self.principal

    def audit(
        self, action: str, *, subject_type: str = "", subject_id: str = "", outcome: str = "ok",
        detail: str = "",
    ) -> None:
        who = self.principal
        event = AuditEvent(actor=who.username if who else "anonymous",
                           role=str(who.role) if who else "", action=action,
                           subject_type=subject_type, subject_id=subject_id, outcome=outcome,
                           detail=detail)
        if not self.split_reads:
            append_audit(self.session, key=self.config.keys.audit_key, event=event, now=self.now)
            return
        if not self._split_done:
            self.session.commit()
            self._split_done = True
        # One writer at a time inside this process: threads queue on this lock and wake as
        # soon as it is free, instead of polling SQLite's write lock with the busy handler's
        # sleeps (up to 100 ms each). Committing at once holds the write lock only for the
        # three audit statements, not while the page is built.
        with _AUDIT_WRITES:
            append_audit(self.session, key=self.config.keys.audit_key, event=event, now=self.now)
            self.session.commit()


def _splits_reads(request: Request, session: Session) -> bool:
    return request.method in SAFE_METHODS and session.get_bind().dialect.name == "sqlite"


def _principal(request: Request, session: Session, config: WebConfig,
               now: datetime) -> tuple[Principal, str]:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("log in first")
    digest = token_digest(token)
    stored = find_session(session, token_digest=digest)
    if stored is None:
        raise AuthenticationError("your session has ended; log in again")
    if is_idle_expired(stored.last_seen_at, now, config.auth):
        # The row stays until logout or cleanup; it can never pass this check again.
        raise AuthenticationError("you were logged out after a period of inactivity; log in "
                                  "again")
    user = get_user_by_id(session, keys=config.keys, user_id=stored.user_id)
    if user is None or user.disabled:
        raise AuthenticationError("this account is disabled; ask an administrator")
    if (now - stored.last_seen_at).total_seconds() > TOUCH_EVERY_SECONDS:
        if _splits_reads(request, session):
            request.state.pending_touch = (digest, now)
        else:
            touch_session(session, token_digest=digest, now=now)
    return user.principal, stored.csrf_token


class Guard:
    """A route's policy: public, any logged-in user, or one action of the authorization table."""

    def __init__(self, kind: str, action: Action | None = None) -> None:
        self.kind = kind
        self.action = action

    def __repr__(self) -> str:
        return f"Guard({self.kind}, {self.action})"

    def __call__(
        self,
        request: Request,
        # scope="function": commit before the response is sent, so a client that sees success
        # (or follows the login redirect) always finds the work, and its audit entry, stored.
        session: Annotated[Session, Depends(db_session, scope="function")],
        csrf: Annotated[str | None, Depends(submitted_csrf)],
    ) -> Ctx:
        config, now = config_of(request), utcnow()
        split = _splits_reads(request, session)
        if self.kind == "public":
            return Ctx(session, None, config, now, split_reads=split)
        principal, csrf_token = _principal(request, session, config, now)
        request.state.principal = principal
        if request.method not in SAFE_METHODS and not tokens_match(csrf_token, csrf):
            raise PermissionDeniedError("missing or wrong CSRF token; reload the page and retry",
                                        code="csrf_failed")
        if self.action is not None:
            authorize(principal, self.action)
        return Ctx(session, principal, config, now, csrf_token, split_reads=split)


def public() -> Guard:
    return Guard("public")


def logged_in() -> Guard:
    return Guard("authenticated")


def allowed(action: Action) -> Guard:
    return Guard("action", action)
