"""Reporting's demo step: the monthly report of a busy month and the HXL aggregates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.demo.simulate import store_month_end_forecast
from resettle.adapters.cli.reporting import ASYLUM_COUNTRY, aggregates_table, write_report
from resettle.reporting.suppression import K_DEFAULT

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


DEMO_MONTH = "2014-12"  # a busy month of the Ashraf scenario: flights to Albania every week


def step_reports(ctx: DemoContext) -> None:
    """Demo: the monthly report of a busy month and the HXL table on the snapshot day."""
    ctx.console.rule(f"reporting: the monthly report for {DEMO_MONTH} and the HXL aggregates")
    store_month_end_forecast(ctx, DEMO_MONTH)
    with ctx.console.status("building the report (figures, PDF)..."):
        report, html, pdf = write_report(ctx.database_url, DEMO_MONTH, ctx.output_dir)
    table = aggregates_table(ctx.database_url, DEMO_CONFIG.as_of, ASYLUM_COUNTRY, K_DEFAULT)
    hxl_file = ctx.output_dir / f"aggregates-{DEMO_CONFIG.as_of}.hxl.csv"
    hxl_file.write_text(table.text, encoding="utf-8")
    ctx.console.print(f"{html}, {pdf} ({len(report.figures)} figures); {hxl_file} "
                      f"({len(table.suppression.hidden)} cells suppressed)")
    ctx.summary["reports"] = f"{pdf.name} and {hxl_file.name} in {ctx.output_dir}/"
