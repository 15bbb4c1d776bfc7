"""Dashboard aggregates (counts only, no personal data) and their SVG figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast
from xml.sax.saxutils import escape

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from resettle.adapters.db.referral.tables import ReferralRow
from resettle.adapters.db.tables import CaseRow, PersonRow, PledgeRow
from resettle.core import CaseStatus, Priority

_cases = cast(Table, CaseRow.__table__)
_persons = cast(Table, PersonRow.__table__)
_pledges = cast(Table, PledgeRow.__table__)
_referrals = cast(Table, ReferralRow.__table__)

# Default targets per processing priority (DOMAIN.md; configurable in screening).
TARGET_DAYS = {Priority.EMERGENCY: 7, Priority.URGENT: 42, Priority.NORMAL: 365}
FINISHED = (CaseStatus.DEPARTED, CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.EXCLUDED)


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


def dashboard_figures(session: Session, *, today: date) -> Dashboard:
    counts: dict[str, int] = dict(session.execute(
        select(_cases.c.status, func.count()).group_by(_cases.c.status)).all())
    funnel = [(s.value, int(counts.get(s.value, 0))) for s in CaseStatus]
    pledged = dict(session.execute(
        select(_pledges.c.country, func.sum(_pledges.c.places_persons))
        .group_by(_pledges.c.country)).all())
    size = select(_persons.c.case_id, func.count().label("n")).group_by(
        _persons.c.case_id).subquery()
    accepted = session.execute(
        select(_referrals.c.country, _cases.c.status, func.sum(size.c.n))
        .join(_cases, _cases.c.case_id == _referrals.c.case_id)
        .join(size, size.c.case_id == _referrals.c.case_id)
        .where(_referrals.c.state == "accepted")
        .group_by(_referrals.c.country, _cases.c.status)).all()
    placed: dict[str, int] = {}
    departed: dict[str, int] = {}
    for country, status, persons in accepted:
        placed[country] = placed.get(country, 0) + int(persons or 0)
        if status == CaseStatus.DEPARTED.value:
            departed[country] = departed.get(country, 0) + int(persons or 0)
    countries = sorted(set(pledged) | set(placed))
    states = [(c, int(pledged.get(c) or 0), placed.get(c, 0), departed.get(c, 0))
              for c in countries]
    overdue = []
    for priority in Priority:
        cutoff = today - timedelta(days=TARGET_DAYS[priority])
        n = session.scalar(select(func.count()).select_from(_cases).where(
            _cases.c.processing_priority == priority.value,
            _cases.c.registered_on < cutoff,
            _cases.c.status.not_in([s.value for s in FINISHED])))
        overdue.append((priority.value, int(n or 0)))
    return Dashboard(funnel, states, overdue)


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
