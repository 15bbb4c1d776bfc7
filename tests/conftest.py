"""Fixtures shared by the whole suite.

Database fixtures — use these for every test that touches a database. A test using any of
them is marked ``db`` automatically and runs once per configured database:

- ``database_url``: the URL of a fresh, empty database. Parametrized: ``sqlite`` (a file in
  the test's ``tmp_path``) always; ``postgresql`` when ``RESETTLE_TEST_DATABASE_URL`` is set
  (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``): a database named
  ``resettle_t_<random>`` is created on that server for the test and dropped after it, so
  parallel workers and developers never collide. Nothing is migrated yet.
- ``engine``: an ``Engine`` on ``database_url`` with every Alembic migration applied
  (``resettle.adapters.db.engine.open_database``); disposed after the test.
- ``session``: a ``Session`` on ``engine`` (``expire_on_commit=False``); whatever the test did
  not commit is rolled back at the end.
- ``sample_batch``: a small valid ``RegistryBatch`` (3 cases, 6 persons, 2 localities,
  2 pledges) from ``tests/registry_samples.py``; import that module for ``make_person``,
  ``make_case`` and ``make_batch`` to build your own.

Keys: the suite runs with ``key_samples.key_env()`` in the environment, as a deployment runs
with its keys, so sealed (encrypted) columns can be written; a test about missing keys removes
them with ``monkeypatch.delenv``.

To compare a whole database before and after something, use
``resettle.adapters.db.inspection.digest_database(engine)`` and ``count_rows(engine)``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from key_samples import key_env
from registry_samples import make_batch
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.core import RegistryBatch

TEST_DATABASE_URL_ENV = "RESETTLE_TEST_DATABASE_URL"
DB_FIXTURES = {"database_url", "engine", "session"}


@pytest.fixture(autouse=True, scope="session")
def _data_keys_in_environment() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in key_env()}
    os.environ.update(key_env())
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(TEST_DATABASE_URL_ENV) else ["sqlite"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def create_postgres_database(server_url: str) -> tuple[str, str]:
    """Create a uniquely named database on the server of ``server_url``; return (url, name)."""
    name = f"resettle_t_{secrets.token_hex(6)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    url = make_url(server_url).set(database=name)
    return url.render_as_string(hide_password=False), name


def drop_postgres_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'resettle-test.db'}"
        return
    server_url = os.environ[TEST_DATABASE_URL_ENV]
    url, name = create_postgres_database(server_url)
    try:
        yield url
    finally:
        drop_postgres_database(server_url, name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as session:
        try:
            yield session
        finally:
            session.rollback()


@pytest.fixture
def sample_batch() -> RegistryBatch:
    return make_batch()
