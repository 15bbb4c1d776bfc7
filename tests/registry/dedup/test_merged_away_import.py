"""An import that writes a record merged away as a duplicate is refused, row by row, before
anything is written: stored, the change would land on a record no stage reads any more.
SQLite and PostgreSQL through the real store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.registry.dedup.test_merged_away import _merge, _person, _world

from resettle.adapters.db.registry.store import SqlRegistryStore, get_case
from resettle.core.person import Person
from resettle.errors import ValidationError
from resettle.registry.records import ParsedFile, RecordKind
from resettle.registry.service import store_parsed


def _persons_file(*persons: Person, rows: tuple[int, ...] = ()) -> ParsedFile:
    return ParsedFile(Path("persons.csv"), RecordKind.PERSONS, persons=persons, rows=rows)


def test_a_row_writing_a_merged_away_record_is_refused_and_nothing_is_written(
        session: Session) -> None:
    _world(session)
    _merge(session)  # B-1 merged into A-1
    renamed = replace(_person("B-1", "B", "Zahra", date(1985, 3, 1)), family_name="Karimy")
    fine = _person("A-3", "A", "Shirin", date(2014, 1, 2))  # a new member: fine alone
    with pytest.raises(ValidationError) as raised:
        store_parsed(SqlRegistryStore(session), [_persons_file(fine, renamed, rows=(2, 3))])
    [issue] = raised.value.issues
    assert (issue.code, issue.row, issue.record, issue.field) == ("merged_away", 3, "B-1",
                                                                  "person_id")
    assert "merged into A-1" in issue.message and "act on A-1" in issue.message
    session.rollback()
    members = {m.person_id for m in get_case(session, case_id="A").members}
    assert members == {"A-1", "A-2", "B-2"}  # the good row was not written either


def test_rows_of_members_are_imported_as_before(session: Session) -> None:
    _world(session)
    _merge(session)
    updated = replace(_person("B-2", "A", "Nilofar", date(2012, 7, 8)), family_name="Karimy")
    store_parsed(SqlRegistryStore(session), [_persons_file(updated, rows=(2,))])
    session.commit()
    members = {m.person_id: m for m in get_case(session, case_id="A").members}
    assert members["B-2"].family_name == "Karimy" and "B-1" not in members
