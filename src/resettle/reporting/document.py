"""The monthly report as one HTML document (the PDF is this document printed by WeasyPrint).

Built from protected tables and the figures drawn from them: counts only, never a name or an
id. Every figure is an ``<img>`` with its text alternative, followed by its table.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from resettle.reporting import figures as fig
from resettle.reporting import tables as tab
from resettle.reporting.records import Aggregates
from resettle.reporting.tables import Published, ReportTable

HIDDEN = "·"
TITLE = "Resettlement operation: monthly report"
TITLE_FA = "گزارش ماهانهٔ عملیات اسکان مجدد"  # Persian: the same title
TITLE_AR = "التقرير الشهري لعملية إعادة التوطين"  # Arabic

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: "Aggregates only; counts of 1 to 4 suppressed. Page "
                         counter(page) " of " counter(pages); font-size: 8pt; color: #555;
                         font-family: "Noto Sans", "DejaVu Sans", sans-serif; } }
body { font-family: "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif;
       font-size: 10pt; line-height: 1.35; color: #111; }
h1 { font-size: 17pt; margin: 0 0 2pt 0; }
h2 { font-size: 13pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #1f5f8b;
     break-after: avoid; }
h2 + p { break-after: avoid; }
.rtl { direction: rtl; text-align: right; font-family: "Noto Sans Arabic", "DejaVu Sans",
       sans-serif; margin: 0; color: #333; }
.meta { color: #444; margin: 4pt 0 8pt 0; }
.synthetic { border: 1px solid #e08a1e; padding: 4pt 6pt; font-size: 9pt; }
.keys { display: flex; gap: 8pt; margin: 8pt 0; }
.key { border: 1px solid #ccc; padding: 4pt 6pt; flex: 1; }
.key b { display: block; font-size: 14pt; }
figure { margin: 6pt 0; break-inside: avoid; }
figure img { width: 100%; max-height: 78mm; object-fit: contain; }
figcaption { font-size: 8.5pt; color: #333; }
table { border-collapse: collapse; margin: 4pt 0 8pt 0; font-size: 8.5pt;
        break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding-bottom: 2pt; }
th, td { border: 1px solid #bbb; padding: 1.5pt 5pt; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td, td.total { font-weight: bold; background: #f2f2f2; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.tbl { break-inside: avoid; }
.note { font-size: 8.5pt; color: #444; }
.section { break-inside: auto; }
"""


@dataclass(frozen=True)
class ReportContent:
    aggregates: Aggregates
    month: str
    figures: Sequence[fig.Figure]


def _n(value: Published) -> str:
    return HIDDEN if value is None else f"{value:,}"


def table_html(table: ReportTable, *, extra: Sequence[tuple[str, Sequence[str]]] = ()) -> str:
    """``extra``: more columns (heading, one text per row plus one for the totals row)."""
    head = "".join(f'<th scope="col" class="n">{escape(c)}</th>' for c in table.columns)
    head += '<th scope="col" class="n">total</th>' if table.row_totals else ""
    head += "".join(f'<th scope="col" class="n">{escape(h)}</th>' for h, _ in extra)
    rows = []
    labels = [*table.rows, "total"]
    for i, (label, row) in enumerate(zip(labels, table.cells, strict=True)):
        total = i == len(labels) - 1
        shown = row if table.row_totals else row[:-1]
        cells = "".join(f'<td class="n{" total" if j == len(row) - 1 else ""}">{_n(v)}</td>'
                        for j, v in enumerate(shown))
        cells += "".join(f'<td class="n">{escape(values[i])}</td>' for _, values in extra)
        rows.append(f'<tr{" class=total" if total else ""}><th scope="row">{escape(label)}'
                    f"</th>{cells}</tr>")
    return (f'<div class="tbl"><table><caption>{escape(table.title)} '
            f"({escape(table.unit)})</caption>"
            f'<thead><tr><th scope="col"></th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


TOO_FEW = ('<p class="note"><i>No chart: every count in the table below is under 5, or '
           "hidden with one.</i></p>")


def figure_html(figure: fig.Figure | None) -> str:
    if figure is None:
        return TOO_FEW
    data = base64.b64encode(figure.svg.encode()).decode()
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(figure.alt)}">'
            f"<figcaption>{escape(figure.title)}</figcaption></figure>")


def _keys(a: Aggregates, departed_in_month: int | None) -> str:
    overdue = sum(a.overdue.values())
    items = [("persons registered", f"{a.persons:,}"), ("cases", f"{a.cases:,}"),
             ("persons departed to date", f"{a.persons_departed:,}"),
             ("departed this month", _n(departed_in_month)),
             ("open cases past their deadline", f"{overdue:,}")]
    return '<div class="keys">' + "".join(
        f'<div class="key"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in items) + "</div>"


Figures = dict[str, fig.Figure]


def _funnel_section(a: Aggregates, figures: Figures) -> str:
    table = tab.funnel_table(a)
    change = [_change(row[0], row[1]) for row in table.cells]
    return ("<h2>Pipeline</h2><p>Cases by stage at the start and the end of the month. "
            "A case's stage on a day is the one its recorded history left it in.</p>"
            + figure_html(figures.get("funnel")) + table_html(table, extra=[("change", change)]))


def _change(start: Published, end: Published) -> str:
    if start is None or end is None:
        return HIDDEN
    return f"{end - start:+,}"


def _departures_section(a: Aggregates, figures: Figures) -> str:
    if not a.departures:
        return ("<h2>Departures</h2><p><b>No departure had been recorded by "
                f"{a.as_of:%d %B %Y}.</b> The chart and table of departures per month and "
                "host state start with the first departure.</p>")
    return ("<h2>Departures</h2><p>Persons who departed, per month and host state (the five "
            "states that took most people; the rest together).</p>"
            + figure_html(figures.get("departures")) + table_html(tab.departures_table(a)))


def _pledges_section(a: Aggregates, figures: Figures) -> str:
    table, made = tab.pledges_table(a)
    if not table.rows:
        return "<h2>Pledges</h2><p>No host state had pledged places by then.</p>"
    open_places = [HIDDEN if row[-1] is None else f"{m - row[-1]:,}"
                   for m, row in zip([*made, sum(made)], table.cells, strict=True)]
    return ("<h2>Pledges</h2><p>Places pledged by each state so far (made), persons who "
            "departed to it (used), persons it accepted who have not yet left (reserved), "
            "and the places still open (negative: more people accepted than places "
            "pledged).</p>"
            + figure_html(figures.get("pledges"))
            + table_html(table, extra=[("made", [f"{m:,}" for m in [*made, sum(made)]]),
                                       ("open", open_places)]))


def _deadlines_section(a: Aggregates, figures: Figures) -> str:
    return ("<h2>Deadlines</h2><p>Open cases past the target of their priority, and those "
            "due within 14 days, on the last day of the month: before referral the processing "
            "priority's target from registration, once referred the submission priority's "
            "target from the referral (the operation's screening settings).</p>"
            + figure_html(figures.get("deadlines")) + table_html(tab.deadlines_table(a)))


def _decisions_section(a: Aggregates, figures: Figures) -> str:
    if not a.decisions:
        return ("<h2>Referrals and host-state decisions</h2><p><b>No case had been referred "
                f"to a host state by {a.as_of:%d %B %Y}.</b></p>")
    reasons = ""
    if a.refusal_reasons:
        reasons = (figure_html(figures.get("reasons")) + table_html(tab.reasons_table(a))
                   + '<p class="note">A reason given for fewer than five cases is counted '
                   "with the other rare reasons, never quoted.</p>")
    return ("<h2>Referrals and host-state decisions</h2><p>Cases referred, accepted, refused "
            "and withdrawn, per month and per state. A refusal never means return: the case "
            "is placed elsewhere.</p>" + figure_html(figures.get("decisions"))
            + table_html(tab.decisions_table(a)) + table_html(tab.decisions_by_month(a))
            + reasons)


def _population_section(a: Aggregates, figures: Figures) -> str:
    return ("<h2>Population</h2><p>Everyone registered by the end of the month, by age band "
            "and sex.</p>" + figure_html(figures.get("population"))
            + table_html(tab.population_table(a)))


def _forecast_section(a: Aggregates, figures: Figures) -> str:
    if a.forecast is None:
        return ("<h2>Forecast</h2><p><b>No forecast yet.</b> The forecast band of the last "
                "departure date and of persons still in the camp comes from the latest stored "
                "run of the operation simulator (<code>resettle simulate</code>, or the "
                "forecast page); none was stored for a day up to the end of this month.</p>")
    band = a.forecast
    if band.everyone_left_share >= 1.0:
        last = "Last departure"
    else:
        last = (f"In {1 - band.everyone_left_share:.0%} of the runs some persons find no place "
                f"in the pledges known (median {band.left_behind:,}): new pledges are needed. "
                "Last departure on the pledges known")
    rows = "".join(f'<tr><th scope="row">{escape(month)}</th><td class="n">{mid:,}</td>'
                   f'<td class="n">{low:,} – {high:,}</td></tr>'
                   for month, low, mid, high in band.remaining)
    table = ('<div class="tbl"><table><caption>Persons still in the camp at the end of each '
             f"month (simulated; median and {band.coverage}% band)</caption><thead><tr>"
             '<th scope="col">month</th><th scope="col" class="n">median</th>'
             f'<th scope="col" class="n">{band.coverage}% band</th></tr></thead>'
             f"<tbody>{rows}</tbody></table></div>")
    return ("<h2>Forecast</h2>" + figure_html(figures.get("forecast"))
            + f"<p>From the registry as it stood on {band.as_of:%d %B %Y}. {escape(last)}: "
              f"median {band.last_departure_median:%d %B %Y}; between "
              f"{band.last_departure_low:%d %B %Y} and {band.last_departure_high:%d %B %Y} "
              f"in {band.coverage}% of {band.runs:,} simulated runs.</p>" + table
            + (f'<p class="note">{escape(band.source)}</p>' if band.source else ""))


METHOD = (
    "<h2>Method</h2><p class=note>Counts come from the registry and the recorded history of "
    "every case (referrals, host-state decisions and movements), as known at the end of the "
    "last day of the month: later records are not used. Persons are counted with the "
    "members their case has now. Small-cell suppression: no count from 1 to 4 is published; "
    "further counts are hidden (·) so that none of them can be worked out from the totals. "
    "Each table is protected with its own totals. All data in the demonstration scenario is "
    "synthetic.</p>")


def report_html(content: ReportContent, *, generated: date) -> str:
    a = content.aggregates
    figures = {f.key: f for f in content.figures}
    month_row = tab.departures_table(a)
    departed_in_month = next((row[-1] for m, row in zip(month_row.rows, month_row.cells,
                                                          strict=False) if m == content.month),
                             0)
    body = "".join([
        f"<h1>{escape(TITLE)}</h1>",
        f'<p class="rtl" lang="fa">{TITLE_FA}</p><p class="rtl" lang="ar">{TITLE_AR}</p>',
        f'<p class="meta">Month: <b>{escape(content.month)}</b> — as known at the end of '
        f"{a.as_of:%d %B %Y}. Prepared {generated:%d %B %Y}.</p>",
        '<p class="synthetic">Aggregates only: no name and no identifier appears in this '
        "report.</p>",
        _keys(a, departed_in_month),
        _funnel_section(a, figures), _departures_section(a, figures),
        _pledges_section(a, figures), _deadlines_section(a, figures),
        _decisions_section(a, figures), _population_section(a, figures),
        _forecast_section(a, figures), METHOD,
    ])
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(TITLE)} {escape(content.month)}</title>"
            f"<style>{CSS}</style></head><body>{body}</body></html>")
