"""Alembic environment. Uses the connection handed over by ``migrate.py`` when there is one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from resettle.adapters.db.base import Base
from resettle.adapters.db.engine import create_database_engine, resolve_database_url
from resettle.adapters.db.migrate import import_table_modules

import_table_modules()


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or resolve_database_url()
    engine = create_database_engine(url)
    try:
        with engine.begin() as fresh:
            run_migrations(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("resettle migrations run online only: use `resettle db upgrade`")
run_online()
