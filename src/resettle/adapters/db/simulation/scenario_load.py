"""Loading a synthetic scenario: the registry batch plus the screening history replayed for it.

A scenario is only ever loaded into a database that holds nothing else: ``reset_synthetic_
database`` empties a database only when every case in it is synthetic (scenario ids), so a demo
can never wipe a real registry by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Engine, MetaData, Table, inspect, select
from sqlalchemy.orm import Session

from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.store import load_batch, store_batch
from resettle.adapters.db.registry.tables import CaseRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import CaseEventRow
from resettle.core import RegistryBatch
from resettle.errors import ConflictError
from resettle.simulation.memory_store import MemoryScreeningStore

# Case ids the scenario generators make (generate_ashraf, generate_random), and the ids that
# screening derives from them when it splits a case.
SYNTHETIC_CASE_ID = re.compile(r"(ASH-\d{5}|RC\d{7})(-\d+)*")
EVENT_CHUNK = 5000

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_events: Table = CaseEventRow.__table__  # type: ignore[assignment]


def real_case_ids(engine: Engine, limit: int = 3) -> list[str]:
    """A few ids of cases that no scenario generator made (empty if there are none)."""
    if "cases" not in inspect(engine).get_table_names():
        return []
    with engine.connect() as connection:
        ids = connection.scalars(select(_cases.c.case_id))
        return [i for i in ids if not SYNTHETIC_CASE_ID.fullmatch(i)][:limit]


def reset_synthetic_database(engine: Engine) -> None:
    """Drop every table of a database that holds only synthetic cases; refuse otherwise."""
    real = real_case_ids(engine)
    if real:
        raise ConflictError(
            f"the database holds cases no scenario made (e.g. {', '.join(real)}); it will not "
            "be emptied. Give another --database-url for the scenario or demo"
        )
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


def stored_history_cases(session: Session, case_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(case_ids), 1000):
        chunk = case_ids[start : start + 1000]
        query = select(_events.c.case_id).where(_events.c.case_id.in_(chunk)).distinct()
        found.update(session.scalars(query))
    return found


def store_scenario(
    session: Session, *, batch: RegistryBatch, history: MemoryScreeningStore | None = None,
    progress: Callable[[int], None] | None = None,
) -> bool:
    """Store the batch and its replayed history; False if exactly this is already stored.

    Idempotent: loading the same scenario again changes nothing. Loading a different one over
    cases that already have a history is refused (histories are append-only)."""
    with_history = stored_history_cases(session, [c.case_id for c in batch.cases])
    if with_history:
        stored = {c.case_id: replace(c, version=1) for c in load_batch(session).cases}
        if all(stored.get(c.case_id) == replace(c, version=1) for c in batch.cases):
            return False
        raise ConflictError(
            f"{len(with_history)} of these cases already have a screening history that differs "
            "from this scenario; load it into an empty database (--replace empties a "
            "database that holds only synthetic data)"
        )
    store_batch(session, batch=batch, progress=progress)
    if history is not None:
        store_screening_records(session, history)
    return True


def store_screening_records(session: Session, history: MemoryScreeningStore) -> None:
    """Copy settings, events, interviews, consents, exclusion reviews and the referrals the
    replay wrote with its refer steps into the database (one transaction: the caller's)."""
    sql = SqlScreeningStore(session)
    sql.save_settings(history.settings())
    events = history.all_events()
    for start in range(0, len(events), EVENT_CHUNK):
        sql.append_events(events[start : start + EVENT_CHUNK])
    for interview in history.all_interviews():
        sql.add_interview(interview)
    for consent in history.all_consents():
        sql.add_consent(consent)
    for review in history.reviews.values():
        sql.save_review(review)
    SqlReferralStore(session).add_referrals(list(history.referrals.values()))


def mark_records_as_of(session: Session, day: date) -> None:
    """Record that the stored records are a snapshot as of ``day`` (a scenario with its past
    history): deadlines count from that day (screening.deadlines.deadline_day)."""
    sql = SqlScreeningStore(session)
    settings = sql.settings()
    sql.save_settings(replace(settings, deadlines=replace(settings.deadlines,
                                                          records_as_of=day)))
