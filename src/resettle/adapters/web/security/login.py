"""Logging in and out: password, lockout, second factor, session and CSRF tokens."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from resettle.adapters.db.security.store import (
    create_session,
    end_session,
    find_user,
    record_failed_login,
    set_login_state,
    source_failures,
)
from resettle.adapters.web.guards import Ctx
from resettle.security.auth import (
    accepted_totp_step,
    new_token,
    seconds_to_wait,
    token_digest,
    verify_password,
)
from resettle.security.policy import Role, needs_second_factor

FAILED = "wrong username, password or one-time code"


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str = ""
    token: str = ""
    csrf_token: str = ""
    username: str = ""
    role: Role | None = None
    retry_after: int = 0  # seconds the source waits (too many failures), else 0


def client_source(request: Request) -> str:
    """Where a login comes from: the client's address (behind a proxy, run uvicorn with
    --forwarded-allow-ips so that it is the real client's, from X-Forwarded-For)."""
    return request.client.host if request.client is not None else "unknown"


def log_in(ctx: Ctx, *, username: str, password: str, totp_code: str = "",
           source: str = "unknown") -> LoginResult:
    """Never raises on bad credentials, so the failure count and audit entry commit.

    Failures slow their source (the client's address), never lock the account, and every
    failure gets the same answer whether the username exists or not.
    """
    auth = ctx.config.auth
    failures, last = source_failures(ctx.session, source=source)
    if wait := seconds_to_wait(failures, last, ctx.now, auth):
        # Trying again while told to wait counts as a failure too: hammering only lengthens it.
        record_failed_login(ctx.session, source=source, now=ctx.now,
                            forget_before=ctx.now - auth.failure_memory)
        ctx.audit("login", outcome="delayed", detail=f"{failures} failures from the source")
        return LoginResult(False, f"too many failed logins from your address; wait {wait} "
                           "seconds and try again", retry_after=wait)
    user = find_user(ctx.session, keys=ctx.config.keys, username=username)
    password_ok = verify_password(user.password_hash if user else None, password)
    step = None
    if user is not None and needs_second_factor(user.role) and user.totp_secret is not None:
        step = accepted_totp_step(user.totp_secret, totp_code, ctx.now, user.totp_last_step)
    second_ok = user is not None and (not needs_second_factor(user.role) or step is not None)
    if user is None or user.disabled or not (password_ok and second_ok):
        record_failed_login(ctx.session, source=source, now=ctx.now,
                            forget_before=ctx.now - auth.failure_memory)
        if user is None or user.disabled:
            ctx.audit("login", outcome="failed", detail="unknown or disabled account")
        else:
            set_login_state(ctx.session, user_id=user.user_id,
                            failed_logins=user.failed_logins + 1, locked_until=None)
            ctx.audit("login", subject_type="user", subject_id=user.username,
                      outcome="failed")
        return LoginResult(False, FAILED)
    set_login_state(ctx.session, user_id=user.user_id, failed_logins=0, locked_until=None,
                    logged_in_at=ctx.now, totp_step=step)
    token, csrf = new_token(), new_token()
    create_session(ctx.session, token_digest=token_digest(token), user_id=user.user_id,
                   csrf_token=csrf, now=ctx.now)
    ctx.principal = user.principal
    ctx.audit("login", subject_type="user", subject_id=user.username)
    return LoginResult(True, "", token, csrf, user.username, user.role)


def log_out(ctx: Ctx, token: str | None) -> None:
    if token:
        end_session(ctx.session, token_digest=token_digest(token))
    ctx.audit("logout", subject_type="user", subject_id=ctx.user.username)
