"""Raw reading: bytes on disk -> a header, an optional HXL row and rows of text cells.

Nothing here knows what the columns mean; problems with the file itself (encoding, broken
workbook, broken JSON, nothing in it) become Issues.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from resettle.core import Issue

_DELIMITERS = (",", ";", "\t")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HXL_TAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")
# Invisible characters that spreadsheets refuse and that no name should hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """A flat file: the header, the HXL hashtag row if any, and numbered rows of cells."""

    header: list[str]
    hxl: list[str] | None = None
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    guarded: bool = False  # cells may carry the CSV formula guard (see cells.guard_formula)


# A workbook is a zip of XML: its uncompressed size may be at most this many times the file
# size limit (a zip bomb is refused from the zip's directory, before anything is inflated).
XLSX_EXPANSION = 10
MAX_COLUMNS = 256  # registry files have a few dozen columns; a spreadsheet allows 16,384


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int
    max_uncompressed_bytes: int


@dataclass
class JsonRecords:
    kind: str | None
    records: list[tuple[int, Any]]


def normalise_name(name: str) -> str:
    """``Person ID`` and ``person-id`` both mean ``person_id``."""
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def is_hxl_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_HXL_TAG.fullmatch(c) for c in filled)


def split_table(rows: list[tuple[int, list[str]]], file: str) -> tuple[Table | None, list[Issue]]:
    """Header, optional hashtag row, then records; blank rows are skipped."""
    rows = [(n, cells) for n, cells in rows if "".join(cells).strip()]
    if not rows:
        return None, [_empty(file, "the file is empty: it has no header row")]
    (_, header), rest = rows[0], rows[1:]
    hxl = None
    if rest and is_hxl_row(rest[0][1]):
        hxl, rest = rest[0][1], rest[1:]
    if not rest:
        return None, [_empty(file, "the file has a header but no records")]
    return Table([h.strip() for h in header], hxl, rest), []


def _empty(file: str, why: str) -> Issue:
    return Issue("empty_file", f"{why}; export it again with one row per record", file=file)


def decode_utf8(data: bytes, file: str) -> tuple[str | None, list[Issue]]:
    """UTF-8 with or without a byte-order mark; anything else is refused with the place."""
    if data.startswith(_UTF16_BOMS):
        return None, [
            Issue("bad_encoding", "the file is UTF-16, not UTF-8; save it again as "
                  "'CSV UTF-8 (comma delimited)'", file=file, row=1)
        ]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        row = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        message = (
            f"byte 0x{byte:02X} at offset {error.start} is not UTF-8 (the file was probably "
            "saved as Windows-1256 or Latin-1); open it and save it again as "
            "'CSV UTF-8 (comma delimited)'"
        )
        return None, [Issue("bad_encoding", message, file=file, row=row)]


def _too_many_rows(file: str, limit: int) -> Issue:
    return Issue("too_many_rows", f"the file has more than {limit:,} rows; split it into "
                 "smaller files (for example by case id range) and import each", file=file)


def read_csv(data: bytes, file: str, *, max_rows: int = 2**62
             ) -> tuple[Table | None, list[Issue]]:
    text, issues = decode_utf8(data, file)
    if text is None:
        return None, issues
    control = _CONTROL.search(text)
    if control is not None:
        row = text.count("\n", 0, control.start()) + 1
        message = (
            f"an invisible control character (U+{ord(control.group()):04X}) is on this row; "
            "delete it (it often comes from copying out of another program)"
        )
        return None, [Issue("control_character", message, file=file, row=row)]
    first_line = text.split("\n", 1)[0]
    # Excel in many locales writes ';'-separated "CSV"; list cells then arrive quoted.
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(enumerate(reader, start=1))
    except csv.Error as error:
        message = f"the CSV cannot be read here ({error}); check quotes on this row"
        return None, [Issue("malformed_csv", message, file=file, row=reader.line_num)]
    if len(rows) > max_rows:
        return None, [_too_many_rows(file, max_rows)]
    table, issues = split_table(rows, file)
    if table is not None:
        table.guarded = True
    return table, issues


def read_xlsx(path: Path, sheet: str | None, file: str, limits: SheetLimits
              ) -> tuple[Table | None, list[Issue]]:
    """The sheet's rows, streamed (openpyxl read-only; XML through defusedxml, so no entity
    is expanded or fetched). A damaged or hostile workbook is an Issue, never an exception."""
    import openpyxl  # noqa: PLC0415 (0.5 s to import; CSV users never need it)

    problem = _zip_problem(path, limits.max_uncompressed_bytes, file)
    if problem is not None:
        return None, [problem]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # any failure of an untrusted file is its issue
        return None, [_malformed(file, error)]
    try:
        names = book.sheetnames
        worksheet = book[sheet if sheet in names else names[0]]
        return _sheet_rows(worksheet, file, limits.max_rows)
    except Exception as error:
        return None, [_malformed(file, error)]
    finally:
        book.close()


def _malformed(file: str, error: Exception) -> Issue:
    # The error's type only: its text could quote the file (a name) or a parser's internals.
    return Issue("malformed_xlsx", f"the file is not a readable Excel workbook "
                 f"({type(error).__name__}); open it in Excel or LibreOffice and save it again "
                 "as .xlsx", file=file)


def _zip_problem(path: Path, max_uncompressed: int, file: str) -> Issue | None:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        return _malformed(file, error)
    if inflated > max_uncompressed:
        return Issue("too_large_uncompressed", f"the workbook unpacks to "
                     f"{inflated / 2**20:,.0f} MB, above the limit of "
                     f"{max_uncompressed / 2**20:,.0f} MB; save it as CSV, or split it",
                     file=file)
    return None


def _sheet_rows(worksheet: Any, file: str, max_rows: int) -> tuple[Table | None, list[Issue]]:
    declared = worksheet.max_column if isinstance(worksheet.max_column, int) else 0
    if declared > MAX_COLUMNS:
        return None, [_too_many_columns(file)]
    rows: list[tuple[int, list[str]]] = []
    # max_col: read-only sheets pad every row to the widest one (16,384 cells for one cell
    # in column XFD); the limit keeps each row small whatever the sheet declares.
    for number, values in enumerate(
            worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
        if number > max_rows:
            return None, [_too_many_rows(file, max_rows)]
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            return None, [_too_many_columns(file)]
        rows.append((number, cells))
    return split_table(rows, file)


def _too_many_columns(file: str) -> Issue:
    return Issue("too_many_columns", f"the sheet has cells beyond column {MAX_COLUMNS}; "
                 "registry files have a few dozen columns: delete the stray cells on the "
                 "right, or save the sheet as CSV", file=file)


def _cell_text(value: Any) -> str:
    """Typed spreadsheet cells back to the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_json(data: bytes, file: str) -> tuple[JsonRecords | None, list[Issue]]:
    text, issues = decode_utf8(data, file)
    if text is None:
        return None, issues
    if not text.strip():
        return None, [_empty(file, "the file is empty")]
    document, problem = _load_json(text, file)
    if problem is not None:
        return None, [problem]
    kind = None
    if isinstance(document, dict):
        kind = document.get("kind") if isinstance(document.get("kind"), str) else None
        document = document.get("records")
    if not isinstance(document, list):
        message = 'expected a list of records, or {"kind": ..., "records": [...]}'
        return None, [Issue("malformed_json", message, file=file)]
    if not document:
        return None, [_empty(file, "the file has no records")]
    return JsonRecords(kind, list(enumerate(document, start=1))), []


def _load_json(text: str, file: str) -> tuple[Any, Issue | None]:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        message = f"the JSON is broken at line {error.lineno}, column {error.colno}: {error.msg}"
        return None, Issue("malformed_json", message, file=file, row=error.lineno)
    except RecursionError:
        message = "the JSON is nested far too deeply to be registry records"
        return None, Issue("malformed_json", message, file=file)
