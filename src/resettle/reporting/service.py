"""The reporting service: what CLI, web and the demo call. Aggregates only, never an id."""

from __future__ import annotations

from datetime import date, timedelta

from resettle.core.issues import Issue
from resettle.errors import ValidationError
from resettle.reporting.aggregates import Facts, compute_aggregates, end_of
from resettle.reporting.ports import ForecastSource, NoForecast, ReportingStore
from resettle.reporting.records import Aggregates


def read_facts(store: ReportingStore, as_of: date) -> Facts:
    until = end_of(as_of)
    return Facts(store.case_profiles(), store.status_changes(until),
                 store.referral_facts(until), store.movement_facts(until), store.pledges(),
                 store.deadline_targets())


def build_aggregates(store: ReportingStore, as_of: date, *, period_start: date | None = None,
                     forecast: ForecastSource | None = None) -> Aggregates:
    """The operation's aggregates as known at the end of ``as_of``; changes over the period
    from ``period_start`` (default: the first day of ``as_of``'s month)."""
    start = period_start or as_of.replace(day=1)
    return compute_aggregates(read_facts(store, as_of), as_of=as_of, period_start=start,
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
