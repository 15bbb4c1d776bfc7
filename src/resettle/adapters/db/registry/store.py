"""Registry repository: store and read cases, persons, localities and pledges.

Every function takes the caller's ``Session`` and keyword-only arguments, and never commits:
the caller owns the transaction, so an import of several files is all or nothing.
:class:`SqlRegistryStore` is the registry service's store (``resettle.registry.ports``) over
these functions; ``registry_store`` opens one as a unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, and_, func, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.engine import write_session
from resettle.adapters.db.registry.mapping import (
    Row,
    case_from_rows,
    case_to_row,
    locality_from_row,
    pledge_from_row,
)
from resettle.adapters.db.registry.members import members_only, survivors
from resettle.adapters.db.registry.name_search import cases_matching, merged_matching
from resettle.adapters.db.registry.tables import CaseRow, LocalityRow, PersonRow, PledgeRow
from resettle.adapters.db.registry.upsert import store_cases, store_localities, store_pledges
from resettle.adapters.db.sealing import open_person_row
from resettle.core import Case, CaseStatus, Category, Dimension, Priority, RegistryBatch
from resettle.core.person import SCHOOL_AGE_YEARS
from resettle.errors import ConflictError, NotFoundError
from resettle.registry.ports import StoreCounts
from resettle.registry.search import case_number

__all__ = [
    "CasePage",
    "SqlRegistryStore",
    "StoreCounts",
    "find_cases",
    "get_case",
    "get_cases",
    "list_cases",
    "load_batch",
    "registry_reader",
    "registry_store",
    "store_batch",
    "update_case",
]

T = TypeVar("T")

# How many cases are read per query when loading many: bounded IN lists and memory.
READ_CHUNK = 2000
MAX_ZEROS = 9  # leading zeros a case number may have been stored with

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_persons: Table = PersonRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class CasePage:
    """One page of a case listing, with the total so a caller can page on."""

    cases: tuple[Case, ...]
    total: int
    offset: int
    limit: int
    capped: bool = False  # a search matched more persons than it orders: total is a floor
    # A search's matches among records merged away as duplicates: (record, merged into).
    merged: tuple[tuple[str, str], ...] = ()


def store_batch(
    session: Session,
    *,
    batch: RegistryBatch,
    progress: Callable[[int], None] | None = None,
) -> StoreCounts:
    """Insert or update every record of ``batch``; storing the same batch twice changes nothing.

    A case whose row or members changed gets ``version + 1``; members no longer listed in a
    stored case are removed. ``progress`` is called with the number of persons just written.
    """
    counts = store_cases(session, cases=batch.cases, progress=progress)
    counts += store_localities(session, localities=batch.localities)
    counts += store_pledges(session, pledges=batch.pledges)
    return counts


def load_batch(
    session: Session, *, cases: bool = True, localities: bool = True, pledges: bool = True
) -> RegistryBatch:
    """Everything in the registry, ordered by id (members in their stored order).

    Leave out what you do not need: exporting pledges should not read 100,000 persons.
    """
    return RegistryBatch(
        cases=tuple(_all_cases(session)) if cases else (),
        localities=tuple(_all(session, LocalityRow.__table__, locality_from_row))
        if localities
        else (),
        pledges=tuple(_all(session, PledgeRow.__table__, pledge_from_row)) if pledges else (),
    )


def _all_cases(session: Session) -> Iterator[Case]:
    case_rows = session.execute(select(_cases).order_by(_cases.c.case_id)).mappings().all()
    for start in range(0, len(case_rows), READ_CHUNK):
        yield from _with_members(session, case_rows[start : start + READ_CHUNK])


def _all(session: Session, table: Any, build: Callable[[Any], T]) -> Iterator[T]:
    key = table.primary_key.columns.values()[0]
    for row in session.execute(select(table).order_by(key)).mappings():
        yield build(row)


def get_case(session: Session, *, case_id: str) -> Case:
    """The case with this id, members included; ``NotFoundError`` if there is none."""
    row = session.execute(select(_cases).where(_cases.c.case_id == case_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no case {case_id!r}; list cases with `resettle cases list`")
    return _with_members(session, [row])[0]


def get_cases(session: Session, *, case_ids: Iterable[str]) -> dict[str, Case]:
    """The cases among ``case_ids`` that exist, by id; unknown ids are simply absent."""
    wanted = sorted(set(case_ids))
    found: dict[str, Case] = {}
    for start in range(0, len(wanted), READ_CHUNK):
        ids = wanted[start : start + READ_CHUNK]
        rows = session.execute(select(_cases).where(_cases.c.case_id.in_(ids))).mappings().all()
        found.update((case.case_id, case) for case in _with_members(session, rows))
    return found


def list_cases(
    session: Session,
    *,
    status: CaseStatus | None = None,
    priority: Priority | None = None,
    category: Category | None = None,
    nationality: str | None = None,
    need: Dimension | None = None,
    on: date | None = None,
    offset: int = 0,
    limit: int = 50,
    within: Any = None,
) -> CasePage:
    """Cases matching every filter given, most urgent first, then by registration and id.

    ``need``: cases needing at least one place of that dimension (school places on the day
    ``on``, today by default); every case needs persons' places.
    """
    query = select(_cases)
    if need is not None and need is not Dimension.PERSONS:
        query = query.where(_needing(need, on or date.today()))
    if status is not None:
        query = query.where(_cases.c.status == status.value)
    if priority is not None:
        query = query.where(_cases.c.processing_priority == priority.value)
    if category is not None:
        query = query.where(_cases.c.primary_category == category.value)
    if nationality is not None:
        with_nationality = members_only(
            select(_persons.c.case_id).where(_persons.c.nationality == nationality))
        query = query.where(_cases.c.case_id.in_(with_nationality))
    if within is not None:  # a caller's record scope: a subquery of case ids
        query = query.where(_cases.c.case_id.in_(within))
    return _page(session, query, offset=offset, limit=limit)


NEED_COLUMNS = {
    Dimension.LARGE_FAMILY_UNITS: _cases.c.needs_large_family,
    Dimension.MEDICAL_PLACES: _cases.c.needs_medical,
    Dimension.ACCESSIBLE_UNITS: _cases.c.needs_accessible,
}


def _needing(need: Dimension, on: date) -> ColumnElement[bool]:
    """Each need a stored, indexed flag; school places from the members' birth dates."""
    if need is Dimension.SCHOOL_PLACES:
        first, last = min(SCHOOL_AGE_YEARS), max(SCHOOL_AGE_YEARS)
        school_age = members_only(select(_persons.c.case_id).where(
            _persons.c.birth_date <= _years_before(on, first),
            _persons.c.birth_date > _years_before(on, last + 1),
        ))
        return _cases.c.case_id.in_(school_age)
    return NEED_COLUMNS[need] == true()  # '= true' uses the index on PostgreSQL too


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def find_cases(
    session: Session, *, text: str, offset: int = 0, limit: int = 50, within: Any = None
) -> CasePage:
    """Cases whose id, or a member's id or name (Latin or original script), matches ``text``.

    Ids match exactly; names match as a case-insensitive substring. Past
    ``name_search.SEARCH_CAP`` matching persons the page is ``capped``: it orders the first
    ones found, and its total counts those only.
    """
    needle = text.strip()
    matching = cases_matching(session, needle, within=within)
    query = select(_cases).where(
        or_(_cases.c.case_id.in_(sorted({needle, needle.upper()})),
            _cases.c.case_id.in_(matching.case_ids), *_numbered(session, needle))
    )
    if within is not None:  # a caller's record scope: a subquery of case ids
        query = query.where(_cases.c.case_id.in_(within))
    page = _page(session, query, offset=offset, limit=limit)
    merged = merged_matching(session, needle, [case.case_id for case in page.cases])
    return replace(page, capped=matching.capped, merged=merged)


def _numbered(session: Session, text: str) -> list[Any]:
    """Case ids that end in the number ``text`` names, its prefix and leading zeros left out
    (``registry.search.case_number``): "123" finds ASH-00123, not ASH-01123."""
    number = case_number(text)
    if number is None:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return [_cases.c.case_id.op("~")(f"(^|[^0-9])0*{number}$")]
    padded = [("0" * zeros) + number for zeros in range(MAX_ZEROS + 1)]
    ending = and_(_cases.c.case_id.op("GLOB")(f"*{number}"),  # one cheap test first
                  or_(*(_cases.c.case_id.op("GLOB")(f"*[^0-9]{digits}") for digits in padded)))
    return [_cases.c.case_id.in_(padded), ending]


def update_case(session: Session, *, case: Case, expected_version: int) -> Case:
    """Write ``case`` if nobody changed it since ``expected_version``; return it at its new version.

    Raises ``ConflictError`` if the stored version differs (someone else saved first: reload
    and redo the change) and ``NotFoundError`` if the case does not exist.
    """
    new_version = expected_version + 1
    result = session.execute(
        update(_cases)
        .where(_cases.c.case_id == case.case_id, _cases.c.version == expected_version)
        .values(**case_to_row(case), version=new_version)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        stored = session.scalar(select(_cases.c.version).where(_cases.c.case_id == case.case_id))
        if stored is None:
            raise NotFoundError(f"no case {case.case_id!r} to update")
        raise ConflictError(
            f"case {case.case_id} was changed by someone else (version {stored}, you had "
            f"{expected_version}); reload it and make your change again"
        )
    # Members are replaced through the same upsert an import uses; it must not bump again.
    store_cases(session, cases=[case], bump_versions=False)
    return replace(case, version=new_version)


def _page(
    session: Session, query: Select[Any], *, offset: int, limit: int, count_in_page: bool = False
) -> CasePage:
    """One ordered page and the total.

    ``count_in_page``: count with a window function in the page query itself, so a search
    scans the persons once, not twice; a plain list keeps its separate count, which an index
    answers, so that its page can stop after ``limit`` rows of the list-order index.
    """
    # priority_rank is Priority.rank stored with each case: the index ix_cases_list_order.
    order = (_cases.c.priority_rank, _cases.c.registered_on, _cases.c.case_id)
    if count_in_page:
        counted = query.add_columns(func.count().over().label("_total"))
        rows = session.execute(counted.order_by(*order).offset(offset).limit(limit)).mappings()
        page = rows.all()
        if page:
            total = int(page[0]["_total"])
            return CasePage(tuple(_with_members(session, page)), total, offset, limit)
        if offset == 0:
            return CasePage((), 0, offset, limit)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(*order).offset(offset).limit(limit)).mappings()
    return CasePage(tuple(_with_members(session, rows.all())), total, offset, limit)


def _with_members(session: Session, case_rows: Sequence[Any]) -> list[Case]:
    """Attach members to case rows with one query, keeping the rows' order."""
    ids = [row["case_id"] for row in case_rows]
    members: dict[str, list[Row]] = {case_id: [] for case_id in ids}
    for member in _member_rows(session, ids):
        members[member["case_id"]].append(member)
    return [case_from_rows(row, members[row["case_id"]]) for row in case_rows]


def _member_rows(session: Session, case_ids: Sequence[str]) -> Iterator[Row]:
    if not case_ids:
        return
    # Without the records merged away as duplicates (registry.dedup.merging): every stage
    # reading a case counts the person once.
    query = members_only(
        select(_persons)
        .where(_persons.c.case_id.in_(case_ids))
        .order_by(_persons.c.case_id, _persons.c.member_index)
    )
    for row in session.execute(query).mappings():
        yield open_person_row(session, dict(row))


class SqlRegistryStore:
    """The registry service's store over one session (the caller's transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_cases(self, case_ids: Iterable[str]) -> dict[str, Case]:
        return get_cases(self.session, case_ids=case_ids)

    def store_batch(self, batch: RegistryBatch,
                    progress: Callable[[int], None] | None = None) -> StoreCounts:
        return store_batch(self.session, batch=batch, progress=progress)

    def load_batch(self, *, cases: bool = True, localities: bool = True,
                   pledges: bool = True) -> RegistryBatch:
        return load_batch(self.session, cases=cases, localities=localities, pledges=pledges)

    def survivors(self, person_ids: Iterable[str]) -> dict[str, str]:
        return survivors(self.session, person_ids)


@contextmanager
def registry_store(session_factory: sessionmaker[Session]) -> Iterator[SqlRegistryStore]:
    """One writing unit of work: committed if the block succeeds; closing without the commit
    (any error, ``ValidationError`` included) rolls everything back."""
    with write_session(session_factory) as session:
        yield SqlRegistryStore(session)
        session.commit()


@contextmanager
def registry_reader(session_factory: sessionmaker[Session]) -> Iterator[SqlRegistryStore]:
    """A store for reading only (an export): no write transaction, nothing committed."""
    with session_factory() as session:
        yield SqlRegistryStore(session)
