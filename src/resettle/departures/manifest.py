"""A flight's manifest as CSV and as a printable HTML page, from the same rows.

Only what the movement needs: who boards (names, sex, date of birth, nationality, for the
airline and the border), the case they fly with, and whether an escort accompanies them. No
needs, no history, no medical detail beyond the escort's kind.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

from resettle.core.csv_cells import formula_safe_writer
from resettle.departures.movement import MANIFEST_FIELDS, ManifestRow
from resettle.departures.records import Flight

HEADINGS = ("Flight", "Case", "Person", "Family name", "Given name", "Sex", "Date of birth",
            "Nationality", "Escort", "Status")


def manifest_csv(rows: Sequence[ManifestRow]) -> str:
    out = io.StringIO()
    writer = formula_safe_writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_FIELDS)
    for row in rows:
        writer.writerow(_cells(row))
    return out.getvalue()


def _cells(row: ManifestRow) -> list[str]:
    return [str(getattr(row, name)) for name in MANIFEST_FIELDS]


def manifest_html(flight: Flight, rows: Sequence[ManifestRow]) -> str:
    """A self-contained page (no script, inline print style) to print or save as PDF."""
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in HEADINGS)
    body = "".join("<tr>" + "".join(f"<td dir=\"auto\">{escape(c)}</td>" for c in _cells(r))
                   + "</tr>" for r in rows)
    cases = len({r.case_id for r in rows})
    title = f"Manifest {flight.flight_id}"
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>"
        "body{font-family:sans-serif;margin:1.5cm}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #444;padding:2px 6px;font-size:10pt;text-align:left}"
        "@page{size:A4 landscape;margin:1cm}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p>{escape(flight.kind)} flight from {escape(flight.origin)} to "
        f"{escape(flight.destination)}, departing {flight.departs_at:%Y-%m-%d %H:%M} UTC; "
        f"{len(rows)} person(s) in {cases} case(s) on {flight.seats} seats; "
        f"{flight.escorts} escort(s) aboard.</p>"
        f"<table><caption>Persons boarding</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
        "<p>Confidential: personal data for this movement only. Destroy after arrival.</p>"
        "</body></html>")
