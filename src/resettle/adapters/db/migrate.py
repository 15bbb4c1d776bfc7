"""Alembic migrations, found through the package path (never the working directory).

``ensure_schema`` runs when a database is opened; ``resettle db upgrade`` runs
``upgrade_database``. Table modules of ``resettle.adapters.db`` (named ``tables`` or
``<topic>_tables``) are imported before migrating, so Alembic's autogenerate knows them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

import resettle.adapters.db as db_package

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def import_table_modules() -> None:
    """Import ``tables`` and every ``*_tables`` module so their tables join ``Base.metadata``.

    Stage folders (``adapters/db/<stage>/tables.py``) are walked too."""
    prefix = f"{db_package.__name__}."
    for info in pkgutil.walk_packages(db_package.__path__, prefix):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf == "tables" or leaf.endswith("_tables"):
            importlib.import_module(info.name)


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def is_up_to_date(engine: Engine) -> bool:
    with engine.connect() as connection:
        return current_revisions(connection) == head_revisions()


def upgrade_database(engine: Engine, revision: str = "heads") -> None:
    """Apply every pending migration in one transaction (all or nothing, on SQLite too)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def ensure_schema(engine: Engine) -> bool:
    """Migrate if the database is new or behind; return whether anything was applied."""
    if is_up_to_date(engine):
        return False
    upgrade_database(engine)
    return True
