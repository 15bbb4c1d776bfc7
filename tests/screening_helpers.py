"""Helpers for screening tests on a real database: a store per unit of work, a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.screening.store import SqlScreeningStore, screening_store
from resettle.core import Case, Category, RegistryBatch, Sex
from resettle.screening.records import Attendee, AttendeeKind, Interview

T = TypeVar("T")
START = datetime(2012, 2, 17, 9, 0)


class Clock:
    """Time moves forward one hour per action, so histories are strictly ordered."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def tick(self, hours: int = 1) -> datetime:
        self.now += timedelta(hours=hours)
        return self.now


def run(engine: Engine, work: Callable[[SqlScreeningStore], T]) -> T:
    """Run ``work`` in its own unit of work, as the web app or the CLI would."""
    with screening_store(engine) as store:
        return work(store)


def family_case(case_id: str = "F1", adults: int = 2, children: int = 1) -> Case:
    members = [make_person(f"{case_id}-A1", case_id)]
    members += [make_person(f"{case_id}-A{i}", case_id, relationship="spouse" if i == 2 else
                            "sibling", sex=Sex.FEMALE, birth_date=date(1975, 1, 1))
                for i in range(2, adults + 1)]
    members += [make_person(f"{case_id}-K{i}", case_id, relationship="child",
                            birth_date=date(2008, 6, 1)) for i in range(1, children + 1)]
    return make_case(case_id, members, secondary_category=Category.NO_ALTERNATIVE_SOLUTION)


def load_cases(session: Session, *cases: Case) -> None:
    store_batch(session, batch=RegistryBatch(cases=cases))
    session.commit()


def private_interview(case: Case, person_id: str, at: datetime, n: int = 1) -> Interview:
    return Interview(f"I-{person_id}-{n}", case.case_id, person_id, "officer-a", at, "fas",
                     (Attendee(AttendeeKind.INTERPRETER, "independent"),))
