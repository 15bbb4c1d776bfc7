"""assemble_batch: persons join their cases across files; cross-file rules are checked once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, TypeVar

from resettle.core import Case, Issue, IssueLog, Locality, Person, Pledge, RegistryBatch
from resettle.registry.records import CaseHeader, ParsedFile, gc_paused

T = TypeVar("T")


class _Located(NamedTuple):
    """A record and where it came from, so cross-file issues can point at the row."""

    record: Any
    file: str
    row: int | None


@dataclass
class _Index:
    """Records by id across every file; a second copy of an id is an issue, not a record."""

    id_field: str
    log: IssueLog
    items: dict[str, _Located] = field(default_factory=dict)

    def add(self, record_id: str, located: _Located) -> None:
        first = self.items.get(record_id)
        if first is None:
            self.items[record_id] = located
        elif first.file != located.file:  # read_records already reported repeats in a file
            self.log.add("duplicate_id", f"{record_id} is also in {first.file} row {first.row}; "
                         "keep one of them", field=self.id_field, row=located.row,
                         file=located.file, record=record_id)

    def records(self) -> list[Any]:
        return [located.record for located in self.items.values()]


def assemble_batch(
    files: Sequence[ParsedFile], existing_cases: Mapping[str, Case] | None = None
) -> RegistryBatch:
    """Join the persons of ``files`` to their cases and check what no single file can.

    New members may join cases already in the registry (``existing_cases``, by case id); a
    person already in the registry is replaced by the file's version of them (so importing the
    same files twice changes nothing). Raises ValidationError listing every issue of every file.
    """
    with gc_paused():
        return _assemble(files, existing_cases or {})


def _assemble(files: Sequence[ParsedFile], existing_cases: Mapping[str, Case]) -> RegistryBatch:
    log = IssueLog()
    for parsed in files:
        log.extend(parsed.issues)
    rejected = frozenset().union(*(parsed.rejected_ids for parsed in files))
    headers = _Index("case_id", log)
    persons = _Index("person_id", log)
    localities = _Index("locality_id", log)
    pledges = _Index("pledge_id", log)
    for parsed in files:
        _index(parsed, parsed.cases, headers, lambda h: h.case_id)
        _index(parsed, parsed.persons, persons, lambda p: p.person_id)
        _index(parsed, parsed.localities, localities, lambda loc: loc.locality_id)
        _index(parsed, parsed.pledges, pledges, lambda p: p.pledge_id)
    cases = _CaseBuilder(headers, persons, existing_cases, rejected, log).build()
    log.raise_if_any()
    return RegistryBatch(
        cases=tuple(cases),
        localities=tuple[Locality, ...](localities.records()),
        pledges=tuple[Pledge, ...](pledges.records()),
    )


def _index(parsed: ParsedFile, records: Iterable[T], index: _Index, key: Any) -> None:
    rows = parsed.rows
    for position, record in enumerate(records):
        row = rows[position] if position < len(rows) else None
        index.add(key(record), _Located(record, str(parsed.path), row))


@dataclass
class _CaseBuilder:
    headers: _Index
    persons: _Index
    existing: Mapping[str, Case]
    rejected: frozenset[str]
    log: IssueLog

    def build(self) -> list[Case]:
        joining: dict[str, list[Person]] = {}
        for located in self.persons.items.values():
            joining.setdefault(located.record.case_id, []).append(located.record)
        owner = self._owners_of({p.person_id for members in joining.values() for p in members})
        touched = dict.fromkeys([*self.headers.items, *joining, *owner.values()])
        cases = []
        for case_id in touched:
            case = self._build_case(case_id, joining.get(case_id, []))
            if case is not None:
                cases.append(case)
        return cases

    def _owners_of(self, person_ids: set[str]) -> dict[str, str]:
        """Which registry case each incoming person is in now (they may be moving)."""
        return {
            member.person_id: case.case_id
            for case in self.existing.values()
            for member in case.members
            if member.person_id in person_ids
        }

    def _build_case(self, case_id: str, joining: list[Person]) -> Case | None:
        old = self.existing.get(case_id)
        members = self._members(case_id, old, joining)
        header = self.headers.items.get(case_id)
        if header is not None:
            case = _case_from_header(header.record, members, old)
        elif old is not None:
            case = old.with_members(members)
        else:
            self._unknown_case(case_id, joining)
            return None
        if case_id not in self.rejected and not (members and self._any_rejected(members)):
            declared = header.record.size if header is not None else None
            where = header or (self.persons.items[joining[0].person_id] if joining else None)
            self.log.extend(_at(issue, where) for issue in case.own_issues(declared_size=declared))
        return case

    def _members(self, case_id: str, old: Case | None, joining: list[Person]) -> tuple[Person, ...]:
        """The registry's members in their order, updated or moved out; then the newcomers."""
        incoming = self.persons.items
        kept: list[Person] = []
        placed: set[str] = set()
        for member in old.members if old is not None else ():
            update = incoming.get(member.person_id)
            if update is None:
                kept.append(member)
            elif update.record.case_id == case_id:
                kept.append(update.record)
                placed.add(member.person_id)
        kept.extend(p for p in joining if p.person_id not in placed)
        return tuple(kept)

    def _any_rejected(self, members: tuple[Person, ...]) -> bool:
        return any(m.person_id in self.rejected for m in members)

    def _unknown_case(self, case_id: str, joining: list[Person]) -> None:
        if case_id in self.rejected:
            return  # its header row was refused and already reported
        for person in joining:
            where = self.persons.items[person.person_id]
            self.log.add("unknown_case", f"case {case_id} is in no cases file and not in the "
                         "registry; add a row for it to the cases file", field="case_id",
                         row=where.row, file=where.file, record=person.person_id)


def _case_from_header(header: CaseHeader, members: tuple[Person, ...], old: Case | None) -> Case:
    return Case(
        case_id=header.case_id,
        principal_id=header.principal_id,
        members=members,
        processing_priority=header.processing_priority,
        status=header.status,
        primary_category=header.primary_category,
        secondary_category=header.secondary_category,
        registered_on=header.registered_on,
        version=old.version if old is not None else 1,
    )


def _at(issue: Issue, where: _Located | None) -> Issue:
    if where is None:
        return issue
    return replace(issue, file=where.file, row=where.row)
