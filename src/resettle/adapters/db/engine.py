"""Engines and sessions: which database, and how SQLite is set up so it behaves.

The URL comes from the caller, else ``RESETTLE_DATABASE_URL``, else ``sqlite:///resettle.db``
(the embedded database of a field office). PostgreSQL: ``postgresql+psycopg://user@host/db``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.migrate import ensure_schema
from resettle.core.issues import Issue
from resettle.errors import ValidationError

if TYPE_CHECKING:
    from resettle.security.crypto import KeyRing

DEFAULT_DATABASE_URL = "sqlite:///resettle.db"
DATABASE_URL_ENV = "RESETTLE_DATABASE_URL"
# How long a SQLite writer waits for another one before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE = 40
# Session.info entry holding the session's keyring (read by sealing.keys_for).
SESSION_KEYS_INFO = "resettle_keys"


# Execution option: this transaction will write. On SQLite it then takes the write lock at
# BEGIN (waiting up to the busy timeout) instead of failing at its first write when another
# writer committed after it started reading. Other backends ignore it.
WRITE_INTENT = "resettle_write_intent"


def write_session(session_factory: sessionmaker[Session]) -> Session:
    """A session already inside a read-then-write transaction; commit it, or close to undo."""
    session = session_factory()
    session.connection(execution_options={WRITE_INTENT: True})
    return session


def resolve_database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else the environment's, else the embedded default."""
    return url or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def create_database_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (see :func:`resolve_database_url`); does not migrate."""
    resolved = resolve_database_url(url)
    file_sqlite = resolved.startswith("sqlite") and not _is_memory_url(resolved)
    if file_sqlite and "poolclass" not in options:
        # Room for every worker thread of the web server (anyio's pool has 40): SQLite file
        # connections are cheap, and a request must never wait 30 s for one and fail.
        options.setdefault("pool_size", SQLITE_POOL_SIZE)
        options.setdefault("max_overflow", 0)
    # A database error's message must never carry the values of a query (a searched name):
    # it can end in a log.
    options.setdefault("hide_parameters", True)
    engine = create_engine(resolved, **options)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_values)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


# The widest integer both databases store; beyond it SQLite raises OverflowError.
MAX_STORED_INTEGER = 2**63 - 1


def _refuse_unstorable_values(_connection: Any, _cursor: Any, _statement: str,
                              parameters: Any, _context: Any, executemany: bool) -> None:
    """Values no database takes (a NUL character; an integer beyond 64 bits) are refused as
    bad input before they reach the driver, whatever path they came by: one place instead
    of a check on every field, and the same answer on SQLite and PostgreSQL."""
    rows = parameters if executemany else (parameters,)
    for row in rows:
        values = row.values() if isinstance(row, dict) else row or ()
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                raise ValidationError([Issue("control_character", "a value holds an invisible "
                                             "NUL character; remove it and try again")])
            if isinstance(value, int) and not -MAX_STORED_INTEGER <= value <= MAX_STORED_INTEGER:
                raise ValidationError([Issue("bad_value", "a number is far too large; check "
                                             "it and try again")])


def open_database(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine whose schema is at the latest migration (applied here if new or out of date)."""
    engine = create_database_engine(url)
    if upgrade:
        ensure_schema(engine)
    return engine


def make_session_factory(engine: Engine, *, keys: KeyRing | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine``; with ``keys``, the keyring their sealed values use (sealing.py),
    else the environment's."""
    # Domain objects are built from rows before commit; nothing needs reloading afterwards.
    info = {} if keys is None else {SESSION_KEYS_INFO: keys}
    return sessionmaker(engine, expire_on_commit=False, info=info)


def _is_memory_url(url: str) -> bool:
    database = make_url(url).database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def _is_memory(engine: Engine) -> bool:
    database = engine.url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def _configure_sqlite(engine: Engine) -> None:
    in_memory = _is_memory(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below), so that DDL, savepoints and the first
        # SELECT of a transaction are inside it: pysqlite's own handling only opens a
        # transaction at the first write, which breaks atomic migrations and read-then-write.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            # Readers never block the writer and the writer never blocks readers.
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_INTENT, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
