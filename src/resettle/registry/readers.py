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


def read_csv(data: bytes, file: str) -> tuple[Table | None, list[Issue]]:
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
    table, issues = split_table(rows, file)
    if table is not None:
        table.guarded = True
    return table, issues


def read_xlsx(path: Path, sheet: str | None, file: str) -> tuple[Table | None, list[Issue]]:
    import openpyxl  # noqa: PLC0415 (0.5 s to import; CSV users never need it)
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        message = (
            f"the file is not a readable Excel workbook ({type(error).__name__}: {error}); "
            "open it in Excel or LibreOffice and save it again as .xlsx"
        )
        return None, [Issue("malformed_xlsx", message, file=file)]
    try:
        names = book.sheetnames
        sheet_name = sheet if sheet in names else names[0]
        worksheet = book[sheet_name]
        rows = [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        message = f"the workbook is damaged ({error}); save it again as .xlsx"
        return None, [Issue("malformed_xlsx", message, file=file)]
    finally:
        book.close()
    return split_table(rows, file)


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
