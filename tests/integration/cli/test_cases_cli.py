"""``resettle db upgrade``, ``cases list`` and ``cases show`` against a real database."""

from __future__ import annotations

from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import create_database_engine, make_session_factory
from resettle.adapters.db.registry.store import store_batch
from resettle.core import RegistryBatch

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def test_db_upgrade_creates_the_schema(database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout
    engine = create_database_engine(database_url)
    try:
        assert {"cases", "persons"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_reads_the_url_from_the_environment(database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env={"RESETTLE_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output


def test_an_unreachable_database_is_a_clear_error() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    result = runner.invoke(app, ["cases", "list", "--database-url", url])
    assert result.exit_code == 1
    assert "database_unavailable" in result.stderr


def _stored(engine: Engine, batch: RegistryBatch) -> str:
    with make_session_factory(engine).begin() as session:
        store_batch(session, batch=batch)
    return engine.url.render_as_string(hide_password=False)


def test_cases_list_filters_and_pages(engine: Engine, sample_batch: RegistryBatch) -> None:
    url = _stored(engine, sample_batch)
    result = runner.invoke(app, ["cases", "list", "--database-url", url], env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.stdout.index("ASH-0003") < result.stdout.index("ASH-0001")  # emergency first
    assert "Showing 1–3 of 3" in result.stdout
    urgent = runner.invoke(
        app, ["cases", "list", "--priority", "urgent", "--database-url", url], env=WIDE
    )
    assert "ASH-0002" in urgent.stdout and "ASH-0001" not in urgent.stdout
    paged = runner.invoke(
        app, ["cases", "list", "--limit", "1", "--database-url", url], env=WIDE
    )
    assert "Next page: add --offset 1" in paged.stdout
    found = runner.invoke(
        app, ["cases", "list", "--search", "مرادی", "--database-url", url], env=WIDE
    )
    assert "ASH-0003" in found.stdout and "ASH-0002" not in found.stdout


def test_cases_show_hides_sensitive_fields_unless_asked(
    engine: Engine, sample_batch: RegistryBatch
) -> None:
    url = _stored(engine, sample_batch)
    plain = runner.invoke(
        app, ["cases", "show", "ASH-0002", "--database-url", url], env=WIDE
    )
    assert plain.exit_code == 0, plain.output
    assert "Maryam Rahimi" in plain.stdout and "P-0004" in plain.stdout
    assert "kidney" not in plain.stdout
    full = runner.invoke(
        app,
        ["cases", "show", "ASH-0002", "--sensitive", "--database-url", url],
        env=WIDE,
    )
    assert "chronic kidney disease" in full.stdout


def test_cases_show_of_an_unknown_case_fails(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["cases", "show", "ASH-9999", "--database-url", url])
    assert result.exit_code == 1
    assert "not_found" in result.stderr
