"""``resettle stats``, ``resettle report`` and ``resettle export-aggregates``: counts of what the
registry holds (Rich tables), the monthly report (HTML and PDF) and the public HXL table,
aggregates only, with small cells suppressed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import load_batch
from resettle.adapters.db.reporting.store import reporting_store
from resettle.core import Dimension
from resettle.reporting import service
from resettle.reporting.hxl import HxlTable
from resettle.reporting.report import MonthlyReport
from resettle.reporting.stats import RegistryStats, label, registry_stats, summarize_stats
from resettle.reporting.suppression import K_DEFAULT

ASYLUM_COUNTRY = "IRQ"


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
    app.command("report")(report_command)
    app.command("export-aggregates")(export_aggregates_command)


def _parse_day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def stats(
    database_url: DatabaseUrl = DEFAULT_URL,
    on: Annotated[str | None, typer.Option(
        help="Day ages and school places are counted on, YYYY-MM-DD (default: today; the "
        "Ashraf scenario's snapshot is 2015-06-30).",
    )] = None,
) -> None:
    """Counts by status, sex, age band, nationality, priority and needs (aggregates only)."""
    day = _parse_day(on)
    console = stdout_console()
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with make_session_factory(engine)() as session:
                batch = load_batch(session)
        finally:
            engine.dispose()
    result = registry_stats(batch, day)
    for table in stats_tables(result):
        console.print(table)
    for line in summarize_stats(result):
        console.print(line)


def _table(title: str, counts: Iterable[tuple[object, int]], whole: int, unit: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column(unit, justify="right")
    table.add_column("share", justify="right")
    for key, count in counts:
        table.add_row(label(key), f"{count:,}", f"{count / whole:.1%}" if whole else "-")
    return table


def stats_tables(result: RegistryStats) -> list[Table]:
    status = Table(title="Pipeline", title_justify="left")
    for column in ("status", "cases", "persons"):
        status.add_column(column, justify="left" if column == "status" else "right")
    for key, count in result.cases_by_status.items():
        status.add_row(label(key), f"{count:,}", f"{result.persons_by_status.get(key, 0):,}")
    needs = Table(title="Needs and capacity", title_justify="left")
    for column in ("dimension", "demand", "cases needing", "capacity"):
        needs.add_column(column, justify="left" if column == "dimension" else "right")
    for dimension in Dimension:
        needs.add_row(label(dimension), f"{result.needs_total[dimension]:,}",
                      f"{result.cases_needing[dimension]:,}",
                      f"{result.capacity_total.get(dimension, 0):,}")
    return [
        status,
        _table("Sex", result.persons_by_sex.items(), result.persons, "persons"),
        _table(f"Age band on {result.on}", result.persons_by_age_band.items(), result.persons,
               "persons"),
        _table("Nationality", result.persons_by_nationality.items(), result.persons, "persons"),
        _table("Processing priority", result.cases_by_priority.items(), result.cases, "cases"),
        needs,
        _table("Services needed", result.cases_by_service.items(), result.cases, "cases"),
    ]


def write_report(database_url: str, month: str, out: Path) -> tuple[MonthlyReport, Path, Path]:
    engine = open_engine(database_url)
    try:
        with reporting_store(engine) as store:
            report = service.build_report(store, month, generated=datetime.now(UTC).date())
    finally:
        engine.dispose()
    out.mkdir(parents=True, exist_ok=True)
    html, pdf = out / f"report-{report.month}.html", out / f"report-{report.month}.pdf"
    html.write_text(report.html, encoding="utf-8")
    pdf.write_bytes(report.pdf)
    return report, html, pdf


def report_command(
    month: Annotated[str, typer.Option(help="The month reported on, YYYY-MM (e.g. 2016-06): "
                                             "as known at the end of its last day.")],
    out: Annotated[Path, typer.Option(help="Folder for report-YYYY-MM.html and .pdf.")] = Path(
        "."),
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """The monthly report for the mandating body: HTML and PDF/A, aggregates only."""
    with failing_cleanly(), stdout_console().status("building the report (figures, PDF)..."):
        report, html, pdf = write_report(database_url, month, out)
    stdout_console().print(f"report for {report.month}: {html} and {pdf} "
                    f"({len(report.figures)} figures)")


def export_aggregates_command(
    *,
    hxl: Annotated[bool, typer.Option("--hxl", help="Write CSV with an HXL hashtag row (the "
                                                    "only format so far).")] = True,
    on: Annotated[datetime | None, typer.Option(
        "--on", formats=["%Y-%m-%d"], help="The day counted (default today).")] = None,
    out: Annotated[Path, typer.Option(help="The CSV file to write.")] = Path(
        "aggregates.hxl.csv"),
    asylum_country: Annotated[str, typer.Option(
        help="Country of asylum, ISO 3166-1 alpha-3.")] = ASYLUM_COUNTRY,
    k: Annotated[int, typer.Option(min=2, help="Smallest count published (1 to k-1 are "
                                               "suppressed).")] = K_DEFAULT,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Persons by origin, stage, sex and age group (HXL CSV), small cells suppressed."""
    if not hxl:
        raise typer.BadParameter("only --hxl is available")
    day = on.date() if on else date.today()
    with failing_cleanly():
        table = aggregates_table(database_url, day, asylum_country, k)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table.text, encoding="utf-8")
    hidden = len(table.suppression.hidden)
    stdout_console().print(f"{out}: {table.rows} rows as of {day}; {hidden} cells suppressed "
                    f"({len(table.suppression.primary)} below {k}, the rest so that none can "
                    "be worked out); checked against the HXL schema")


def aggregates_table(database_url: str, day: date, asylum_country: str, k: int) -> HxlTable:
    engine = open_engine(database_url)
    try:
        with reporting_store(engine) as store:
            return service.export_aggregates(store, day, asylum_country=asylum_country, k=k)
    finally:
        engine.dispose()
