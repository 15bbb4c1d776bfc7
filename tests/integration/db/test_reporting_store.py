"""The database's reporting store gives the aggregates the in-memory one gives, and `resettle
report`, `resettle export-aggregates` and `resettle case due` agree on the same database."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from reporting_world import secrets_of, world
from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import load_batch, store_batch
from resettle.adapters.db.reporting.store import reporting_store
from resettle.adapters.db.screening.store import screening_store
from resettle.adapters.web.reporting.dashboard import dashboard_figures
from resettle.core import RegistryBatch
from resettle.reporting.memory import MemoryReportingStore
from resettle.reporting.service import build_aggregates
from resettle.reporting.stats import registry_stats
from resettle.screening.workflow import Action

runner = CliRunner()
DAYS = (date(2013, 3, 31), date(2013, 4, 30), date(2013, 6, 30), date(2026, 1, 1))


def load(engine: Engine, copies: int = 1) -> tuple[MemoryReportingStore, list[str]]:
    cases, events, pledges = world(copies)
    with make_session_factory(engine)() as session, session.begin():
        store_batch(session, batch=RegistryBatch(cases=tuple(cases), pledges=tuple(pledges)))
    with screening_store(engine) as store:
        store.append_events(events)
    return MemoryReportingStore(cases, events, pledges), secrets_of(cases)


def test_database_and_memory_stores_agree_on_every_day(engine: Engine) -> None:
    memory, _ = load(engine)
    for day in DAYS:
        with reporting_store(engine) as store:
            assert build_aggregates(store, day) == build_aggregates(memory, day), day


def test_report_totals_equal_the_registry_stats_on_the_same_day(engine: Engine) -> None:
    load(engine)
    with make_session_factory(engine)() as session:
        stats = registry_stats(load_batch(session), date(2026, 1, 1))
    with reporting_store(engine) as store:
        a = build_aggregates(store, date(2026, 1, 1))
    assert (a.cases, a.persons) == (stats.cases, stats.persons)
    assert {s: n for s, n in a.funnel_counts().items() if n} == dict(stats.cases_by_status)
    assert dict(a.persons_by_sex) == dict(stats.persons_by_sex)


def test_dashboard_report_and_case_due_agree(engine: Engine) -> None:
    load(engine)
    url = engine.url.render_as_string(hide_password=False)
    due = runner.invoke(app, ["case", "due", "--today", "2013-06-30", "--database-url", url],
                        env={"COLUMNS": "200"})
    assert due.exit_code == 0, due.output
    overdue = int(re.search(r"overdue: (\d+) case", due.output).group(1))  # type: ignore[union-attr]
    with make_session_factory(engine)() as session:
        board = dashboard_figures(session, today=date(2013, 6, 30))
    assert sum(n for _, n in board.overdue) == overdue == 1
    assert ("ALB", 10, 3, 2) in board.states


def test_report_and_export_commands(engine: Engine, tmp_path: Path) -> None:
    _, secrets = load(engine, copies=6)
    url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["report", "--month", "2013-06", "--out", str(tmp_path),
                                 "--database-url", url])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report-2013-06.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "report-2013-06.html").read_text(encoding="utf-8")
    assert "Departures per month" in html
    out = tmp_path / "agg.csv"
    result = runner.invoke(app, ["export-aggregates", "--hxl", "--on", "2013-06-30", "--out",
                                 str(out), "--database-url", url])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[1][:4] == ["#date", "#country+code+origin", "#country+code+asylum", "#status"]
    assert rows[-1][3] == "total" and rows[-1][-2] == str(6 * 7)
    text = out.read_text(encoding="utf-8") + html
    assert [s for s in secrets if s in text] == []


def test_a_bad_month_is_refused_with_what_to_write(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["report", "--month", "June", "--database-url", url])
    assert result.exit_code == 1
    assert "YYYY-MM" in result.output


def test_a_refusal_reason_sealed_in_the_history_is_still_counted(engine: Engine) -> None:
    """Every event reason is sealed in the database; the report opens a refusal's (and only
    counts it, grouped) instead of reading 'no reason recorded' for every refusal."""
    cases, events, pledges = world(5)
    events = [replace(e, data={k: v for k, v in e.data.items() if k != "refusal_reason"})
              if e.action == Action.REFUSE else e for e in events]
    with make_session_factory(engine)() as session, session.begin():
        store_batch(session, batch=RegistryBatch(cases=tuple(cases), pledges=tuple(pledges)))
    with screening_store(engine) as store:
        store.append_events(events)
    day = DAYS[-1]
    with reporting_store(engine) as store:
        stored = build_aggregates(store, day).refusal_reasons
    expected = build_aggregates(MemoryReportingStore(cases, events, pledges), day)
    assert stored == expected.refusal_reasons
    assert any("place elsewhere" in reason for reason in stored), stored
