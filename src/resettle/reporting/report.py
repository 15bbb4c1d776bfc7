"""The monthly report: figures from the protected tables, the HTML document and its PDF/A.

WeasyPrint prints the HTML without a browser; the fonts are the system's (Noto Sans and Noto
Sans Arabic from Debian's ``fonts-noto-core`` render Persian and Arabic script; DejaVu Sans is
the fallback).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from resettle.reporting import figures as fig
from resettle.reporting import tables as tab
from resettle.reporting.document import ReportContent, report_html
from resettle.reporting.records import Aggregates
from resettle.reporting.tables import ReportTable

PDF_VARIANT = "pdf/a-3u"


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    html: str
    pdf: bytes
    figures: tuple[fig.Figure, ...]


def report_figures(a: Aggregates) -> list[fig.Figure]:
    """Up to eight figures. A section without data, or whose every count is suppressed, gets
    a sentence instead of an empty chart (see document.py)."""
    population = tab.population_table(a)
    candidates: list[tuple[ReportTable, Callable[[ReportTable], fig.Figure]]] = [
        (tab.funnel_table(a), lambda t: fig.grouped_bars(
            "funnel", "Cases by stage, start and end of the month", t,
            ["cases at start", "cases at end"])),
        (tab.pledges_table(a)[0], lambda t: fig.pledges_figure(t, tab.pledges_table(a)[1])),
        (tab.deadlines_table(a), lambda t: fig.grouped_bars(
            "deadlines", "Open cases past or near their deadline, by priority", t,
            ["overdue", "due within 14 days"])),
        (population, lambda t: fig.grouped_bars("population", "Persons by age band and sex", t,
                                                list(t.columns))),
        (tab.departures_table(a), lambda t: fig.stacked_months(
            "departures", "Departures per month and host state", t)),
        (tab.decisions_by_month(a), lambda t: fig.grouped_bars(
            "decisions", "Referrals and decisions per month", t,
            ["referred", "accepted", "refused"], horizontal=False)),
        (tab.reasons_table(a), lambda t: fig.grouped_bars("reasons", "Refusals by stated reason",
                                                          t, ["cases"])),
    ]
    figures = [draw(table) for table, draw in candidates
               if table.rows and fig.drawable(table)]
    if a.forecast is not None:
        figures.append(fig.forecast_figure(a.forecast))
    return figures


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415  (loads Pango; only the PDF needs it)

    pdf: bytes = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def monthly_report(a: Aggregates, month: str, *, generated: date,
                   pdf: bool = True) -> MonthlyReport:
    figures = tuple(report_figures(a))
    html = report_html(ReportContent(a, month, figures), generated=generated)
    return MonthlyReport(month, html, render_pdf(html) if pdf else b"", figures)
