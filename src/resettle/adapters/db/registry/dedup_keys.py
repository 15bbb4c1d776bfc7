"""The registry's deduplication index: blocking keys and comparison columns per person.

Kept in step by ``upsert.store_cases`` (every import, every case saved by a workflow step):
the members of a case written are re-indexed from the case itself, the persons removed are
dropped. ``SqlCandidateSource`` answers a check: the feature rows of the persons sharing a key
with the new one, by the keys table's primary key (``rule, key, person_id``) as an index, on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Date, Table, and_, column, delete, func, or_, select, table
from sqlalchemy.orm import Session

from resettle.adapters.db.bulk import insert_rows
from resettle.adapters.db.registry.dedup_tables import DedupFeatureRow, DedupKeyRow
from resettle.adapters.db.registry.members import members_only
from resettle.core.case import Case
from resettle.core.person import Person, Relative, Sex
from resettle.registry.dedup.blocking import (
    BLOCKING_RULE_NAMES,
    TF_PREFIX,
    blocking_keys,
    frequency_keys,
)
from resettle.registry.dedup.features import FeatureRow, person_features

_keys: Table = DedupKeyRow.__table__  # type: ignore[assignment]
_features: Table = DedupFeatureRow.__table__  # type: ignore[assignment]
# The persons' compared columns only, as every schema since 0001_registry has them.
_stored = table("persons", *(column(name) for name in (
    "person_id", "case_id", "member_index", "given_name", "family_name", "given_name_original",
    "family_name_original", "sex", "nationality")), column("birth_date", Date),
    column("details", JSON))
TOTAL_TTL_SECONDS = 60.0
_TOTALS: dict[str, tuple[float, int]] = {}  # database -> (when counted, persons indexed)
# database -> (tf rule, value) -> (when counted, persons with it)
_COUNTS: dict[str, dict[tuple[str, str], tuple[float, int]]] = {}
COUNTS_KEPT = 500_000  # values counted and kept per database before the cache starts again
READ_CHUNK = 2000  # cases read at once when the whole registry is indexed again
DELETE_CHUNK = 500  # ids (or values) per IN (...): under SQLite's and PostgreSQL's parameter limits
KEYS_PER_QUERY = 200  # (rule, key) pairs per IN (...): 400 parameters
# Candidates per person checked (four keys): a name and year shared by more persons than this
# says little, and the rest are cut rather than let one check read a region of the registry.
MAX_CANDIDATES = 5000


def index_cases(session: Session, cases: Sequence[Case], removed: Iterable[str] = (), *,
                fresh: bool = False) -> int:
    """Re-index every member of ``cases`` and drop ``removed`` persons; returns persons indexed.
    ``fresh``: nothing of theirs is indexed yet (a first import), so nothing is deleted."""
    key_rows: list[dict[str, Any]] = []
    feature_rows: list[dict[str, Any]] = []
    for case in cases:
        for member in case.members:
            row = person_features(member, case.members)
            feature_rows.append({"person_id": member.person_id, "case_id": case.case_id,
                                 "features": json.dumps(row, ensure_ascii=False)})
            key_rows.extend({"rule": rule, "key": key, "person_id": member.person_id}
                            for rule, key in (*blocking_keys(row), *frequency_keys(row)))
    if not fresh:
        forget(session, [r["person_id"] for r in feature_rows] + list(removed))
    insert_rows(session, _features, feature_rows)
    insert_rows(session, _keys, key_rows)
    return len(feature_rows)


def forget(session: Session, person_ids: Sequence[str]) -> None:
    """Drop the index rows of ``person_ids`` (removed, or about to be re-indexed)."""
    for start in range(0, len(person_ids), DELETE_CHUNK):
        chunk = person_ids[start:start + DELETE_CHUNK]
        session.execute(delete(_keys).where(_keys.c.person_id.in_(chunk)))
        session.execute(delete(_features).where(_features.c.person_id.in_(chunk)))


def reindex_registry(session: Session, *, merges: bool = True) -> int:
    """Index every stored person again (``resettle dedup index``; migration 1100 on a registry
    stored before it). Reads only the columns compared, present since the first migration, so
    it runs whatever later migrations add; sealed details are never opened. Records merged
    away as duplicates are left out; ``merges=False`` before their table exists."""
    session.execute(delete(_keys))
    session.execute(delete(_features))
    case_ids = list(session.scalars(select(_stored.c.case_id).distinct()
                                    .order_by(_stored.c.case_id)))
    indexed = 0
    for start in range(0, len(case_ids), READ_CHUNK):
        members: dict[str, list[Person]] = {}
        query = (select(_stored).where(_stored.c.case_id.in_(case_ids[start:start + READ_CHUNK]))
                 .order_by(_stored.c.case_id, _stored.c.member_index))
        if merges:
            query = members_only(query, _stored.c.person_id)
        for row in session.execute(query).mappings():
            members.setdefault(row["case_id"], []).append(_compared_person(row))
        cases = [Case(case_id, members=tuple(people), principal_id=people[0].person_id)
                 for case_id, people in members.items()]
        indexed += index_cases(session, cases, fresh=True)
    return indexed


def _compared_person(row: Any) -> Person:
    relatives = (row["details"] or {}).get("relatives", ())
    return Person(row["person_id"], row["case_id"], row["given_name"], row["family_name"],
                  Sex(row["sex"]), row["birth_date"], row["nationality"],
                  given_name_original=row["given_name_original"] or "",
                  family_name_original=row["family_name_original"] or "",
                  relatives=tuple(Relative(r["name"], r.get("relation", ""),
                                           r.get("country", "")) for r in relatives))


class SqlCandidateSource:
    """``CandidateSource`` on the database: persons sharing a blocking key, by index."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def candidates(self, keys: Sequence[tuple[str, str]],
                   limit: int = MAX_CANDIDATES) -> list[FeatureRow]:
        found: dict[str, FeatureRow] = {}
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = list(keys[start:start + KEYS_PER_QUERY])
            # OR of (rule, key) equalities: SQLite reads a row-value IN (...) by scanning
            # the table, an OR by one index search per key.
            ids = (select(_keys.c.person_id)
                   .where(or_(*(and_(_keys.c.rule == rule, _keys.c.key == key)
                                for rule, key in chunk)))
                   .distinct().limit(limit * -(-len(chunk) // len(BLOCKING_RULE_NAMES)))
                   .subquery())
            for person_id, text in self._session.execute(
                    select(_features.c.person_id, _features.c.features)
                    .where(_features.c.person_id.in_(select(ids)))):
                if person_id not in found:
                    found[person_id] = json.loads(text)
        return list(found.values())

    def frequencies(self, values: Mapping[str, Iterable[str]]) -> dict[str, dict[str, float]]:
        """For each column, the share of indexed persons with each of ``values`` (what
        Splink's term-frequency adjustment needs), from the ``tf:`` rows of the keys table.
        Counts are kept a minute per database, as the total is: a common spelling counted
        in a million-person index costs more than the rest of a check."""
        total = self._total()
        url = str(self._session.get_bind().engine.url)
        counted = _COUNTS.setdefault(url, {})
        if len(counted) > COUNTS_KEPT:
            counted.clear()
        now = time.monotonic()
        found: dict[str, dict[str, float]] = {}
        for name, wanted in values.items():
            rule = f"{TF_PREFIX}{name}"
            keys = sorted({value for value in wanted if value})
            stale = [k for k in keys
                     if now - counted.get((rule, k), (-TOTAL_TTL_SECONDS, 0))[0]
                     > TOTAL_TTL_SECONDS]
            fresh = dict.fromkeys(stale, 0)  # a value not in the index counts 0: left out
            for start in range(0, len(stale), DELETE_CHUNK):
                fresh.update((key, count) for key, count in self._session.execute(
                    select(_keys.c.key, func.count()).where(
                        _keys.c.rule == rule, _keys.c.key.in_(stale[start:start + DELETE_CHUNK]))
                    .group_by(_keys.c.key)))
            counted.update(((rule, k), (now, n)) for k, n in fresh.items())
            found[name] = {k: counted[(rule, k)][1] / total for k in keys
                           if counted[(rule, k)][1]}
        return found

    def _total(self) -> int:
        """The persons indexed, counted at most once a minute per database: a term frequency
        needs no exact denominator, and counting a million rows costs a check's budget."""
        url = str(self._session.get_bind().engine.url)
        at, total = _TOTALS.get(url, (0.0, 0))
        if time.monotonic() - at > TOTAL_TTL_SECONDS or not total:
            total = self.indexed_persons() or 1
            _TOTALS[url] = (time.monotonic(), total)
        return total

    def indexed_persons(self) -> int:
        return self._session.scalar(select(func.count()).select_from(_features)) or 0
