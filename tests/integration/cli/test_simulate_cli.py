"""`resettle simulate` on a real database with a screening history (SQLite, and PostgreSQL
when configured): the store reads where each case stands, the CLI prints the forecast and
writes its figures with their text alternatives."""

from collections import Counter
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.adapters.cli.scenario import load_scenario, make_ashraf
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.simulation.store import DbOperationStore
from resettle.core.status import CaseStatus
from resettle.simulation.ashraf_config import AshrafConfig
from resettle.simulation.operation.snapshot import read_starting_point

runner = CliRunner()
SMALL = replace(AshrafConfig(), population=150)


def test_the_store_places_every_case_as_its_history_says(database_url: str) -> None:
    scenario = make_ashraf(5, SMALL)
    load_scenario(scenario, database_url)
    engine = open_database(database_url)
    try:
        with make_session_factory(engine)() as session:
            store = DbOperationStore(session)
            day = store.latest_activity()
            snapshots = store.case_snapshots(day) if day else []
            point = read_starting_point(store)
    finally:
        engine.dispose()
    statuses = Counter(case.status for case in scenario.batch.cases)
    assert Counter(s.status for s in snapshots) == statuses
    persons = scenario.batch.persons_count
    assert point.persons_waiting + point.departed_before + point.ended_before == persons
    referred = [s for s in snapshots if s.status == CaseStatus.REFERRED]
    assert all(s.country for s in referred)
    assert all(0 <= s.adults_interviewed <= s.adults <= s.persons for s in snapshots)


def test_simulate_prints_the_forecast_and_writes_figures(database_url: str,
                                                         tmp_path: Path) -> None:
    load_scenario(make_ashraf(5, SMALL), database_url)
    out = tmp_path / "simulation"
    result = runner.invoke(app, ["simulate", "--database-url", database_url,
                                 "--replications", "2", "--levers", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "persons still in the camp on" in result.output
    assert "What helps most" in result.output
    for name in ("forecast.png", "forecast.txt", "levers.png", "levers.txt"):
        assert (out / name).stat().st_size > 0
    assert "Persons in the camp (median, 90% band):" in (out / "forecast.txt").read_text()


def test_a_bad_date_is_refused_in_plain_words(database_url: str) -> None:
    result = runner.invoke(app, ["simulate", "--database-url", database_url, "--on", "30/06"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_an_empty_registry_says_what_to_do(database_url: str) -> None:
    result = runner.invoke(app, ["simulate", "--database-url", database_url])
    assert result.exit_code == 1
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "nothing to forecast" in output and "scenario ashraf --load" in output


def test_the_demo_step_prints_the_forecast_and_a_summary_line(database_url: str,
                                                              tmp_path: Path) -> None:
    from rich.console import Console

    from resettle.adapters.cli.demo import STEPS, DemoContext
    from resettle.adapters.cli.demo.simulate import step_simulate

    assert STEPS.index(step_simulate) == len(STEPS) - 2  # after placement, before serving
    load_scenario(make_ashraf(5, SMALL), database_url)
    context = DemoContext(database_url, tmp_path, 5, Console(file=None, quiet=True))
    step_simulate(context)
    assert "persons waiting on" in context.summary["simulator"]
    assert (tmp_path / "simulation" / "levers.png").exists()


def test_a_stored_run_reaches_the_report_and_draws_again_from_the_store(
        database_url: str, tmp_path: Path) -> None:
    from resettle.adapters.db.simulation.run_store import DbForecastRunStore
    from resettle.simulation.operation.runs import DONE, ForecastRequest
    from resettle.simulation.operation.service import run_forecast, stored_results

    load_scenario(make_ashraf(5, SMALL), database_url)
    before = runner.invoke(app, ["report", "--month", "2014-12", "--out", str(tmp_path),
                                 "--database-url", database_url])
    assert before.exit_code == 0, before.output
    assert "No forecast yet" in (tmp_path / "report-2014-12.html").read_text()
    result = runner.invoke(app, ["simulate", "--database-url", database_url, "--on",
                                 "2014-12-31", "--replications", "3", "--seed", "4",
                                 "--out", str(tmp_path / "sim")])
    assert result.exit_code == 0, result.output
    assert "Stored as forecast run" in result.output
    engine = open_database(database_url)
    try:
        with make_session_factory(engine)() as session:
            stored = DbForecastRunStore(session).latest_done()
            assert stored is not None and stored.status == DONE and stored.seed == 4
            request = ForecastRequest.from_record(stored.inputs)
            again = run_forecast(DbOperationStore(session), request)
    finally:
        engine.dispose()
    # The stored inputs make the same numbers again; the stored results draw the same figure.
    kept = stored_results(stored).forecast
    assert kept.metrics.end_day.tolist() == again.forecast.metrics.end_day.tolist()
    assert kept.metrics.person_days.tolist() == again.forecast.metrics.person_days.tolist()
    assert (kept.in_camp == again.forecast.in_camp).all()
    after = runner.invoke(app, ["report", "--month", "2014-12", "--out", str(tmp_path),
                                "--database-url", database_url])
    assert after.exit_code == 0, after.output
    html = (tmp_path / "report-2014-12.html").read_text()
    assert "No forecast yet" not in html
    assert "in 90% of 3 simulated runs" in html
    assert f"Stored forecast run {stored.run_id}" in html
    assert "Persons still in the camp at the end of each month" in html
