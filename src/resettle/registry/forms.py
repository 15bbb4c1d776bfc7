"""Records typed in a form, read exactly as the rows of a file.

A registration form sends the same columns as a file (``COLUMNS``), as text; they go through
the same reading as an uploaded file (columns, codecs, required values, per-record checks)
and then the same assembly and storage. No rule is restated here or in the web adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from resettle.core import Case, Person
from resettle.registry.columns import COLUMNS
from resettle.registry.intake import _parse_table
from resettle.registry.kinds import case_values, person_values
from resettle.registry.readers import Table
from resettle.registry.records import ParsedFile, RecordKind


def form_columns(kind: RecordKind) -> list[str]:
    """The column names a form of ``kind`` may send, in the files' order."""
    return [column.name for column in COLUMNS[kind]]


def read_form(kind: RecordKind, rows: Sequence[Mapping[str, str]],
              name: str = "form") -> ParsedFile:
    """``rows`` (column name -> text; a missing name is a blank cell) as one file's rows.

    Issues name the column as their field and ``name`` as their file, like an upload's.
    """
    header = form_columns(kind)
    table = Table(header, None,
                  [(number, [str(row.get(h, "")) for h in header])
                   for number, row in enumerate(rows, start=1)])
    return _parse_table(Path(f"{name}.csv"), kind, table, [], None)


def person_cells(person: Person) -> dict[str, str]:
    """A stored person as the form's text (the same formatting as an exported file)."""
    return _cells(RecordKind.PERSONS, person_values(person))


def case_cells(case: Case) -> dict[str, str]:
    return _cells(RecordKind.CASES, case_values(case))


def _cells(kind: RecordKind, values: Mapping[str, Any]) -> dict[str, str]:
    return {c.name: "" if (value := values[c.name]) is None else c.codec.format(value)
            for c in COLUMNS[kind]}
