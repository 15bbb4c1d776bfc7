"""The data and audit keys the test suite writes with (a deployment keeps its own in the
environment or a key file, never in the database)."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pyotp

DATA_KEY = base64.b64encode(b"w" * 32).decode()
AUDIT_KEY = base64.b64encode(b"a" * 32).decode()


def key_env() -> dict[str, str]:
    return {"RESETTLE_DATA_KEYS": f"k1={DATA_KEY}", "RESETTLE_AUDIT_KEY": AUDIT_KEY}


_USED_TOTP_STEPS: dict[str, int] = {}


def next_totp(secret: str) -> str:
    """A TOTP code this test process has not used yet: the server accepts each code once
    (security finding 8), and a test may log the same user in twice within 30 seconds. The
    server allows one step of drift, so the next step's code serves; beyond, wait for it."""
    totp = pyotp.TOTP(secret)
    while True:
        current = totp.timecode(datetime.now(UTC))
        for step in (current, current + 1):
            if step > _USED_TOTP_STEPS.get(secret, -1):
                _USED_TOTP_STEPS[secret] = step
                return str(totp.generate_otp(step))
        time.sleep(1)
