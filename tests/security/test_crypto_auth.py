"""Field encryption (AES-GCM with key ids and context) and authentication rules."""

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resettle.security.auth import (
    AuthSettings,
    after_failed_login,
    hash_password,
    is_idle_expired,
    is_locked,
    new_totp_secret,
    totp_now,
    verify_password,
    verify_totp,
)
from resettle.security.crypto import (
    KeyProblemError,
    add_key_to_file,
    generate_key_file,
    load_keyring,
)

NOW = datetime(2013, 5, 15, 9, 0, tzinfo=UTC)


def test_round_trip_and_context_binding(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    generate_key_file(path)
    ring = load_keyring({"RESETTLE_KEY_FILE": str(path)})
    token = ring.encrypt("ضرب و شتم در زندان", context="case_notes:text:1")
    assert "زندان" not in token and token.startswith("v1:k1:")
    assert ring.decrypt(token, context="case_notes:text:1") == "ضرب و شتم در زندان"
    with pytest.raises(KeyProblemError):
        ring.decrypt(token, context="case_notes:text:2")  # copied onto another record


def test_rotation_keeps_old_values_readable(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    generate_key_file(path)
    old = load_keyring({"RESETTLE_KEY_FILE": str(path)}).encrypt("x", context="c")
    assert add_key_to_file(path) == "k2"
    ring = load_keyring({"RESETTLE_KEY_FILE": str(path)})
    assert ring.active == "k2" and ring.decrypt(old, context="c") == "x"
    assert ring.key_id_of(ring.encrypt("y", context="c")) == "k2"
    content = json.loads(path.read_text())
    del content["data_keys"]["k1"]
    path.write_text(json.dumps(content))
    with pytest.raises(KeyProblemError, match="k1"):
        load_keyring({"RESETTLE_KEY_FILE": str(path)}).decrypt(old, context="c")


def test_tampered_ciphertext_is_refused(tmp_path: Path) -> None:
    key = base64.b64encode(b"a" * 32).decode()
    ring = load_keyring({"RESETTLE_DATA_KEYS": f"k9={key}", "RESETTLE_AUDIT_KEY": key})
    token = ring.encrypt("secret", context="c")
    prefix, key_id, body = token.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(KeyProblemError):
        ring.decrypt(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}", context="c")


def test_missing_keys_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KeyProblemError, match="keys init"):
        load_keyring({"RESETTLE_KEY_FILE": str(tmp_path / "none.json")})


def test_passwords() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong")
    assert not verify_password(None, "anything")


def test_lockout_after_repeated_failures() -> None:
    settings = AuthSettings(max_failed_logins=3)
    failed, until = 0, None
    for _ in range(2):
        failed, until = after_failed_login(failed, NOW, settings)
        assert until is None
    failed, until = after_failed_login(failed, NOW, settings)
    assert until == NOW + settings.lockout
    assert is_locked(until, NOW + timedelta(minutes=1))
    assert not is_locked(until, NOW + settings.lockout + timedelta(seconds=1))


def test_idle_timeout() -> None:
    settings = AuthSettings()
    assert not is_idle_expired(NOW, NOW + timedelta(minutes=29), settings)
    assert is_idle_expired(NOW, NOW + timedelta(minutes=31), settings)


def test_totp() -> None:
    secret = new_totp_secret()
    code = totp_now(secret, NOW)
    assert verify_totp(secret, code, NOW)
    assert verify_totp(secret, code, NOW + timedelta(seconds=30))  # one step of clock drift
    assert not verify_totp(secret, code, NOW + timedelta(minutes=5))
    assert not verify_totp(secret, "abc", NOW)
