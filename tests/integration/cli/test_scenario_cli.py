"""`resettle scenario` and `resettle stats` against a real database (SQLite, and PostgreSQL
when configured): load, reload without change, read back identical, count."""

from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from resettle.adapters.cli.demo import DemoContext
from resettle.adapters.cli.main import app
from resettle.adapters.cli.scenario import step_load_ashraf
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.inspection import digest_database
from resettle.adapters.db.repository import load_batch
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig

runner = CliRunner()


def _stored(url: str):  # type: ignore[no-untyped-def]
    engine = open_database(url)
    try:
        with make_session_factory(engine)() as session:
            return load_batch(session), digest_database(engine)
    finally:
        engine.dispose()


def test_load_is_idempotent_and_reads_back_identical(database_url: str) -> None:
    args = ["scenario", "ashraf", "--seed", "9", "--population", "250", "--load",
            "--database-url", database_url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "250 persons in" in first.output
    stored, digest = _stored(database_url)
    expected = generate_ashraf(9, replace(AshrafConfig(), population=250))
    assert stored.cases == expected.cases
    assert stored.localities == tuple(sorted(expected.localities, key=lambda x: x.locality_id))
    assert stored.pledges == tuple(sorted(expected.pledges, key=lambda x: x.pledge_id))
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert _stored(database_url)[1] == digest


def test_stats_prints_tables_of_the_database(database_url: str) -> None:
    loaded = runner.invoke(app, ["scenario", "random", "--cases", "40", "--localities", "5",
                                 "--seed", "2", "--load", "--database-url", database_url])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["stats", "--database-url", database_url, "--on",
                                 "2024-01-01"])
    assert result.exit_code == 0, result.output
    for heading in ("Pipeline", "Sex", "Age band on 2024-01-01", "Nationality",
                    "Processing priority", "Needs and capacity", "ready for referral"):
        assert heading in result.output
    assert "in 40 cases" in result.output


def test_bad_input_exits_non_zero(database_url: str) -> None:
    nothing = runner.invoke(app, ["scenario", "ashraf", "--seed", "1"])
    assert nothing.exit_code != 0
    assert "--out" in nothing.output
    bad_day = runner.invoke(app, ["stats", "--database-url", database_url, "--on", "30/06/2015"])
    assert bad_day.exit_code != 0
    assert "YYYY-MM-DD" in bad_day.output


def test_demo_step_loads_ashraf_and_is_rerunnable(database_url: str, tmp_path: Path) -> None:
    from rich.console import Console

    context = DemoContext(database_url, tmp_path, 2011, Console(record=True, width=100))
    step_load_ashraf(context)
    first = _stored(database_url)[1]
    step_load_ashraf(context)
    assert _stored(database_url)[1] == first
    assert context.summary["registry"].startswith("3,400 persons in")
    assert "synthetic" in context.console.export_text()
