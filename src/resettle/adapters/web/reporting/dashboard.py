"""Dashboard aggregates (counts only, no personal data) and their SVG figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from resettle.adapters.db.reporting.store import SqlReportingStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.reporting.records import Aggregates
from resettle.reporting.service import build_aggregates
from resettle.screening.service import due_day


@dataclass(frozen=True)
class Dashboard:
    funnel: list[tuple[str, int]]  # status -> cases, in pipeline order
    states: list[tuple[str, int, int, int]]  # country, pledged, placed, departed (persons)
    overdue: list[tuple[str, int]]  # priority -> overdue open cases

    def as_dict(self) -> dict[str, Any]:
        return {
            "funnel": [{"status": s, "cases": n} for s, n in self.funnel],
            "host_states": [{"country": c, "pledged": p, "placed": a, "departed": d}
                            for c, p, a, d in self.states],
            "overdue": [{"priority": p, "cases": n} for p, n in self.overdue],
        }


def dashboard_of(aggregates: Aggregates) -> Dashboard:
    """The dashboard's view of reporting's aggregates (the report and `case due` agree)."""
    return Dashboard(
        funnel=[(r.status.value, r.cases) for r in aggregates.funnel],
        states=[(p.country, p.made, p.used + p.reserved, p.used) for p in aggregates.pledges],
        overdue=[(priority.value, n) for priority, n in aggregates.overdue.items()],
    )


def dashboard_figures(session: Session, *, today: date) -> Dashboard:
    """As of screening's day (the records' own day for a past snapshot, see
    screening.deadlines.deadline_day): the same day `resettle case due` counts from."""
    day = due_day(SqlScreeningStore(session), today)
    return dashboard_of(build_aggregates(SqlReportingStore(session), day))


def bar_chart(title: str, rows: list[tuple[str, list[int]]], series: list[str]) -> str:
    """A horizontal grouped bar chart as inline SVG, with a text alternative for readers."""
    bar, gap, label_w, width = 14, 8, 170, 640
    top = 28 + 16 * len(series)
    height = top + len(rows) * (bar * len(series) + gap) + 10
    peak = max([v for _, values in rows for v in values] + [1])
    colours = ["#1f5f8b", "#e08a1e", "#3c8d4f"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" class="chart">',
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    for i, name in enumerate(series):
        y = 24 + 16 * i
        parts.append(f'<rect x="0" y="{y}" width="10" height="10" fill="{colours[i % 3]}"/>'
                     f'<text x="14" y="{y + 9}" class="chart-legend">{escape(name)}</text>')
    y = top
    for label, values in rows:
        parts.append(f'<text x="{label_w - 6}" y="{y + bar * len(values) / 2 + 4}" '
                     f'text-anchor="end">{escape(label)}</text>')
        for i, value in enumerate(values):
            w = (width - label_w - 60) * value / peak
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar - 2}" '
                         f'fill="{colours[i % 3]}"><title>{escape(label)}: {value}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 4}">{value}</text>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def dashboard_svgs(board: Dashboard) -> dict[str, str]:
    return {
        "funnel": bar_chart("Cases by status", [(s, [n]) for s, n in board.funnel if n],
                            ["cases"]),
        "states": bar_chart("Persons per host state",
                            [(c, [p, a, d]) for c, p, a, d in board.states],
                            ["pledged", "placed (accepted)", "departed"]),
        "overdue": bar_chart("Open cases past their target, by priority",
                             [(p, [n]) for p, n in board.overdue], ["cases"]),
    }
