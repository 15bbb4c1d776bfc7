"""write_records: one kind of record from a batch to CSV, XLSX or JSON (optionally with HXL)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from resettle.core import Issue, RegistryBatch
from resettle.core.csv_cells import formula_safe_writer
from resettle.errors import ValidationError
from resettle.registry.columns import COLUMNS, Column
from resettle.registry.kinds import (
    Values,
    case_values,
    locality_values,
    person_values,
    pledge_values,
)
from resettle.registry.records import FileFormat, Progress, RecordKind

PROGRESS_EVERY = 2000


def write_records(
    path: Path,
    kind: RecordKind,
    batch: RegistryBatch,
    *,
    hxl: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write every record of ``kind`` in ``batch``; return the number of rows written.

    The format follows the extension. The file appears whole or not at all: it is written
    beside the target and renamed over it at the end. ``hxl`` adds the hashtag row (for
    exchange between partners under a data-sharing agreement: it is personal data).
    """
    fmt = FileFormat.of(path)
    if fmt is None:
        message = f"cannot write '{path.suffix}' files; use .csv, .xlsx or .json"
        raise ValidationError([Issue("unknown_format", message, file=str(path))])
    columns = COLUMNS[kind]
    total = _count(kind, batch)
    rows = _with_progress(_values(kind, batch), total, progress)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        if fmt is FileFormat.CSV:
            _write_csv(Path(temporary), columns, rows, hxl)
        elif fmt is FileFormat.XLSX:
            _write_xlsx(Path(temporary), kind, columns, rows, hxl)
        else:
            _write_json(Path(temporary), kind, columns, rows, hxl)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return total


def _count(kind: RecordKind, batch: RegistryBatch) -> int:
    counts = {
        RecordKind.PERSONS: batch.persons_count,
        RecordKind.CASES: len(batch.cases),
        RecordKind.LOCALITIES: len(batch.localities),
        RecordKind.PLEDGES: len(batch.pledges),
    }
    return counts[kind]


def _values(kind: RecordKind, batch: RegistryBatch) -> Iterator[Values]:
    """Persons case by case, in member order, so reading them back rebuilds the same cases."""
    if kind is RecordKind.PERSONS:
        return (person_values(m) for case in batch.cases for m in case.members)
    if kind is RecordKind.CASES:
        return (case_values(case) for case in batch.cases)
    if kind is RecordKind.LOCALITIES:
        return (locality_values(locality) for locality in batch.localities)
    return (pledge_values(pledge) for pledge in batch.pledges)


def _with_progress(rows: Iterator[Values], total: int,
                   progress: Progress | None) -> Iterator[Values]:
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)


def _text_row(columns: tuple[Column, ...], values: Values) -> list[str]:
    return [
        "" if (value := values[c.name]) is None else c.codec.format(value) for c in columns
    ]


def _write_csv(path: Path, columns: tuple[Column, ...], rows: Iterator[Values],
               hxl: bool) -> None:
    # A byte-order mark lets Excel show Persian and Arabic names instead of mojibake.
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = formula_safe_writer(stream)
        writer.writerow([c.name for c in columns])
        if hxl:
            writer.writerow([c.hxl for c in columns])
        writer.writerows(_text_row(columns, values) for values in rows)


def _write_xlsx(path: Path, kind: RecordKind, columns: tuple[Column, ...],
                rows: Iterator[Values], hxl: bool) -> None:
    import openpyxl  # noqa: PLC0415 (0.5 s to import; CSV users never need it)

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(kind.value)
    sheet.append([c.name for c in columns])
    if hxl:
        sheet.append([c.hxl for c in columns])
    for values in rows:
        # Text cells keep ids like 0012 and years like 1972 exactly as they are.
        sheet.append([_xlsx_cell(sheet, text) for text in _text_row(columns, values)])
    book.save(path)


def _xlsx_cell(sheet: Any, text: str) -> Any:
    """openpyxl turns a string starting with '=' into a formula; keep it text."""
    if not text.startswith("="):
        return text
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 (openpyxl is loaded by now)

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _write_json(path: Path, kind: RecordKind, columns: tuple[Column, ...],
                rows: Iterator[Values], hxl: bool) -> None:
    """One record per line: readable, diff-friendly, and written as it goes."""
    head: dict[str, Any] = {"kind": kind.value}
    if hxl:
        head["hxl"] = {c.name: c.hxl for c in columns}
    with path.open("w", encoding="utf-8") as stream:
        stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [')
        separator = "\n"
        for values in rows:
            record = {
                c.name: None if (v := values[c.name]) is None else c.codec.to_json(v)
                for c in columns
            }
            stream.write(separator + json.dumps(record, ensure_ascii=False))
            separator = ",\n"
        stream.write("\n]}\n")
