"""The report's figures (matplotlib, SVG), drawn from the published tables only, each with a
text alternative that says what the figure shows in words and numbers.

A hidden (suppressed) count is drawn as nothing and named in the text alternative as hidden.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure as MplFigure

from resettle.reporting.records import ForecastBand
from resettle.reporting.tables import Published, ReportTable

COLOURS = ("#1f5f8b", "#e08a1e", "#3c8d4f", "#a23b72", "#6c757d", "#c9b458", "#5bc0de")
WIDTH_IN, HEIGHT_IN = 7.0, 2.6


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    svg: str
    alt: str  # the text alternative


def drawable(table: ReportTable) -> bool:
    """Whether any count of the table's body is published and positive."""
    return any(v for row in table.cells[:-1] for v in row[:-1])


def _value(v: Published) -> float:
    return 0.0 if v is None else float(v)


def _words(v: Published) -> str:
    return "hidden" if v is None else f"{v:,}"


def _svg(figure: MplFigure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _axes(height: float = HEIGHT_IN) -> tuple[MplFigure, object]:
    figure = MplFigure(figsize=(WIDTH_IN, height))
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _table_alt(table: ReportTable, columns: Sequence[str] | None = None) -> str:
    parts = []
    names = list(columns or table.columns)
    for label, row in zip(table.rows, table.cells, strict=False):
        values = ", ".join(f"{c} {_words(row[table.columns.index(c)])}" for c in names)
        parts.append(f"{label}: {values}")
    return "; ".join(parts) + "."


def grouped_bars(key: str, title: str, table: ReportTable, columns: Sequence[str],
                 *, horizontal: bool = True) -> Figure:
    """One group of bars per row, one bar per column, from the published cells."""
    rows = list(table.rows)
    figure, axes = _axes(max(2.2, 0.32 * len(rows) * max(1, len(columns)) ** 0.5 + 1.0)
                         if horizontal else HEIGHT_IN)
    positions = np.arange(len(rows))
    width = 0.8 / max(1, len(columns))
    for n, column in enumerate(columns):
        values = [_value(v) for v in table.column(column)]
        offsets = positions + (n - (len(columns) - 1) / 2) * width
        draw = axes.barh if horizontal else axes.bar  # type: ignore[attr-defined]
        draw(offsets, values, width, label=column, color=COLOURS[n % len(COLOURS)])
    if horizontal:
        axes.set_yticks(positions, rows)  # type: ignore[attr-defined]
        axes.invert_yaxis()  # type: ignore[attr-defined]
        axes.set_xlabel(table.unit)  # type: ignore[attr-defined]
    else:
        axes.set_xticks(positions, rows, rotation=60, ha="right")  # type: ignore[attr-defined]
        axes.set_ylabel(table.unit)  # type: ignore[attr-defined]
    if len(columns) > 1:
        axes.legend(frameon=False, fontsize=8)  # type: ignore[attr-defined]
    alt = f"{title} ({table.unit}). " + _table_alt(table, columns)
    return Figure(key, title, _svg(figure), alt)


def stacked_months(key: str, title: str, table: ReportTable) -> Figure:
    """Columns stacked per row (months along the bottom)."""
    figure, axes = _axes(3.2)
    positions = np.arange(len(table.rows))
    bottom = np.zeros(len(table.rows))
    for n, column in enumerate(table.columns):
        values = np.array([_value(v) for v in table.column(column)])
        axes.bar(positions, values, 0.8, bottom=bottom, label=column,  # type: ignore[attr-defined]
                 color=COLOURS[n % len(COLOURS)])
        bottom += values
    step = max(1, len(table.rows) // 16)
    axes.set_xticks(positions[::step], list(table.rows)[::step],  # type: ignore[attr-defined]
                    rotation=60, ha="right", fontsize=8)
    axes.set_ylabel(table.unit)  # type: ignore[attr-defined]
    axes.legend(frameon=False, fontsize=8, ncol=3)  # type: ignore[attr-defined]
    totals = [row[-1] for row in table.cells[:-1]]
    busiest = max(zip(totals, table.rows, strict=True), key=lambda t: _value(t[0]),
                  default=(None, ""))
    alt = (f"{title}: {len(table.rows)} months from {table.rows[0]} to {table.rows[-1]}; "
           f"{_words(table.cells[-1][-1])} {table.unit} in all; the busiest month was "
           f"{busiest[1]} with {_words(busiest[0])}. By state in all: "
           + ", ".join(f"{c} {_words(v)}" for c, v in zip(table.columns, table.cells[-1],
                                                          strict=False)) + ".")
    return Figure(key, title, _svg(figure), alt)


def pledges_figure(table: ReportTable, made: Sequence[int]) -> Figure:
    title = "Pledged places per host state: used, reserved and open"
    figure, axes = _axes(max(2.2, 0.3 * len(table.rows) + 1.0))
    positions = np.arange(len(table.rows))
    used = np.array([_value(v) for v in table.column("used (departed)")])
    reserved = np.array([_value(v) for v in table.column("reserved (accepted)")])
    # Open places only where the row's total is published: a hidden one would show through.
    taken = [row[-1] for row in table.cells[:-1]]
    open_places = np.array([max(m - t, 0) if t is not None else 0.0
                            for m, t in zip(made, taken, strict=True)], dtype=float)
    for values, left, name, colour in ((used, 0, "used (departed)", COLOURS[2]),
                                       (reserved, used, "reserved (accepted)", COLOURS[1]),
                                       (open_places, used + reserved, "open", "#d9d9d9")):
        axes.barh(positions, values, 0.7, left=left, label=name,  # type: ignore[attr-defined]
                  color=colour)
    axes.set_yticks(positions, list(table.rows))  # type: ignore[attr-defined]
    axes.invert_yaxis()  # type: ignore[attr-defined]
    axes.set_xlabel("places (persons)")  # type: ignore[attr-defined]
    axes.legend(frameon=False, fontsize=8)  # type: ignore[attr-defined]
    alt = f"{title}. " + "; ".join(
        f"{state}: {m:,} pledged, {_words(row[0])} used, {_words(row[1])} reserved"
        for state, m, row in zip(table.rows, made, table.cells, strict=False)) + "."
    return Figure("pledges", title, _svg(figure), alt)


def forecast_figure(band: ForecastBand) -> Figure:
    low_q, high_q = (100 - band.coverage) / 2, 100 - (100 - band.coverage) / 2
    title = (f"Forecast: persons still in the camp ({low_q:g}th to {high_q:g}th percentile of "
             "simulated runs)")
    figure, axes = _axes()
    months = [m for m, *_ in band.remaining]
    low = [lo for _, lo, _, _ in band.remaining]
    mid = [m for _, _, m, _ in band.remaining]
    high = [hi for _, _, _, hi in band.remaining]
    positions = np.arange(len(months))
    axes.fill_between(positions, low, high, color=COLOURS[0], alpha=0.25,  # type: ignore[attr-defined]
                      label=f"{low_q:g}th-{high_q:g}th percentile")
    axes.plot(positions, mid, color=COLOURS[0], label="median")  # type: ignore[attr-defined]
    step = max(1, len(months) // 12)
    axes.set_xticks(positions[::step], months[::step], rotation=60,  # type: ignore[attr-defined]
                    ha="right", fontsize=8)
    axes.set_ylabel("persons")  # type: ignore[attr-defined]
    axes.legend(frameon=False, fontsize=8)  # type: ignore[attr-defined]
    alt = (f"{title}. Last departure: median {band.last_departure_median}, between "
           f"{band.last_departure_low} and {band.last_departure_high} in {band.coverage}% of "
           f"{band.runs} runs. " + "; ".join(f"{m}: {mid:,} ({lo:,} to {hi:,})"
                                            for m, lo, mid, hi in band.remaining) + ".")
    return Figure("forecast", title, _svg(figure), alt)
