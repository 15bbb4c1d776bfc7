"""The scenario service's stores on the database (``resettle.simulation.ports``): a scenario's
registry batch and replayed screening history written in one unit of work, and a whole
database emptied before a scenario is loaded (the service checks it holds only synthetic
cases first: ``resettle.simulation.service``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from sqlalchemy import Engine, MetaData, Table, inspect, select
from sqlalchemy.orm import Session

from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.store import load_batch, store_batch
from resettle.adapters.db.registry.tables import CaseRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.screening.tables import CaseEventRow
from resettle.core import Case, RegistryBatch
from resettle.simulation.memory_store import MemoryScreeningStore

EVENT_CHUNK = 5000

_cases: Table = CaseRow.__table__  # type: ignore[assignment]
_events: Table = CaseEventRow.__table__  # type: ignore[assignment]


class SqlScenarioDatabase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def case_ids(self) -> Iterator[str]:
        if "cases" not in inspect(self.engine).get_table_names():
            return
        with self.engine.connect() as connection:
            yield from connection.scalars(select(_cases.c.case_id))

    def drop_everything(self) -> None:
        metadata = MetaData()
        metadata.reflect(self.engine)
        metadata.drop_all(self.engine)


class SqlScenarioStore:
    """Over the caller's session (its transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def cases_with_history(self, case_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(case_ids), 1000):
            chunk = case_ids[start : start + 1000]
            query = select(_events.c.case_id).where(_events.c.case_id.in_(chunk)).distinct()
            found.update(self.session.scalars(query))
        return found

    def stored_cases(self) -> tuple[Case, ...]:
        return load_batch(self.session, localities=False, pledges=False).cases

    def store_batch(self, batch: RegistryBatch,
                    progress: Callable[[int], None] | None = None) -> None:
        store_batch(self.session, batch=batch, progress=progress)

    def store_history(self, history: MemoryScreeningStore) -> None:
        """Copy settings, events, interviews, consents, exclusion reviews and the referrals
        the replay wrote with its refer steps into the database."""
        sql = SqlScreeningStore(self.session)
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
        SqlReferralStore(self.session).add_referrals(list(history.referrals.values()))
