"""Likely duplicates of an import's rows: reported per row, the file never refused for them.

After the files are stored (and so indexed), each imported person is checked against the
registry's index with the latest trained model (``registry.dedup.service.check_persons``, one
scoring query for the whole import). A row may be a re-registration or a family member already
registered in another case: an officer looks, and merges through the review queue if so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from resettle.adapters.db.engine import write_session
from resettle.adapters.db.registry.dedup_keys import SqlCandidateSource
from resettle.adapters.db.registry.dedup_store import SqlPairStore, latest_model
from resettle.adapters.db.registry.tables import PersonRow
from resettle.core import RegistryBatch
from resettle.core.person import Person
from resettle.registry import ParsedFile
from resettle.registry.dedup.service import check_persons

MAX_CHECKED = 20_000  # rows checked per import; a larger one is checked by `resettle dedup run`
NO_MODEL = ("no deduplication model trained yet: run `resettle dedup run` once the registry "
            "holds a few hundred persons, and imports will list likely duplicates")


@dataclass(frozen=True)
class RowDuplicate:
    """One imported row that looks like a person already registered."""

    file: str
    row: int | None
    person_id: str
    names: str
    other_person_id: str
    other_case_id: str
    other_names: str
    probability: float
    reasons: str  # the fields that agree, strongest first


@dataclass(frozen=True)
class DuplicateCheck:
    duplicates: tuple[RowDuplicate, ...] = ()
    checked: int = 0
    note: str = ""  # why rows were not checked, if any


def display_names(given: str, family: str, given_original: str = "",
                  family_original: str = "") -> str:
    """Latin names, then the names as written in their own script when there are any."""
    latin = f"{given} {family}".strip()
    original = f"{given_original} {family_original}".strip()
    return f"{latin} ({original})" if original else latin


def _of(person: Person) -> str:
    return display_names(person.given_name, person.family_name, person.given_name_original,
                         person.family_name_original)


def import_duplicates(session: Session, parsed: Sequence[ParsedFile],
                      batch: RegistryBatch) -> DuplicateCheck:
    """Likely duplicates of every person row of ``parsed`` (stored as ``batch``)."""
    model = latest_model(session)
    if model is None:
        return DuplicateCheck(note=NO_MODEL)
    households = {case.case_id: case.members for case in batch.cases}
    located = [(str(p.path), row, person) for p in parsed
               for person, row in zip(p.persons, p.rows or [None] * len(p.persons), strict=False)]
    note = ""
    if len(located) > MAX_CHECKED:
        note = (f"the first {MAX_CHECKED:,} of {len(located):,} person rows were checked; "
                "run `resettle dedup run` for the whole registry")
        located = located[:MAX_CHECKED]
    checked = [(person, households.get(person.case_id, ())) for _, _, person in located]
    found = check_persons(SqlCandidateSource(session), checked, model)
    SqlPairStore(session).save_pairs((m for ms in found.values() for m in ms),
                                     found_by="import")  # into the review queue
    others = names_of(session, {m.right_id for ms in found.values() for m in ms})
    duplicates = tuple(
        RowDuplicate(file, row, person.person_id, _of(person), match.right_id,
                     others.get(match.right_id, ("", ""))[0], others.get(match.right_id,
                                                                ("", ""))[1],
                     match.match_probability, match.reasons)
        for file, row, person in located for match in found.get(person.person_id, ()))
    return DuplicateCheck(duplicates, len(located), note)


def names_of(session: Session, person_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Case id and display names of registry persons, by id."""
    found: dict[str, tuple[str, str]] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(select(
            PersonRow.person_id, PersonRow.case_id, PersonRow.given_name, PersonRow.family_name,
            PersonRow.given_name_original, PersonRow.family_name_original,
        ).where(PersonRow.person_id.in_(ids[start:start + 500])))
        for person_id, case_id, *names in rows:
            found[person_id] = (case_id, display_names(*names))
    return found


@dataclass(frozen=True)
class NamedPerson:
    person_id: str
    case_id: str
    latin: str  # given and family names in Latin letters
    original: str  # as written in their own script ("" when none was recorded)


def named_persons(session: Session, person_ids: set[str]) -> dict[str, NamedPerson]:
    """Registry persons' case and names (Latin, and in their own script), by id."""
    found: dict[str, NamedPerson] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(select(
            PersonRow.person_id, PersonRow.case_id, PersonRow.given_name, PersonRow.family_name,
            PersonRow.given_name_original, PersonRow.family_name_original,
        ).where(PersonRow.person_id.in_(ids[start:start + 500])))
        for person_id, case_id, given, family, given_original, family_original in rows:
            found[person_id] = NamedPerson(person_id, case_id, f"{given} {family}".strip(),
                                           f"{given_original} {family_original}".strip())
    return found


def duplicates_after_import(session_factory: sessionmaker[Session], parsed: Sequence[ParsedFile],
                            batch: RegistryBatch) -> DuplicateCheck:
    """The import's likely duplicates, in their own unit of work after the import committed
    (the pairs join the review queue; the import itself is never refused for them)."""
    with write_session(session_factory) as session:
        duplicates = import_duplicates(session, parsed, batch)
        session.commit()
    return duplicates
