"""Options shared by commands that use the database."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from resettle.adapters.db.engine import DATABASE_URL_ENV, DEFAULT_DATABASE_URL, open_database

# Defined in the catalogue; importable from here for the commands that open a database.
from resettle.errors import DatabaseUnavailableError as DatabaseUnavailableError  # noqa: PLC0414

DatabaseUrl = Annotated[
    str,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="Database to use (SQLAlchemy URL), e.g. postgresql+psycopg://user@host/resettle.",
        show_default=True,
    ),
]
DEFAULT_URL = DEFAULT_DATABASE_URL


def open_engine(url: str) -> Engine:
    """Open (and migrate if needed) the database, or say plainly why it cannot be opened."""
    try:
        return open_database(url)
    except OperationalError as error:
        raise DatabaseUnavailableError(
            f"cannot open the database {_safe(url)}: {error.orig}; check --database-url "
            f"or {DATABASE_URL_ENV}, and that the server is running"
        ) from error


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as it is: it has no password to hide
        return url
