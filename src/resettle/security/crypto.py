"""Encryption at rest of the most sensitive fields: AES-256-GCM, keys kept outside the database.

A ciphertext reads ``v1:<key id>:<base64(nonce || ciphertext+tag)>``. The key id lets old
values stay readable after a new key becomes active (rotation, see docs/security.md). The
associated data binds a value to where it lives (table, column, record id), so a ciphertext
copied onto another record does not decrypt.

Keys come from ``RESETTLE_DATA_KEYS`` (``id=base64key,...``, the first is active) and
``RESETTLE_AUDIT_KEY``, or from a JSON key file named by ``RESETTLE_KEY_FILE``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Defined in the catalogue; importable from here too, beside the keys it is about.
from resettle.errors import KeyProblemError as KeyProblemError  # noqa: PLC0414

PREFIX = "v1"
NONCE_BYTES = 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class KeyRing:
    data_keys: Mapping[str, bytes]  # key id -> 32-byte AES key
    active: str
    audit_key: bytes

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.data_keys[self.active]).encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        return f"{PREFIX}:{self.active}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, key_id, body = token.split(":", 2)
            raw = base64.b64decode(body)
        except ValueError as error:
            raise KeyProblemError("a stored value is not a resettle ciphertext") from error
        if prefix != PREFIX or key_id not in self.data_keys:
            raise KeyProblemError(
                f"no key '{key_id}' to decrypt a stored value; add the retired key back to "
                "RESETTLE_DATA_KEYS or the key file until rotation has finished"
            )
        try:
            plain = AESGCM(self.data_keys[key_id]).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")
            )
        except InvalidTag as error:
            raise KeyProblemError(
                "a stored value fails its integrity check: it was altered"
            ) from error
        return plain.decode("utf-8")

    def key_id_of(self, token: str) -> str:
        return token.split(":", 2)[1]


def generate_key_file(path: Path) -> None:
    """Write a fresh key file readable by its owner only."""
    content = {
        "data_keys": {"k1": _b64(AESGCM.generate_key(bit_length=256))},
        "active": "k1",
        "audit_key": _b64(secrets.token_bytes(32)),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)


def add_key_to_file(path: Path) -> str:
    """Add a new data key and make it active; old keys stay to decrypt old values."""
    content = json.loads(path.read_text(encoding="utf-8"))
    number = 1 + max(int(k.lstrip("k") or 0) for k in content["data_keys"])
    key_id = f"k{number}"
    content["data_keys"] = {key_id: _b64(AESGCM.generate_key(bit_length=256)),
                            **content["data_keys"]}
    content["active"] = key_id
    path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return key_id


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as error:
        raise KeyProblemError(f"{what} is not base64") from error
    if len(key) != 32:
        raise KeyProblemError(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return key


def keyring_from_mapping(content: Mapping[str, object]) -> KeyRing:
    keys_raw = content.get("data_keys")
    if not isinstance(keys_raw, dict) or not keys_raw:
        raise KeyProblemError("the key file has no data_keys")
    keys = {str(k): _decode_key(str(v), f"data key {k}") for k, v in keys_raw.items()}
    active = str(content.get("active") or next(iter(keys)))
    if active not in keys:
        raise KeyProblemError(f"the active key '{active}' is not among the data keys")
    audit = _decode_key(str(content.get("audit_key", "")), "the audit key")
    return KeyRing(keys, active, audit)


def load_keyring(environ: Mapping[str, str] | None = None) -> KeyRing:
    """Keys from the environment, else from the key file; never from the database."""
    env = os.environ if environ is None else environ
    if env.get("RESETTLE_DATA_KEYS"):
        pairs = [item.split("=", 1) for item in env["RESETTLE_DATA_KEYS"].split(",") if item]
        content: dict[str, object] = {
            "data_keys": {k.strip(): v.strip() for k, v in pairs},
            "active": pairs[0][0].strip(),
            "audit_key": env.get("RESETTLE_AUDIT_KEY", ""),
        }
        return keyring_from_mapping(content)
    path = Path(env.get("RESETTLE_KEY_FILE", "resettle-keys.json"))
    if not path.exists():
        raise KeyProblemError(
            f"no encryption keys: set RESETTLE_KEY_FILE or RESETTLE_DATA_KEYS, or run "
            f"`resettle keys init --file {path}`"
        )
    return keyring_from_mapping(json.loads(path.read_text(encoding="utf-8")))
