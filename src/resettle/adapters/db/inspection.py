"""Look at a whole database: row counts and a content digest (crash and rollback tests, checks)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine, MetaData, select

from resettle.adapters.db.sealing import EVENTS, SEALED_COLUMNS, context, event_context
from resettle.security.crypto import KeyRing


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table, for every table the database actually has."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: len(connection.execute(select(table)).all())
            for name, table in sorted(metadata.tables.items())
        }


def digest_database(
    engine: Engine, tables: Collection[str] | None = None, *, keys: KeyRing | None = None
) -> str:
    """SHA-256 of every row of every table (or of ``tables``), in a stable order: equal
    digests, equal data.

    With ``keys``, encrypted values are hashed decrypted: two databases holding the same data
    then have the same digest although every encryption draws a fresh nonce. Without, the
    ciphertexts themselves are hashed (the same database before and after: any change shows).
    """
    metadata = MetaData()
    metadata.reflect(engine)
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if tables is not None and name not in tables:
                continue
            digest.update(f"table {name}\n".encode())
            rows = [
                json.dumps(_opened(name, dict(row), keys), sort_keys=True, default=str)
                for row in connection.execute(select(table)).mappings()
            ]
            for line in sorted(rows):
                digest.update(line.encode())
                digest.update(b"\n")
    return digest.hexdigest()


def _opened(table: str, row: dict[str, Any], keys: KeyRing | None) -> dict[str, Any]:
    if keys is not None and table == EVENTS and row["reason_enc"] is not None:
        row["reason_enc"] = keys.decrypt(row["reason_enc"],
                                         context=event_context(row["case_id"], row["sequence"]))
    for spec in SEALED_COLUMNS:
        if keys is not None and spec.table == table and row[spec.column] is not None:
            row[spec.column] = keys.decrypt(
                row[spec.column], context=context(table, spec.field, row[spec.key]))
    return row
