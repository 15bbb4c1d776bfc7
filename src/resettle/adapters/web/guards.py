"""Every route declares its policy by depending on a :class:`Guard`; deny by default.

A guard opens the request's one database transaction, finds the logged-in user (session
cookie, idle timeout), checks the CSRF token of every unsafe request, and asks the
authorization tables whether the action is granted. What the route then does, and the audit
entries it writes, commit together or not at all — reads of personal data included.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import WRITE_INTENT
from resettle.adapters.db.security.audit_store import append_audit
from resettle.adapters.db.security.store import (
    find_session,
    get_user_by_id,
    touch_session,
)
from resettle.adapters.db.writer_lock import WriterLock
from resettle.adapters.web.config import SESSION_COOKIE, TOUCH_EVERY_SECONDS, WebConfig
from resettle.core.issues import Issue
from resettle.errors import AuthenticationError, PermissionDeniedError, ValidationError
from resettle.security.audit import AuditEvent
from resettle.security.auth import is_idle_expired, is_past_lifetime, token_digest, tokens_match
from resettle.security.policy import Permission, Principal, authorize

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# Routes of these actions show aggregates only and write no audit entry: they need not queue
# for the write lock. Every other guarded action reads personal data and audits it.
AGGREGATE_ACTIONS = frozenset({Permission.DASHBOARD_VIEW, Permission.FORECAST_VIEW})
AUDIT_IDS_PER_ENTRY = 200


def utcnow() -> datetime:
    return datetime.now(UTC)


def config_of(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


class Writing:
    """Whether this request's transaction may write, and the lock that lets it.

    SQLite in WAL mode cannot turn a read transaction into a write once another writer has
    committed (SQLITE_BUSY_SNAPSHOT). So a request that will write — a change, or a read of
    personal data with its audit entry — takes the write lock *before* its first statement
    (the writer lock, then BEGIN IMMEDIATE), and work and audit entry share one transaction.
    On PostgreSQL the audit head's row lock orders writers and nothing is taken here.
    """

    def __init__(self, session: Session, lock: WriterLock | None) -> None:
        self.session = session
        self.lock = lock
        self.held = False

    @property
    def ready(self) -> bool:
        return self.lock is None or self.held

    def begin(self) -> None:
        """Start a writing transaction; only when none is open (nothing read yet)."""
        if self.ready:
            return
        if self.session.in_transaction():
            raise RuntimeError("this route reads before it writes on SQLite: give its guard "
                               "writes=True (see guards.Writing)")
        assert self.lock is not None
        self.lock.acquire()
        self.held = True
        self.session.connection(execution_options={WRITE_INTENT: True})

    def pause(self) -> None:
        """Commit and let other writers go, before long work outside the database."""
        self.session.commit()
        self.end()

    def end(self) -> None:
        if self.held and self.lock is not None:
            self.held = False
            self.lock.release()


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request: the work and its audit entries commit together."""
    config = config_of(request)
    with config.sessions() as session:
        writing = Writing(session, config.writer_lock)
        request.state.writing = writing
        try:
            yield session
            session.commit()
            writing.end()
            if pending := getattr(request.state, "pending_touch", None):
                writing.begin()
                touch_session(session, token_digest=pending[0], now=pending[1])
                session.commit()
        except BaseException:
            session.rollback()
            writing.end()
            _keep_denials(request, session, writing)
            raise
        finally:
            writing.end()


def _keep_denials(request: Request, session: Session, writing: Writing) -> None:
    """A refused request's work rolls back; the record that it was refused must not."""
    ctx: Ctx | None = getattr(request.state, "ctx", None)
    if ctx is None or not ctx.denials:
        return
    writing.begin()
    for event in ctx.denials:
        append_audit(session, key=ctx.config.keys.audit_key, event=event, now=ctx.now)
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


NUL_REFUSED = ValidationError([Issue("control_character", "the request holds an invisible NUL "
                                     "character; remove it and try again")])


async def refuse_nul_input(request: Request) -> None:
    """No text in a query, form or JSON body may hold a NUL character: no database stores it,
    and SQLite's full-text search raised on it. (The engine refuses it too: this answers
    before any work, and for sealed text, which never reaches the database in clear.)"""
    if any("\x00" in key + value for key, value in request.query_params.multi_items()):
        raise NUL_REFUSED
    content_type = request.headers.get("content-type", "")
    if request.method in SAFE_METHODS:
        return
    if content_type.startswith("application/json"):
        body = await request.body()
        if b"\x00" in body or b"\\u0000" in body:
            raise NUL_REFUSED
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        if any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
            raise NUL_REFUSED


@dataclass
class Ctx:
    """What a route works with: the transaction, who acts, the keys and the time."""

    session: Session
    principal: Principal | None
    config: WebConfig
    now: datetime
    csrf_token: str = ""
    writing: Writing | None = None
    denials: list[AuditEvent] = field(default_factory=list)

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise AuthenticationError("log in first")
        return self.principal

    def audit(
        self, action: str, *, subject_type: str = "", subject_id: str = "", outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Append an entry in this request's transaction (kept even if the request fails,
        when it records a refusal)."""
        who = self.principal
        event = AuditEvent(actor=who.username if who else "anonymous",
                           role=str(who.role) if who else "", action=action,
                           subject_type=subject_type, subject_id=subject_id, outcome=outcome,
                           detail=detail)
        if self.writing is not None:
            self.writing.begin()
        append_audit(self.session, key=self.config.keys.audit_key, event=event, now=self.now)
        if outcome == "denied":
            self.denials.append(event)

    def audit_cases(self, action: str, case_ids: Sequence[str]) -> None:
        """Name every case a read or change concerned, in entries of at most
        ``AUDIT_IDS_PER_ENTRY`` ids (one entry per case would make a 100,000-case import
        100,000 entries)."""
        for start in range(0, len(case_ids), AUDIT_IDS_PER_ENTRY):
            chunk = case_ids[start:start + AUDIT_IDS_PER_ENTRY]
            self.audit(action, subject_type="case",
                       subject_id=chunk[0] if len(chunk) == 1 else "",
                       detail="cases " + " ".join(chunk))

    def begin_writing(self) -> None:
        """Take the write lock now (routes guarded by ``allowed_parsing_first``)."""
        if self.writing is not None:
            self.writing.begin()

    def pause_writing(self) -> None:
        """Commit what is done and release the write lock before long work elsewhere."""
        if self.writing is not None:
            self.writing.pause()
        else:
            self.session.commit()


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
    if is_past_lifetime(stored.created_at, now, config.auth):
        raise AuthenticationError("your session reached its maximum length; log in again")
    user = get_user_by_id(session, keys=config.keys, user_id=stored.user_id)
    if user is None or user.disabled:
        raise AuthenticationError("this account is disabled; ask an administrator")
    if (now - stored.last_seen_at).total_seconds() > TOUCH_EVERY_SECONDS:
        if request.state.writing.ready:
            touch_session(session, token_digest=digest, now=now)
        else:  # after this request's reads, in a short write transaction of its own
            request.state.pending_touch = (digest, now)
    return user.principal, stored.csrf_token


class Guard:
    """A route's policy: public, any logged-in user, or one action of the authorization table.

    ``writes``: the route writes (an audit entry counts), so on SQLite its transaction takes
    the write lock first. Unsafe methods always write; so do reads of personal data.
    """

    def __init__(self, kind: str, action: Permission | None = None, *,
                 writes: bool | None = None, parse_first: bool = False) -> None:
        self.kind = kind
        self.action = action
        self.parse_first = parse_first
        self.writes = writes if writes is not None else (
            action is not None and action not in AGGREGATE_ACTIONS)

    def __repr__(self) -> str:
        return f"Guard({self.kind}, {self.action})"

    def __call__(
        self,
        request: Request,
        # scope="function": commit before the response is sent, so a client that sees success
        # (or follows the login redirect) always finds the work, and its audit entry, stored.
        session: Annotated[Session, Depends(db_session, scope="function")],
        csrf: Annotated[str | None, Depends(submitted_csrf)],
        _clean: Annotated[None, Depends(refuse_nul_input)],
    ) -> Ctx:
        config, now = config_of(request), utcnow()
        writing: Writing = request.state.writing
        if (self.writes or request.method not in SAFE_METHODS) and not self.parse_first:
            writing.begin()
        ctx = Ctx(session, None, config, now, writing=writing)
        request.state.ctx = ctx
        if self.kind == "public":
            return ctx
        ctx.principal, ctx.csrf_token = _principal(request, session, config, now)
        request.state.principal = ctx.principal
        if request.method not in SAFE_METHODS and not tokens_match(ctx.csrf_token, csrf):
            raise PermissionDeniedError("missing or wrong CSRF token; reload the page and retry",
                                        code="csrf_failed")
        if self.action is not None:
            authorize(ctx.principal, self.action)
        if self.parse_first:  # end the reads above: the route takes the lock after parsing
            session.commit()
        return ctx


def public() -> Guard:
    return Guard("public")


def logged_in(*, writes: bool = False) -> Guard:
    return Guard("authenticated", writes=writes)


def allowed(action: Permission) -> Guard:
    return Guard("action", action)


def allowed_parsing_first(action: Permission) -> Guard:
    """Like :func:`allowed`, for a route that parses a large input (an upload) before it
    touches the database: it calls ``ctx.begin_writing()`` once the input is checked, so
    other users never wait on the write lock while a file is parsed."""
    return Guard("action", action, parse_first=True)
