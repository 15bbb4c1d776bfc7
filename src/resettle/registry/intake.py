"""read_records: one file in, every record it holds and every problem with it out."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from resettle.core import Issue
from resettle.registry.cells import CellError, unguard_formula
from resettle.registry.codecs import Codec
from resettle.registry.columns import (
    COLUMNS,
    DEFAULT,
    ID_COLUMN,
    Column,
    infer_kind,
    normalise_hxl,
)
from resettle.registry.kinds import SPECS, partial_issues
from resettle.registry.readers import (
    XLSX_EXPANSION,
    JsonRecords,
    SheetLimits,
    Table,
    normalise_name,
    read_csv,
    read_json,
    read_xlsx,
)
from resettle.registry.records import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    FileFormat,
    ParsedFile,
    Progress,
    RecordKind,
    gc_paused,
)

PROGRESS_EVERY = 2000


def read_records(
    path: Path,
    kind: RecordKind | None = None,
    *,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ParsedFile:
    """Read one file of persons, cases, localities or pledges.

    Never raises for what is in the file: each problem is an Issue (file, row, column, code,
    message). The kind is taken from the columns when not given.
    """
    file = str(path)
    fmt = FileFormat.of(path)
    if fmt is None:
        message = f"'{path.suffix}' files are not read; use .csv, .xlsx or .json"
        return _failed(path, kind, Issue("unknown_format", message, file=file))
    problem = _size_problem(path, max_bytes)
    if problem is not None:
        return _failed(path, kind, problem)
    with gc_paused():
        if fmt is FileFormat.XLSX:
            limits = SheetLimits(max_rows, XLSX_EXPANSION * max_bytes)
            table, issues = read_xlsx(path, kind.value if kind else None, file, limits)
            return _parse_table(path, kind, table, issues, progress)
        try:
            data = path.read_bytes()
        except OSError as error:
            message = f"cannot read the file: {error.strerror}"
            return _failed(path, kind, Issue("unreadable_file", message, file=file))
        if fmt is FileFormat.CSV:
            table, issues = read_csv(data, file, max_rows=max_rows)
            return _parse_table(path, kind, table, issues, progress)
        records, issues = read_json(data, file)
        return _parse_json(path, kind, records, issues, progress)


def _failed(path: Path, kind: RecordKind | None, *issues: Issue) -> ParsedFile:
    return ParsedFile(path=path, kind=kind, issues=tuple(issues))


def _size_problem(path: Path, max_bytes: int) -> Issue | None:
    """Checked from the directory entry alone, so a huge file is refused without reading it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        return Issue("unreadable_file", f"cannot open the file: {error.strerror}", file=str(path))
    if size > max_bytes:
        message = (
            f"the file is {size / 2**20:,.0f} MB, above the limit of {max_bytes / 2**20:,.0f} MB; "
            "split it into smaller files (for example by case id range) and import each"
        )
        return Issue("file_too_large", message, file=str(path))
    return None


@dataclass
class _Collector:
    """Accumulates the records of one kind, their rows and every issue."""

    kind: RecordKind
    file: str
    records: list[Any] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    # False when a required column is missing: rows are still checked, nothing is built.
    complete: bool = True

    def issue(self, code: str, message: str, column: str = "", row: int | None = None,
              record: str = "") -> None:
        self.issues.append(Issue(code, message, field=column, row=row, file=self.file,
                                 record=record))

    def add(self, row: int, values: dict[str, Any], errors: list[Issue]) -> None:
        record_id = str(values.get(ID_COLUMN[self.kind], ""))
        if record_id:
            first = self.seen.setdefault(record_id, row)
            if first != row:
                self.issue("duplicate_id", f"{record_id} is also on row {first}; ids must be "
                           "unique", ID_COLUMN[self.kind], row, record_id)
        if errors or not self.complete:
            failed = {e.field for e in errors}
            found = partial_issues(self.kind, values, failed)
            self.issues.extend(replace(e, record=record_id) for e in errors)
            self.issues.extend(replace(i, row=row, file=self.file, record=record_id)
                               for i in found)
            self.rejected.update(str(v) for k, v in values.items() if k in _ID_NAMES and v)
            return
        spec = SPECS[self.kind]
        record = spec.build(values)
        found = spec.issues(record)
        if found:
            self.issues.extend(replace(i, row=row, file=self.file) for i in found)
        self.records.append(record)
        self.rows.append(row)

    def result(self, path: Path, early: Iterable[Issue]) -> ParsedFile:
        by_kind = {self.kind.value: tuple(self.records)}
        return ParsedFile(path=path, kind=self.kind, issues=(*early, *self.issues),
                          rows=tuple(self.rows), rejected_ids=frozenset(self.rejected), **by_kind)


_ID_NAMES = frozenset({"person_id", "case_id"})


def _parse_table(path: Path, kind: RecordKind | None, table: Table | None,
                 issues: list[Issue], progress: Progress | None) -> ParsedFile:
    if table is None:
        return _failed(path, kind, *issues)
    file = str(path)
    names = [normalise_name(h) for h in table.header]
    tags = [normalise_hxl(t) if t.strip() else "" for t in table.hxl or []]
    found = infer_kind(set(names)) or _kind_from_tags(tags)
    if kind is not None and found is not None and found is not kind:
        return _failed(path, kind, *issues, _wrong_kind(file, kind, found))
    kind = kind or found
    if kind is None:
        return _failed(path, None, *issues, _unknown_kind(file))
    mapping, unused, header_issues = _map_columns(names, tags, table.header, kind, file)
    collector = _Collector(kind, file)
    collector.complete = not any(i.code == "missing_column" for i in header_issues)
    plan = _plan(mapping)
    width = len(names)
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        values, errors = _read_cells(cells, plan, row, file, table.guarded)
        if unused or len(cells) > width:
            _check_unused(collector, cells, unused, width, row)
        collector.add(row, values, errors)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return collector.result(path, [*issues, *header_issues])


# Per mapped column: index, column, parse (None: the text itself), value required, blank value.
_Step = tuple[int, Column, Callable[[str], Any] | None, bool, Any]


def _plan(mapping: list[tuple[int, Column]]) -> list[_Step]:
    """Everything the row loop needs, looked up once: it runs for every cell of the file."""
    return [
        (index, column, None if type(column.codec) is Codec else _memoised(column.codec.parse),
         column.value_required, column.blank)
        for index, column in mapping
    ]


def _memoised(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Field files repeat the same cells (``fas:native;eng:basic``, ``IRQ``, a condition) on
    thousands of rows; parse each distinct text once per file. Values are immutable, so rows
    may share them. Cells that fail are not remembered: they raise again, row by row."""
    seen: dict[str, Any] = {}

    def parse_once(text: str) -> Any:
        try:
            return seen[text]
        except KeyError:
            value = seen[text] = parse(text)
            return value

    return parse_once


def _read_cells(cells: list[str], plan: list[_Step], row: int,
                file: str, guarded: bool) -> tuple[dict[str, Any], list[Issue]]:
    values: dict[str, Any] = {}
    errors: list[Issue] = []
    width = len(cells)
    for index, column, parse, required, blank in plan:
        text = cells[index].strip() if index < width else ""
        if not text:
            if required or blank is not DEFAULT:
                _blank(column, values, errors, row, file)
            continue
        if guarded and text[0] == "'":
            text = unguard_formula(text)
        if parse is None:
            values[column.name] = text
            continue
        try:
            values[column.name] = parse(text)
        except CellError as error:
            errors.append(Issue(error.code, error.message, field=column.name, row=row,
                                file=file))
    return values, errors


def _blank(column: Column, values: dict[str, Any], errors: list[Issue], row: int,
           file: str) -> None:
    if column.value_required:
        message = f"{column.name} is required on every row (e.g. {column.example})"
        errors.append(Issue("missing_value", message, field=column.name, row=row, file=file))
    elif column.blank is not DEFAULT:
        values[column.name] = column.blank


def _check_unused(collector: _Collector, cells: list[str], unused: list[int], width: int,
                  row: int) -> None:
    """Values under no known column would be silently lost: say so."""
    extra = [i for i in unused if i < len(cells) and cells[i].strip()]
    extra += [i for i in range(width, len(cells)) if cells[i].strip()]
    for index in extra:
        collector.issue("unknown_column", f"column {index + 1} has a value but no known "
                        "name; name the column or delete the value", f"column {index + 1}", row)


def _map_columns(names: list[str], tags: list[str], header: list[str], kind: RecordKind,
                 file: str) -> tuple[list[tuple[int, Column]], list[int], list[Issue]]:
    """Header names first; an unknown name whose HXL hashtag is known maps by the hashtag."""
    columns = COLUMNS[kind]
    by_name = {c.name: c for c in columns}
    by_tag = {normalise_hxl(c.hxl): c for c in columns}
    mapping: dict[str, int] = {}
    unused: list[int] = []
    issues: list[Issue] = []
    for index, name in enumerate(names):
        tag = tags[index] if index < len(tags) else ""
        column = by_name.get(name) or by_tag.get(tag)
        if column is None and name:
            issues.append(_unknown_column(header[index], list(by_name), file))
        elif column is None:
            unused.append(index)  # no name: its values, if any, are reported row by row
        elif column.name in mapping:
            issues.append(Issue("duplicate_column", f"{column.name} appears twice; keep one",
                                field=column.name, row=1, file=file))
        else:
            mapping[column.name] = index
    for column in columns:
        if column.required and column.name not in mapping:
            issues.append(Issue("missing_column", f"the {kind} file needs a {column.name} column "
                                f"({column.doc} e.g. {column.example})", field=column.name,
                                row=1, file=file))
    return [(i, by_name[n]) for n, i in mapping.items()], unused, issues


def _unknown_column(name: str, known: list[str], file: str) -> Issue:
    close = difflib.get_close_matches(normalise_name(name), known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return Issue("unknown_column", f"'{name}' is not a column of this file; {hint}see "
                 "docs/data-format.md for the columns", field=name, row=1, file=file)


def _kind_from_tags(tags: list[str]) -> RecordKind | None:
    for kind, id_name in ID_COLUMN.items():
        column = next(c for c in COLUMNS[kind] if c.name == id_name)
        if normalise_hxl(column.hxl) in tags and kind is not RecordKind.CASES:
            return kind
    return None


def _wrong_kind(file: str, expected: RecordKind, found: RecordKind) -> Issue:
    return Issue("wrong_kind", f"{expected} were expected but this looks like a file of "
                 f"{found}; import it as {found}", file=file, row=1)


def _unknown_kind(file: str) -> Issue:
    return Issue("unknown_kind", "cannot tell what the file holds: it has no person_id, "
                 "case_id, locality_id or pledge_id column; name the columns as in "
                 "docs/data-format.md or say which kind of records it holds", file=file, row=1)


def _parse_json(path: Path, kind: RecordKind | None, document: JsonRecords | None,
                issues: list[Issue], progress: Progress | None) -> ParsedFile:
    if document is None:
        return _failed(path, kind, *issues)
    file = str(path)
    keys: dict[str, int] = {}
    for number, record in document.records:
        if isinstance(record, dict):
            for key in record:
                keys.setdefault(key, number)
    declared = RecordKind(document.kind) if document.kind in set(RecordKind) else None
    found = declared or infer_kind(set(keys))
    if kind is not None and found is not None and found is not kind:
        return _failed(path, kind, *issues, _wrong_kind(file, kind, found))
    kind = kind or found
    if kind is None:
        return _failed(path, None, *issues, _unknown_kind(file))
    by_name = {c.name: c for c in COLUMNS[kind]}
    collector = _Collector(kind, file)
    for key, first in keys.items():
        if key not in by_name:
            issue = _unknown_column(key, list(by_name), file)
            collector.issues.append(replace(issue, row=first))
    absent = {c.name for c in COLUMNS[kind] if c.required} - set(keys)
    collector.complete = not absent
    for name in sorted(absent):
        collector.issue("missing_column", f"no record has {name}; every {kind} record needs it",
                        name, None)
    _parse_json_records(document, kind, collector, absent, progress)
    return collector.result(path, issues)


def _parse_json_records(document: JsonRecords, kind: RecordKind, collector: _Collector,
                        absent: set[str], progress: Progress | None) -> None:
    columns = [c for c in COLUMNS[kind] if c.name not in absent]
    total = len(document.records)
    for done, (number, record) in enumerate(document.records, start=1):
        if not isinstance(record, dict):
            collector.issue("malformed_json", "each record must be an object {...}", row=number)
            continue
        values, errors = _read_json_record(record, columns, number, collector.file)
        collector.add(number, values, errors)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)


def _read_json_record(record: dict[str, Any], columns: list[Column], row: int,
                      file: str) -> tuple[dict[str, Any], list[Issue]]:
    values: dict[str, Any] = {}
    errors: list[Issue] = []
    for column in columns:
        value = record.get(column.name)
        if value is None or value == "":
            _blank(column, values, errors, row, file)
            continue
        try:
            values[column.name] = column.codec.from_json(value)
        except CellError as error:
            errors.append(Issue(error.code, error.message, field=column.name, row=row,
                                file=file))
    return values, errors

