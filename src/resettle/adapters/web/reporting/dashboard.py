"""The dashboard: the operation's overview (reporting.overview, counts only, no personal data)
as SVG bar charts drawn at their real size, so their text is 13 px as shown, each with the same
figures as a table beside it; every bar opens the list it counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy.orm import Session

from resettle.adapters.db.reporting.store import SqlReportingStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.web.labels import MONTHS, words
from resettle.reporting.overview import Overview
from resettle.reporting.service import operation_overview
from resettle.screening.service import due_day

FONT_PX = 13  # chart text, in CSS pixels: the SVG is shown at its own size, never scaled down
BAR, GAP, LABEL_W, WIDTH = 18, 10, 190, 560
COLOURS = ["#1f5f8b", "#b35c00", "#2f7d44", "#6b5a8e"]  # 4.5:1 or more against white


@dataclass(frozen=True)
class Bar:
    value: int
    href: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Bar, ...]], ...]  # label, one bar per series


@dataclass(frozen=True)
class Dashboard:
    overview: Overview

    @property
    def overdue(self) -> list[tuple[str, int]]:
        return [(p.value, n) for p, n in self.overview.overdue]

    @property
    def states(self) -> list[tuple[str, int, int, int]]:  # country, pledged, placed, departed
        return [(r.country, r.made, r.used + r.reserved, r.used) for r in self.overview.pledges]

    def as_dict(self) -> dict[str, Any]:
        return as_dict(self.overview)


def dashboard_figures(session: Session, *, today: date) -> Dashboard:
    """As of screening's day (the records' own day for a past snapshot, see
    screening.deadlines.deadline_day): the same day `resettle case due` counts from."""
    day = due_day(SqlScreeningStore(session), today)
    return Dashboard(operation_overview(SqlReportingStore(session), day))


def as_dict(board: Overview) -> dict[str, Any]:
    """The API's view (codes, not words: a program reads it)."""
    return {
        "as_of": board.day.isoformat(),
        "persons_in_camp": board.persons_in_camp, "cases_open": board.cases_open,
        "funnel": [{"status": s.value, "cases": c, "persons": p} for s, c, p in board.funnel],
        "departures_by_month": [{"month": m, "persons": n} for m, n in board.departures],
        "host_states": [{"country": r.country, "pledged": r.made, "placed": r.used + r.reserved,
                         "departed": r.used, "open": r.open} for r in board.pledges],
        "overdue": [{"priority": p.value, "cases": n} for p, n in board.overdue],
        "due_this_week": [{"priority": p.value, "cases": n} for p, n in board.due_this_week],
    }


def _cases(**filters: str) -> str:
    return "/cases?" + urlencode(filters)


def month_words(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1][:3]} {year}"


def charts(board: Overview) -> list[Chart]:
    states = tuple((words(r.country, "country"), (
        Bar(r.made, "/placements"), Bar(r.used, _cases(status="departed")),
        Bar(r.reserved, _cases(status="accepted")), Bar(max(r.open, 0), "/placements")))
        for r in board.pledges)
    return [
        Chart("funnel", "Where the cases stand (cases)", ("cases",),
              tuple((words(s), (Bar(c, _cases(status=s.value)),)) for s, c, _ in board.funnel)),
        Chart("departures", "Departures per month (persons)", ("persons departed",),
              tuple((month_words(m), (Bar(n, _cases(status="departed")),))
                    for m, n in board.departures)),
        Chart("states", "Places per host state (persons)",
              ("pledged", "used (departed)", "reserved (accepted)", "still open"), states),
        Chart("deadlines", "Open cases by priority: past their deadline, and due this week",
              ("past the deadline", "due within 7 days"),
              tuple((words(p), (Bar(late, _cases(priority=p.value)),
                                Bar(week, _cases(priority=p.value))))
                    for (p, late), (_, week) in zip(board.overdue, board.due_this_week,
                                                    strict=True))),
    ]


def bar_chart(chart: Chart) -> str:
    """A horizontal grouped bar chart as inline SVG at its own pixel size, with a text
    alternative; each bar is a link to the list it counts."""
    series = len(chart.series)
    top = 8 + 20 * series
    height = top + max(len(chart.rows), 1) * (BAR * series + GAP) + 8
    peak = max([b.value for _, bars in chart.rows for b in bars] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
             f'aria-labelledby="{chart.key}-t" font-size="{FONT_PX}">'
             f'<title id="{chart.key}-t">{escape(chart.title)}: the table beside it holds '
             'the same figures</title>']
    for i, name in enumerate(chart.series):
        y = 4 + 20 * i
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{COLOURS[i]}"/>'
                     f'<text x="18" y="{y + 11}">{escape(name)}</text>')
    y = top
    for label, bars in chart.rows:
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + BAR * series / 2 + 5:.0f}" '
                     f'text-anchor="end">{escape(_short(label))}</text>')
        for i, bar in enumerate(bars):
            w = (WIDTH - LABEL_W - 56) * bar.value / peak
            shape = (f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR - 3}" '
                     f'fill="{COLOURS[i]}"><title>{escape(label)}, {escape(chart.series[i])}: '
                     f'{bar.value}</title></rect><text x="{LABEL_W + w + 4:.1f}" '
                     f'y="{y + BAR - 5}">{bar.value}</text>')
            # Named for what it opens; not "cases", which would shadow the menu's Cases link.
            name = (f"{label}: {bar.value}" if series == 1
                    else f"{label}, {chart.series[i]}: {bar.value}") + ", open the list"
            parts.append(f'<a href={quoteattr(bar.href)} aria-label={quoteattr(name)}>{shape}</a>'
                         if bar.href else shape)
            y += BAR
        y += GAP
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, room: int = 24) -> str:
    return label if len(label) <= room else label[:room - 1] + "…"


def dashboard_svgs(board: Dashboard) -> dict[str, str]:
    return {chart.key: bar_chart(chart) for chart in charts(board.overview)}
