"""Field encryption (AES-GCM with key ids and context) and authentication rules."""

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resettle.security.auth import (
    AuthSettings,
    accepted_totp_step,
    hash_password,
    is_idle_expired,
    is_past_lifetime,
    login_delay,
    new_totp_secret,
    seconds_to_wait,
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


def test_failures_slow_their_source_more_and_more_up_to_a_limit() -> None:
    settings = AuthSettings(free_failures=3, max_delay=timedelta(minutes=15))
    delays = [login_delay(n, settings).total_seconds() for n in range(12)]
    assert delays[:3] == [0, 0, 0]
    assert delays[3:8] == [1, 2, 4, 8, 16]
    assert login_delay(10_000, settings) == settings.max_delay
    assert seconds_to_wait(5, NOW, NOW + timedelta(seconds=1), settings) == 3
    assert seconds_to_wait(5, NOW, NOW + timedelta(seconds=5), settings) == 0
    assert seconds_to_wait(50, NOW, NOW + settings.failure_memory * 2, settings) == 0


def test_session_lifetime() -> None:
    settings = AuthSettings()
    assert not is_past_lifetime(NOW, NOW + timedelta(hours=11), settings)
    assert is_past_lifetime(NOW, NOW + timedelta(hours=12, seconds=1), settings)


def test_a_totp_code_is_accepted_once_and_never_after_a_later_one() -> None:
    secret = new_totp_secret()
    step = accepted_totp_step(secret, totp_now(secret, NOW), NOW)
    assert step is not None
    assert accepted_totp_step(secret, totp_now(secret, NOW), NOW, last_step=step) is None
    earlier = totp_now(secret, NOW - timedelta(seconds=30))
    assert accepted_totp_step(secret, earlier, NOW, last_step=step) is None
    later = NOW + timedelta(seconds=30)
    assert accepted_totp_step(secret, totp_now(secret, later), later, last_step=step) == step + 1


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
