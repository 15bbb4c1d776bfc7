"""Registry commands: ``db upgrade``, ``import`` and ``export``.

An import reads every file, checks each one and then all of them together, and writes in one
transaction: if anything is wrong, every problem is printed and nothing is written.
"""

from __future__ import annotations

import typer

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.db.migrate import current_revisions, head_revisions, upgrade_database

db_app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_database_command(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Apply every pending migration (a new database is created with the full schema)."""
    with failing_cleanly():
        # open_engine already migrates a new or outdated database; say what it did.
        engine = open_engine(database_url)
        upgrade_database(engine)
        with engine.connect() as connection:
            revisions = current_revisions(connection)
        engine.dispose()
    at_head = revisions == head_revisions()
    state = "up to date" if at_head else "NOT at the latest revision"
    console().print(f"Database schema {state} (revision {', '.join(sorted(revisions))}).")
    if not at_head:
        raise typer.Exit(code=1)
