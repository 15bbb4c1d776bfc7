"""The reporting service: what CLI, web and the demo call. Aggregates only, never an id."""

from __future__ import annotations

from datetime import date, timedelta

from resettle.core.issues import Issue
from resettle.errors import ExportCheckError, ValidationError
from resettle.reporting.aggregates import Facts, compute_aggregates, end_of
from resettle.reporting.hxl import HxlTable, hxl_problems, hxl_table
from resettle.reporting.ports import ForecastSource, NoForecast, ReportingStore
from resettle.reporting.records import Aggregates
from resettle.reporting.report import MonthlyReport, monthly_report
from resettle.reporting.suppression import K_DEFAULT


def read_facts(store: ReportingStore, as_of: date, period_start: date) -> Facts:
    """What a report as of ``as_of`` needs: the history of statuses only for cases that
    changed since the period began (the others stand as the registry holds them)."""
    until = end_of(as_of)
    changes = store.status_changes(until,
                                   changed_after=end_of(period_start - timedelta(days=1)))
    return Facts(store.case_profiles(), changes, store.referral_facts(until),
                 store.movement_facts(until), store.pledges(), store.deadline_targets())


def build_aggregates(store: ReportingStore, as_of: date, *, period_start: date | None = None,
                     forecast: ForecastSource | None = None) -> Aggregates:
    """The operation's aggregates as known at the end of ``as_of``; changes over the period
    from ``period_start`` (default: the first day of ``as_of``'s month)."""
    start = period_start or as_of.replace(day=1)
    return compute_aggregates(read_facts(store, as_of, start), as_of=as_of, period_start=start,
                              forecast=(forecast or NoForecast()).forecast_band(as_of))


def parse_month(text: str) -> tuple[date, date]:
    """'2016-06' -> (first day, last day) of that month, or a clear error."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        message = f"'{text}' is not a month; write it as YYYY-MM, e.g. 2016-06"
        raise ValidationError([Issue("bad_value", message, field="month")], message) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def build_report(store: ReportingStore, month: str, *, generated: date,
                 forecast: ForecastSource | None = None, pdf: bool = True) -> MonthlyReport:
    """The monthly report for ``month`` (YYYY-MM) as known at the end of its last day."""
    first, last = parse_month(month)
    aggregates = build_aggregates(store, last, period_start=first, forecast=forecast)
    return monthly_report(aggregates, f"{first:%Y-%m}", generated=generated, pdf=pdf)


def export_aggregates(store: ReportingStore, as_of: date, *, asylum_country: str,
                      k: int = K_DEFAULT) -> HxlTable:
    """The public HXL table as of a day, suppressed and checked against the schema."""
    table = hxl_table(build_aggregates(store, as_of), asylum_country=asylum_country, k=k)
    problems = hxl_problems(table.text)
    if problems:  # a broken contract: the export would publish something the schema forbids
        raise ExportCheckError("HXL export failed its schema: " + "; ".join(problems[:5]))
    return table
