"""The report's tables, each protected by small-cell suppression with its own totals.

Every count of persons or cases passes through :func:`~.suppression.suppress` (k = 5) before a
table or a figure shows it; a hidden count is ``None`` and reads as "·" with a footnote. Pledges
made are a state's public announcement, not a count of people, and are shown as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from resettle.core.person import Sex
from resettle.core.status import Priority
from resettle.reporting.records import STATUS_GROUP, Aggregates, StatusGroup
from resettle.reporting.stats import label
from resettle.reporting.suppression import K_DEFAULT, suppress

TOP_STATES = 5
OTHER_STATES = "other states"
Published = int | None


@dataclass(frozen=True)
class ReportTable:
    """Rows and columns with their totals (last row and last column), as published."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Published, ...], ...]  # (rows + total) x (columns + total)
    unit: str = "persons"
    row_totals: bool = True  # False: the columns are not parts of a whole; no total shown

    @property
    def hidden(self) -> int:
        return sum(v is None for row in self.cells for v in row)

    def column(self, name: str) -> list[Published]:
        j = self.columns.index(name)
        return [row[j] for row in self.cells[:-1]]


def protected(title: str, rows: Sequence[str], columns: Sequence[str],
              grid: Sequence[Sequence[int]], unit: str = "persons", *,
              k: int = K_DEFAULT, row_totals: bool = True) -> ReportTable:
    """Suppressed as if its row totals were published too, whether shown or not."""
    published = suppress(grid, k).published()
    return ReportTable(title, tuple(rows), tuple(columns),
                       tuple(tuple(r) for r in published), unit, row_totals)


def top_states(aggregates: Aggregates) -> list[str]:
    """The states that took most persons (then pledged most); the rest are grouped."""
    weight = Counter({p.country: p.used * 10_000 + p.made for p in aggregates.pledges})
    return [c for c, _ in weight.most_common(TOP_STATES)]


def _state(country: str, shown: Sequence[str]) -> str:
    return country if country in shown else OTHER_STATES


def funnel_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    """Cases by stage at the start and the end of the period (the change is their difference,
    shown where both are published)."""
    now: Counter[StatusGroup] = Counter()
    before: Counter[StatusGroup] = Counter()
    persons: Counter[StatusGroup] = Counter()
    for row in aggregates.funnel:
        group = STATUS_GROUP[row.status]
        now[group] += row.cases
        before[group] += row.cases - row.cases_change
        persons[group] += row.persons
    groups = list(StatusGroup)
    return protected("Cases by stage", [label(g) for g in groups],
                     ["cases at start", "cases at end", "persons at end"],
                     [[before[g], now[g], persons[g]] for g in groups], "cases", k=k,
                     row_totals=False)


def departures_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    shown = top_states(aggregates)
    months = sorted({m for m, _ in aggregates.departures})
    columns = [*shown, OTHER_STATES]
    grid = {m: Counter[str]() for m in months}
    for (month, country), persons in aggregates.departures.items():
        grid[month][_state(country, shown)] += persons
    used = [c for c in columns if any(grid[m][c] for m in months)]
    return protected("Departures per month and host state", months, used,
                     [[grid[m][c] for c in used] for m in months], "persons", k=k)


def pledges_table(aggregates: Aggregates, k: int = K_DEFAULT) -> tuple[ReportTable, list[int]]:
    """Persons departed (used) and accepted awaiting departure (reserved) per state, with the
    places each state pledged so far (public) beside."""
    rows = [p for p in aggregates.pledges if p.made or p.used or p.reserved]
    table = protected("Pledges made, used and open per host state", [p.country for p in rows],
                      ["used (departed)", "reserved (accepted)"],
                      [[p.used, p.reserved] for p in rows], "persons", k=k)
    return table, [p.made for p in rows]


def deadlines_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    return protected("Open cases past their deadline, by priority",
                     [label(p) for p in Priority], ["overdue", "due within 14 days"],
                     [[aggregates.overdue.get(p, 0), aggregates.due_soon.get(p, 0)]
                      for p in Priority], "cases", k=k, row_totals=False)


def decisions_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    """Host-state decisions per state, to date (cases)."""
    shown = top_states(aggregates)
    counts: dict[str, Counter[str]] = {}
    for row in aggregates.decisions:
        state = counts.setdefault(_state(row.country, shown), Counter())
        state.update({"referred": row.referred, "accepted": row.accepted,
                      "refused": row.refused, "withdrawn": row.withdrawn})
    states = [s for s in [*shown, OTHER_STATES] if s in counts]
    columns = ["referred", "accepted", "refused", "withdrawn"]
    return protected("Referrals and host-state decisions per state, to date", states, columns,
                     [[counts[s][c] for c in columns] for s in states], "cases", k=k,
                     row_totals=False)


def decisions_by_month(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    counts: dict[str, Counter[str]] = {}
    for row in aggregates.decisions:
        month = counts.setdefault(row.month, Counter())
        month.update({"referred": row.referred, "accepted": row.accepted,
                      "refused": row.refused})
    months = sorted(counts)
    columns = ["referred", "accepted", "refused"]
    return protected("Referrals and decisions per month (all states)", months, columns,
                     [[counts[m][c] for c in columns] for m in months], "cases", k=k,
                     row_totals=False)


def reasons_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    reasons = list(aggregates.refusal_reasons)
    return protected("Refusal reasons", reasons, ["cases"],
                     [[aggregates.refusal_reasons[r]] for r in reasons], "cases", k=k,
                     row_totals=False)


def population_table(aggregates: Aggregates, k: int = K_DEFAULT) -> ReportTable:
    """Persons by age band and sex, everyone registered by the end of the period."""
    bands = list(aggregates.persons_by_age_band)
    sexes = [s for s in Sex if aggregates.persons_by_sex.get(s)]
    return protected("Persons by age band and sex", bands, [label(s) for s in sexes],
                     [[aggregates.persons_by_age_sex.get((b, s), 0) for s in sexes]
                      for b in bands], "persons", k=k)
