"""``resettle report`` and ``resettle export-aggregates``: the monthly report (HTML and PDF)
and the public HXL table, aggregates only, with small cells suppressed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.cli.scenario import DEMO_CONFIG
from resettle.adapters.db.reporting.store import reporting_store
from resettle.reporting import service
from resettle.reporting.hxl import HxlTable
from resettle.reporting.report import MonthlyReport
from resettle.reporting.suppression import K_DEFAULT

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext

DEMO_MONTH = "2014-12"  # a busy month of the Ashraf scenario: flights to Albania every week
ASYLUM_COUNTRY = "IRQ"


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
    app.command("export-aggregates")(export_aggregates_command)


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
    with failing_cleanly(), console().status("building the report (figures, PDF)..."):
        report, html, pdf = write_report(database_url, month, out)
    console().print(f"report for {report.month}: {html} and {pdf} "
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
        table = _export(database_url, day, asylum_country, k)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table.text, encoding="utf-8")
    hidden = len(table.suppression.hidden)
    console().print(f"{out}: {table.rows} rows as of {day}; {hidden} cells suppressed "
                    f"({len(table.suppression.primary)} below {k}, the rest so that none can "
                    "be worked out); checked against the HXL schema")


def _export(database_url: str, day: date, asylum_country: str,
            k: int) -> HxlTable:
    engine = open_engine(database_url)
    try:
        with reporting_store(engine) as store:
            return service.export_aggregates(store, day, asylum_country=asylum_country, k=k)
    finally:
        engine.dispose()


def step_reports(ctx: DemoContext) -> None:
    """Demo: the monthly report of a busy month and the HXL table on the snapshot day."""
    ctx.console.rule(f"reporting: the monthly report for {DEMO_MONTH} and the HXL aggregates")
    with ctx.console.status("building the report (figures, PDF)..."):
        report, html, pdf = write_report(ctx.database_url, DEMO_MONTH, ctx.output_dir)
    table = _export(ctx.database_url, DEMO_CONFIG.as_of, ASYLUM_COUNTRY, K_DEFAULT)
    hxl_file = ctx.output_dir / f"aggregates-{DEMO_CONFIG.as_of}.hxl.csv"
    hxl_file.write_text(table.text, encoding="utf-8")
    ctx.console.print(f"{html}, {pdf} ({len(report.figures)} figures); {hxl_file} "
                      f"({len(table.suppression.hidden)} cells suppressed)")
    ctx.summary["reports"] = f"{pdf.name} and {hxl_file.name} in {ctx.output_dir}/"
