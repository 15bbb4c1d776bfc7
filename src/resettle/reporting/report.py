"""The monthly report: figures from the protected tables, the HTML document and its PDF/A.

WeasyPrint prints the HTML without a browser; the fonts are the system's (Noto Sans and Noto
Sans Arabic from Debian's ``fonts-noto-core`` render Persian and Arabic script; DejaVu Sans is
the fallback).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from resettle.reporting import figures as fig
from resettle.reporting import tables as tab
from resettle.reporting.document import ReportContent, report_html
from resettle.reporting.records import Aggregates

PDF_VARIANT = "pdf/a-3u"


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    html: str
    pdf: bytes
    figures: tuple[fig.Figure, ...]


def report_figures(a: Aggregates) -> list[fig.Figure]:
    """At least six figures; a section without data says so instead of drawing an empty one."""
    funnel = tab.funnel_table(a)
    figures = [
        fig.grouped_bars("funnel", "Cases by stage, start and end of the month", funnel,
                         ["cases at start", "cases at end"]),
        fig.pledges_figure(*tab.pledges_table(a)),
        fig.grouped_bars("deadlines", "Open cases past or near their deadline, by priority",
                         tab.deadlines_table(a), ["overdue", "due within 14 days"]),
        fig.grouped_bars("population", "Persons by age band and sex", tab.population_table(a),
                         list(tab.population_table(a).columns)),
    ]
    if a.departures:
        figures.append(fig.stacked_months("departures", "Departures per month and host state",
                                          tab.departures_table(a)))
    if a.decisions:
        figures.append(fig.grouped_bars("decisions", "Referrals and decisions per month",
                                        tab.decisions_by_month(a),
                                        ["referred", "accepted", "refused"], horizontal=False))
    if a.refusal_reasons:
        figures.append(fig.grouped_bars("reasons", "Refusals by stated reason",
                                        tab.reasons_table(a), ["cases"]))
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
