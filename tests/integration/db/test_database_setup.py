"""Engines, migrations and SQLite settings, on every configured database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from resettle.adapters.db.base import Base
from resettle.adapters.db.engine import (
    DATABASE_URL_ENV,
    DEFAULT_DATABASE_URL,
    create_database_engine,
    make_session_factory,
    open_database,
    resolve_database_url,
    write_session,
)
from resettle.adapters.db.migrate import (
    current_revisions,
    ensure_schema,
    head_revisions,
    import_table_modules,
    upgrade_database,
)
from resettle.adapters.db.registry.name_search import SEARCH_INDEX_OBJECTS


def test_opening_an_empty_database_applies_every_migration(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"cases", "persons", "localities", "pledges", "alembic_version"} <= tables
        with engine.connect() as connection:
            assert current_revisions(connection) == head_revisions()
        assert ensure_schema(engine) is False  # already at head: nothing to do
        upgrade_database(engine)  # `resettle db upgrade` on an up-to-date database is harmless
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_declared_tables(engine: Engine) -> None:
    import_table_modules()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": _declared_in_tables})
        assert compare_metadata(context, Base.metadata) == []


def _declared_in_tables(name: str | None, kind: str, _parent: object) -> bool:
    """The name search's FTS5 tables (and their shadow tables) and trigram indexes are made by
    migration 0310 alone: SQLAlchemy cannot declare them."""
    return not (name and name.startswith(SEARCH_INDEX_OBJECTS))


def test_without_migrating_the_database_stays_empty(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path: object) -> None:
    engine = open_database(f"sqlite:///{tmp_path}/settings.db")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_the_url_comes_from_the_argument_then_the_environment(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert resolve_database_url() == DEFAULT_DATABASE_URL == "sqlite:///resettle.db"
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://u@h/db")
    assert resolve_database_url() == "postgresql+psycopg://u@h/db"
    assert resolve_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_write_session_takes_the_sqlite_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = open_database(f"sqlite:///{path}")
    factory = make_session_factory(engine)

    def another_writer_can_begin() -> bool:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)
            return False
        finally:
            other.close()

    try:
        with factory() as reader:
            reader.connection()  # a plain transaction only reads: writers may go on
            assert another_writer_can_begin()
        with write_session(factory):
            assert not another_writer_can_begin()
        assert another_writer_can_begin()  # closing the session released the lock
    finally:
        engine.dispose()
