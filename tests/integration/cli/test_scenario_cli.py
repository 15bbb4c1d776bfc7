"""`resettle scenario` and `resettle stats` against real databases (SQLite, and PostgreSQL when
configured) and real files: load with history, reload without change, read back identical,
files that `import` reads, a reset that never touches a real registry."""

from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine
from typer.testing import CliRunner

from registry_samples import make_batch
from resettle.adapters.cli.demo import DemoContext
from resettle.adapters.cli.demo.scenario import DEMO_CONFIG, step_load_ashraf
from resettle.adapters.cli.main import app
from resettle.adapters.cli.scenario import load_scenario, make_ashraf
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.inspection import count_rows, digest_database
from resettle.adapters.db.registry.store import load_batch, store_batch
from resettle.adapters.db.screening.store import screening_store
from resettle.core import RegistryBatch
from resettle.errors import ConflictError
from resettle.registry import assemble_batch, read_records
from resettle.screening import service
from resettle.security.crypto import load_keyring
from resettle.simulation.ashraf_config import AshrafConfig

runner = CliRunner()
SMALL = replace(AshrafConfig(), population=250)


def _stored(url: str) -> tuple[RegistryBatch, str]:
    engine = open_database(url)
    try:
        with make_session_factory(engine)() as session:
            return load_batch(session), digest_database(engine, keys=load_keyring())
    finally:
        engine.dispose()


def test_load_with_history_is_idempotent_and_reads_back(database_url: str) -> None:
    args = ["scenario", "ashraf", "--seed", "9", "--population", "250", "--load",
            "--database-url", database_url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "250 persons in" in first.output
    stored, digest = _stored(database_url)
    expected = make_ashraf(9, SMALL)
    assert stored.cases == expected.batch.cases
    assert {p.pledge_id for p in stored.pledges} == {p.pledge_id for p in expected.batch.pledges}
    assert expected.history is not None
    some = next(c for c in expected.batch.cases if c.status == "departed")
    engine = open_database(database_url)
    try:
        with screening_store(engine) as store:
            assert store.history(some.case_id) == expected.history.history(some.case_id)
            assert len(store.interviews_of([some.principal_id])) >= 1
        rows = count_rows(engine)
    finally:
        engine.dispose()
    assert rows["case_events"] == len(expected.history.all_events())
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert _stored(database_url)[1] == digest


def test_a_different_scenario_over_a_history_is_refused(database_url: str) -> None:
    load_scenario(make_ashraf(1, SMALL), database_url)
    before = _stored(database_url)[1]
    with pytest.raises(ConflictError, match="--replace"):
        load_scenario(make_ashraf(2, SMALL), database_url)
    assert _stored(database_url)[1] == before
    assert load_scenario(make_ashraf(2, SMALL), database_url, replace=True)
    assert _stored(database_url)[0].cases == make_ashraf(2, SMALL).batch.cases


def test_replace_never_empties_a_real_registry(engine: Engine, database_url: str) -> None:
    with make_session_factory(engine).begin() as session:
        store_batch(session, batch=make_batch())
    engine.dispose()
    before = _stored(database_url)[1]
    result = runner.invoke(app, ["scenario", "ashraf", "--population", "50", "--load",
                                 "--replace", "--database-url", database_url])
    assert result.exit_code == 1
    assert "will not be emptied" in result.output
    assert _stored(database_url)[1] == before


def test_files_written_are_read_back_by_import(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "ashraf", "--seed", "4", "--population", "120",
                                 "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["cases.json", "localities.json", "persons.json", "pledges.json"]
    parsed = [read_records(tmp_path / name) for name in names]
    assert [issue for f in parsed for issue in f.issues] == []
    batch = assemble_batch(parsed)
    expected = make_ashraf(4, replace(AshrafConfig(), population=120)).batch
    assert sorted(batch.cases, key=lambda c: c.case_id) == list(expected.cases)


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


def test_demo_step_makes_a_fresh_database_each_time(database_url: str, tmp_path: Path) -> None:
    context = DemoContext(database_url, tmp_path, 2011, Console(record=True, width=100))
    step_load_ashraf(context, SMALL)
    first = _stored(database_url)[1]
    engine = open_database(database_url)
    try:
        with screening_store(engine) as store:  # a later demo step changes a case
            case = next(c for c in load_batch(store.session).cases if c.status == "registered")
            service.advance_case(store, case.case_id, "assess_needs", actor="officer-x",
                                 reason="demo step")
    finally:
        engine.dispose()
    assert _stored(database_url)[1] != first
    step_load_ashraf(context, SMALL)
    assert _stored(database_url)[1] == first
    assert context.summary["registry"].startswith("250 persons in")
    assert "synthetic" in context.console.export_text()


def test_the_demo_starts_with_the_full_scenario() -> None:
    from resettle.adapters.cli.demo import STEPS

    assert STEPS[0] is step_load_ashraf
    assert DEMO_CONFIG.population == 3400
