"""Authentication rules: argon2 password hashes, lockout, idle timeout, TOTP, opaque tokens.

Pure functions over plain values; the web adapter stores users and sessions in the database.
"""

from __future__ import annotations

import hashlib
import hmac
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
    max_failed_logins: int = 5
    lockout: timedelta = timedelta(minutes=15)
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
    return locked_until is not None and now < locked_until


def after_failed_login(
    failed_count: int, now: datetime, settings: AuthSettings
) -> tuple[int, datetime | None]:
    """New (failed count, locked until) after one more failure."""
    failed = failed_count + 1
    if failed >= settings.max_failed_logins:
        return 0, now + settings.lockout
    return failed, None


def is_idle_expired(last_seen: datetime, now: datetime, settings: AuthSettings) -> bool:
    return now - last_seen > settings.idle_timeout


def is_past_lifetime(created: datetime, now: datetime, settings: AuthSettings) -> bool:
    """A session lasts at most ``session_lifetime`` from login, however often it is used."""
    return now - created > settings.session_lifetime


def new_totp_secret() -> str:
    return str(pyotp.random_base32())


def verify_totp(secret: str, code: str, now: datetime) -> bool:
    cleaned = code.replace(" ", "")
    if not cleaned.isdigit():
        return False
    return bool(pyotp.TOTP(secret).verify(cleaned, for_time=now, valid_window=1))


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
