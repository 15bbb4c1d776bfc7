"""What intake produces: record kinds, file formats, case headers and one parsed file."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from resettle.core import Category, Issue, Locality, Person, Pledge
from resettle.core.status import CaseStatus, Priority

# Files above this size are refused before a single byte is read (a field export is far smaller:
# 100,000 persons take about 30 MB of CSV).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_048_576  # a spreadsheet's own limit

# ``progress(done, total)``: called now and then while reading or writing, for a progress bar.
Progress = Callable[[int, int], None]


class RecordKind(StrEnum):
    PERSONS = "persons"
    CASES = "cases"
    LOCALITIES = "localities"
    PLEDGES = "pledges"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"

    @classmethod
    def of(cls, path: Path) -> FileFormat | None:
        """The format named by the file's extension, or None when it is not one we read."""
        try:
            return cls(path.suffix.lower().lstrip("."))
        except ValueError:
            return None


@dataclass(frozen=True)
class CaseHeader:
    """One row of a cases file: what a case says about itself before its members join it.

    ``size`` is the size the officer declared, checked against the members; None when the file
    leaves it blank (then nothing is checked).
    """

    case_id: str
    principal_id: str
    size: int | None = None
    processing_priority: Priority = Priority.NORMAL
    status: CaseStatus = CaseStatus.REGISTERED
    primary_category: Category | None = None
    secondary_category: Category | None = None
    registered_on: date | None = None


@dataclass(frozen=True)
class ParsedFile:
    """Everything read from one file. Records that could not be built are left out; why is in
    ``issues``. ``rows`` gives the source row of each record of the file's kind, in order, and
    ``rejected_ids`` the person and case ids of rows left out, so later checks stay quiet about
    them instead of piling up consequences of one bad row.
    """

    path: Path
    kind: RecordKind | None
    persons: tuple[Person, ...] = ()
    cases: tuple[CaseHeader, ...] = ()
    localities: tuple[Locality, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    issues: tuple[Issue, ...] = ()
    rows: tuple[int, ...] = ()
    rejected_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def records_count(self) -> int:
        return len(self.persons) + len(self.cases) + len(self.localities) + len(self.pledges)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk read.

    Parsing 100,000 persons allocates millions of small objects, none of which form cycles;
    the collector would rescan them again and again (about 40% of the parse time, measured).
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
