"""The data and audit keys the test suite writes with (a deployment keeps its own in the
environment or a key file, never in the database)."""

from __future__ import annotations

import base64

DATA_KEY = base64.b64encode(b"w" * 32).decode()
AUDIT_KEY = base64.b64encode(b"a" * 32).decode()


def key_env() -> dict[str, str]:
    return {"RESETTLE_DATA_KEYS": f"k1={DATA_KEY}", "RESETTLE_AUDIT_KEY": AUDIT_KEY}
