"""The registry's services that the CLI and the web app call: import and export files, and
browse the stored cases.

``import_files`` reads and checks every file, joins persons to their cases across files and
to cases already stored, and writes everything in one unit of work. Any problem anywhere
raises ``ValidationError`` listing all of them, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from resettle.core import (
    Case,
    CaseStatus,
    Category,
    Dimension,
    Issue,
    Person,
    Priority,
    RegistryBatch,
)
from resettle.core.membership import Survivors, merged_away_error
from resettle.errors import ValidationError
from resettle.registry.assemble import assemble_batch
from resettle.registry.export import write_records
from resettle.registry.intake import read_records
from resettle.registry.ports import CaseReader, RegistryStore, StoreCounts
from resettle.registry.records import ParsedFile, Progress, RecordKind
from resettle.registry.search import matching_members

__all__ = [
    "NEED_FILTERS",
    "BatchAdjust",
    "BatchCheck",
    "CaseBrowse",
    "CaseFilters",
    "CaseReader",
    "ImportProgress",
    "ImportReport",
    "RegistryStore",
    "StoreCounts",
    "browse_cases",
    "export_records",
    "import_files",
    "store_parsed",
]

# A caller's own rules for a batch, given the cases already stored: the issues it breaks.
BatchCheck = Callable[[RegistryBatch, Mapping[str, Case]], Sequence[Issue]]
BatchAdjust = Callable[[RegistryBatch, Mapping[str, Case]], RegistryBatch]


@dataclass(frozen=True)
class ImportReport:
    files: tuple[tuple[Path, RecordKind | None, int], ...]  # path, kind, records read
    batch: RegistryBatch
    counts: StoreCounts
    parsed: tuple[ParsedFile, ...] = ()  # the rows read: per-row checks after the import


@dataclass(frozen=True)
class ImportProgress:
    """Hooks for a progress display; every one is optional."""

    reading: Callable[[Path], Progress | None] = lambda _path: None
    checking: Callable[[], None] = lambda: None
    writing: Callable[[int], Callable[[int], None] | None] = lambda _persons: None


def import_files(
    unit_of_work: Callable[[], AbstractContextManager[RegistryStore]],
    *,
    paths: Sequence[Path],
    kind: RecordKind | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Read, check and store ``paths`` together: all or nothing (``ValidationError``).

    The files are read before ``unit_of_work`` opens (the store's write transaction), so
    parsing a large file holds up no other writer."""
    hooks = progress or ImportProgress()
    parsed = [read_records(path, kind, progress=hooks.reading(path)) for path in paths]
    hooks.checking()
    with unit_of_work() as store:
        batch, counts = store_parsed(store, parsed, writing=hooks.writing)
    files = tuple((p.path, p.kind, p.records_count) for p in parsed)
    return ImportReport(files, batch, counts, tuple(parsed))


def store_parsed(
    store: RegistryStore,
    parsed: Sequence[ParsedFile],
    *,
    writing: Callable[[int], Callable[[int], None] | None] = lambda _persons: None,
    check: BatchCheck | None = None,
    adjust: BatchAdjust | None = None,
) -> tuple[RegistryBatch, StoreCounts]:
    """Join files already read to each other and to the stored cases, check them together
    (and with ``check``, the caller's own rules) and store them in the caller's unit of work.
    ``ValidationError`` (listing every issue of every file) before anything is written.
    ``adjust``: the caller's changes to the assembled batch, given the stored cases (e.g.
    keeping the sections its user may not write as stored)."""
    merged = merged_away_rows(parsed, store.survivors)
    existing = store.get_cases(_referenced_cases(parsed))
    try:
        batch = assemble_batch(parsed, existing)
    except ValidationError as error:
        raise ValidationError([*error.issues, *merged]) from None
    if merged:
        raise ValidationError(merged)
    if adjust is not None:
        batch = adjust(batch, existing)
    if check is not None and (issues := check(batch, existing)):
        raise ValidationError(issues)
    counts = store.store_batch(batch, writing(batch.persons_count))
    return batch, counts


def export_records(store: RegistryStore, *, kind: RecordKind, path: Path, hxl: bool = False,
                   progress: Progress | None = None) -> int:
    """Write every stored record of ``kind`` to ``path`` (format from its extension)."""
    batch = store.load_batch(
        cases=kind in (RecordKind.PERSONS, RecordKind.CASES),
        localities=kind is RecordKind.LOCALITIES,
        pledges=kind is RecordKind.PLEDGES,
    )
    return write_records(path, kind, batch, hxl=hxl, progress=progress)


def merged_away_rows(parsed: Sequence[ParsedFile], survivors: Survivors) -> list[Issue]:
    """A ``merged_away`` issue per row writing a record merged away as a duplicate: written, it
    would change a record no stage reads any more (the officer's change would be lost)."""
    found: list[Issue] = []
    for file in parsed:
        merged = survivors([person.person_id for person in file.persons])
        rows = file.rows if len(file.rows) == len(file.persons) else (None,) * len(file.persons)
        for person, row in zip(file.persons, rows, strict=True):
            if person.person_id in merged:
                error = merged_away_error(person.person_id, merged[person.person_id])
                found.append(Issue("merged_away", str(error), field="person_id", row=row,
                                   file=file.path.name, record=person.person_id))
    return found


def _referenced_cases(parsed: Sequence[ParsedFile]) -> set[str]:
    """Case ids the files mention: persons may join cases that are already stored."""
    ids = {person.case_id for file in parsed for person in file.persons}
    ids.update(header.case_id for file in parsed for header in file.cases)
    return ids


# What a case list can filter by need: every case needs persons' places.
NEED_FILTERS = tuple(d for d in Dimension if d is not Dimension.PERSONS)


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""  # search text: a case or person id, or words of a name
    status: CaseStatus | None = None
    priority: Priority | None = None
    category: Category | None = None
    need: Dimension | None = None
    nationality: str | None = None  # a member's (ISO3)


@dataclass(frozen=True)
class CaseBrowse:
    cases: tuple[Case, ...]
    total: int
    offset: int
    capped: bool = False  # a search found too many people to order them all
    matched: dict[str, list[Person]] = field(default_factory=dict)  # case: members found
    merged: tuple[tuple[str, str], ...] = ()  # found records merged away: (record, merged into)


def browse_cases(reader: CaseReader, filters: CaseFilters, *, on: date, offset: int,
                 limit: int, host_state: str | None) -> CaseBrowse:
    """One page of cases: found by the search text if there is one (the other filters then
    do not apply), else listed by the filters, most urgent first. ``on``: the day school
    places are counted for the need filter. ``host_state``: see :class:`CaseReader`."""
    if filters.need is not None and filters.need not in NEED_FILTERS:
        raise ValidationError([Issue("bad_value", "every case needs persons' places; filter "
                                     f"by one of {', '.join(NEED_FILTERS)}", field="needs")])
    text = filters.q.strip()
    if not text:
        page = reader.list_cases(status=filters.status, priority=filters.priority,
                                 category=filters.category,
                                 nationality=filters.nationality.upper()
                                 if filters.nationality else None,
                                 need=filters.need, on=on, offset=offset, limit=limit,
                                 host_state=host_state)
        return CaseBrowse(page.cases, page.total, offset, page.capped)
    page = reader.find_cases(text=filters.q, offset=offset, limit=limit, host_state=host_state)
    matched = {case.case_id: matching_members(case.members, filters.q) for case in page.cases}
    return CaseBrowse(page.cases, page.total, offset, page.capped, matched, page.merged)
