"""Authentication rules: argon2 password hashes, lockout, idle timeout, TOTP, opaque tokens.

Pure functions over plain values; the web adapter stores users and sessions in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from resettle.core.issues import Issue

_HASHER = PasswordHasher()
# A hash of a random password, checked when the user does not exist, so that a wrong username
# and a wrong password take the same time.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class AuthSettings:
    # Failed logins slow their source (client address), never lock an account: the first
    # ``free_failures`` cost nothing, then each waits twice as long, up to ``max_delay``;
    # a source's failures are forgotten ``failure_memory`` after its last one.
    free_failures: int = 4
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    failure_memory: timedelta = timedelta(hours=1)
    idle_timeout: timedelta = timedelta(minutes=30)
    session_lifetime: timedelta = timedelta(hours=12)
    totp_issuer: str = "resettle"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_issues(password: str) -> list[Issue]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [Issue("weak_password", f"use at least {MIN_PASSWORD_LENGTH} characters",
                      field="password")]
    return []


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """An account lock from before per-source delays (logins no longer set one; `resettle
    users reset` clears it)."""
    return locked_until is not None and now < locked_until


def login_delay(failures: int, settings: AuthSettings) -> timedelta:
    """How long a source waits after its last failure, having failed ``failures`` times."""
    if failures < settings.free_failures:
        return timedelta(0)
    doublings = min(failures - settings.free_failures, 20)
    delay: timedelta = settings.first_delay * 2**doublings
    return min(delay, settings.max_delay)


def seconds_to_wait(failures: int, last_failure: datetime | None, now: datetime,
                    settings: AuthSettings) -> int:
    """Whole seconds before the source may try again (0: now)."""
    if last_failure is None or now - last_failure > settings.failure_memory:
        return 0
    left = last_failure + login_delay(failures, settings) - now
    return max(0, math.ceil(left.total_seconds()))


def is_idle_expired(last_seen: datetime, now: datetime, settings: AuthSettings) -> bool:
    return now - last_seen > settings.idle_timeout


def is_past_lifetime(created: datetime, now: datetime, settings: AuthSettings) -> bool:
    """A session lasts at most ``session_lifetime`` from login, however often it is used."""
    return now - created > settings.session_lifetime


def new_totp_secret() -> str:
    return str(pyotp.random_base32())


def verify_totp(secret: str, code: str, now: datetime) -> bool:
    return accepted_totp_step(secret, code, now) is not None


def accepted_totp_step(secret: str, code: str, now: datetime,
                       last_step: int | None = None) -> int | None:
    """The time step ``code`` belongs to (one step of clock drift either way), if it is valid
    and later than ``last_step``, the step of the user's last accepted code: a code works
    once, and never after a later one."""
    cleaned = code.replace(" ", "")
    if not cleaned.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(str(totp.generate_otp(step)), cleaned) and (
                last_step is None or step > last_step):
            return int(step)
    return None


def totp_now(secret: str, now: datetime) -> str:
    return str(pyotp.TOTP(secret).at(now))


def totp_uri(secret: str, username: str, settings: AuthSettings) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=username,
                                                   issuer_name=settings.totp_issuer))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Sessions are stored by digest: a copy of the database does not let anyone log in."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def tokens_match(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
