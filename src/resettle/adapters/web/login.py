"""Logging in and out: password, lockout, second factor, session and CSRF tokens."""

from __future__ import annotations

from dataclasses import dataclass

from resettle.adapters.db.security.store import (
    create_session,
    end_session,
    find_user,
    set_login_state,
)
from resettle.adapters.web.guards import Ctx
from resettle.security.auth import (
    after_failed_login,
    is_locked,
    new_token,
    token_digest,
    verify_password,
    verify_totp,
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


def log_in(ctx: Ctx, *, username: str, password: str, totp_code: str = "") -> LoginResult:
    """Never raises on bad credentials, so the failure count and audit entry commit."""
    user = find_user(ctx.session, keys=ctx.config.keys, username=username)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or user.disabled:
        ctx.audit("login", outcome="failed", detail="unknown or disabled account")
        return LoginResult(False, FAILED)
    if is_locked(user.locked_until, ctx.now):
        ctx.audit("login", subject_type="user", subject_id=user.username, outcome="locked")
        return LoginResult(False, "too many failed attempts: this account is locked for a "
                           "while; try again later or ask an administrator to reset it")
    second_ok = not needs_second_factor(user.role) or (
        user.totp_secret is not None and verify_totp(user.totp_secret, totp_code, ctx.now)
    )
    if not (password_ok and second_ok):
        failed, locked_until = after_failed_login(user.failed_logins, ctx.now, ctx.config.auth)
        set_login_state(ctx.session, user_id=user.user_id, failed_logins=failed,
                        locked_until=locked_until)
        ctx.audit("login", subject_type="user", subject_id=user.username, outcome="failed",
                  detail="account locked" if locked_until else "")
        return LoginResult(False, FAILED)
    set_login_state(ctx.session, user_id=user.user_id, failed_logins=0, locked_until=None,
                    logged_in_at=ctx.now)
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
