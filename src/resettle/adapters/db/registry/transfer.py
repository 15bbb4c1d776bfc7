"""Import registry files into the database and export them out: the whole path, one transaction.

``import_registry_files`` reads and checks every file (``resettle.registry``), joins persons to
their cases across files and to cases already stored, and writes everything in a single
transaction. Any problem anywhere raises ``ValidationError`` listing all of them, and the
database is left exactly as it was. Used by the CLI and the web app alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.engine import write_session
from resettle.adapters.db.registry.dedup_import import DuplicateCheck, import_duplicates
from resettle.adapters.db.registry.store import StoreCounts, get_cases, load_batch, store_batch
from resettle.core import Case, Issue, RegistryBatch
from resettle.errors import ValidationError
from resettle.registry import (
    ParsedFile,
    Progress,
    RecordKind,
    assemble_batch,
    read_records,
    write_records,
)

# A caller's own rules for a batch, given the cases already stored: the issues it breaks.
BatchCheck = Callable[[RegistryBatch, Mapping[str, Case]], Sequence[Issue]]
BatchAdjust = Callable[[RegistryBatch, Mapping[str, Case]], RegistryBatch]


@dataclass(frozen=True)
class ImportReport:
    files: tuple[tuple[Path, RecordKind | None, int], ...]  # path, kind, records read
    batch: RegistryBatch
    counts: StoreCounts
    # Rows that look like persons already registered (reported, never refused).
    duplicates: DuplicateCheck = field(default_factory=DuplicateCheck)


@dataclass(frozen=True)
class ImportProgress:
    """Hooks for a progress display; every one is optional."""

    reading: Callable[[Path], Progress | None] = lambda _path: None
    checking: Callable[[], None] = lambda: None
    writing: Callable[[int], Callable[[int], None] | None] = lambda _persons: None


def import_registry_files(
    session_factory: sessionmaker[Session],
    *,
    paths: Sequence[Path],
    kind: RecordKind | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Read, check and store ``paths`` together: all or nothing (``ValidationError``)."""
    hooks = progress or ImportProgress()
    parsed = [read_records(path, kind, progress=hooks.reading(path)) for path in paths]
    hooks.checking()
    # Closing without commit (any error, ValidationError included) rolls everything back.
    with write_session(session_factory) as session:
        batch, counts = store_parsed(session, parsed, writing=hooks.writing)
        session.commit()
    with write_session(session_factory) as session:  # the pairs found join the review queue
        duplicates = import_duplicates(session, parsed, batch)
        session.commit()
    files = tuple((p.path, p.kind, p.records_count) for p in parsed)
    return ImportReport(files, batch, counts, duplicates)


def store_parsed(
    session: Session,
    parsed: Sequence[ParsedFile],
    *,
    writing: Callable[[int], Callable[[int], None] | None] = lambda _persons: None,
    check: BatchCheck | None = None,
    adjust: BatchAdjust | None = None,
) -> tuple[RegistryBatch, StoreCounts]:
    """Join files already read to each other and to the stored cases, check them together
    (and with ``check``, the caller's own rules) and store them in the caller's transaction.
    ``ValidationError`` (listing every issue of every file) before anything is written.
    ``adjust``: the caller's changes to the assembled batch, given the stored cases (e.g.
    keeping the sections its user may not write as stored)."""
    existing = get_cases(session, case_ids=_referenced_cases(parsed))
    batch = assemble_batch(parsed, existing)
    if adjust is not None:
        batch = adjust(batch, existing)
    if check is not None and (issues := check(batch, existing)):
        raise ValidationError(issues)
    counts = store_batch(session, batch=batch, progress=writing(batch.persons_count))
    return batch, counts


def export_registry_records(
    session_factory: sessionmaker[Session],
    *,
    kind: RecordKind,
    path: Path,
    hxl: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write every stored record of ``kind`` to ``path`` (format from its extension)."""
    with session_factory() as session:
        batch = load_batch(
            session,
            cases=kind in (RecordKind.PERSONS, RecordKind.CASES),
            localities=kind is RecordKind.LOCALITIES,
            pledges=kind is RecordKind.PLEDGES,
        )
    return write_records(path, kind, batch, hxl=hxl, progress=progress)


def _referenced_cases(parsed: Sequence[ParsedFile]) -> set[str]:
    """Case ids the files mention: persons may join cases that are already stored."""
    ids = {person.case_id for file in parsed for person in file.persons}
    ids.update(header.case_id for file in parsed for header in file.cases)
    return ids
