"""A small placement scenario added to the sample world: three cases ready for referral (four
persons) and two pledged localities with three places in all, so one place is scarce."""

from __future__ import annotations

from datetime import date

from web_world import person

from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.registry.store import store_batch
from resettle.core import Case, CaseStatus, Category, Locality, Pledge, Priority, RegistryBatch
from resettle.core.needs import Dimension

READY_NAMES = {
    "C-101": ("Maryam", "Rahimi", "مریم", "رحیمی"),
    "C-102": ("Hassan", "Jafari", "حسن", "جعفری"),
    "C-103": ("Zahra", "Moradi", "زهرا", "مرادی"),
}


def placement_batch() -> RegistryBatch:
    cases = []
    for n, (case_id, names) in enumerate(READY_NAMES.items()):
        members = tuple(person(case_id, k, names) for k in range(1, 3 if n == 0 else 2))
        cases.append(Case(case_id, f"{case_id}-P1", members, Priority.NORMAL,
                          CaseStatus.READY_FOR_REFERRAL, Category.LEGAL_PHYSICAL, None,
                          date(2012, 4, 1)))
    # The sample world's referred cases keep their places (C-001: 1 person with ALB, C-002:
    # 2 with DEU), so 2 + 1 places remain for the ready cases. Other kinds of places are
    # plenty (C-001 needs a medical place when a refusal returns it to placement).
    plenty = {d: 5 for d in Dimension}
    localities = (
        Locality("ALB-TIR", "ALB", "Tirana", capacity={**plenty, Dimension.PERSONS: 3}),
        Locality("DEU-BER", "DEU", "Berlin", capacity={**plenty, Dimension.PERSONS: 3}),
    )
    # Active whatever day the run is started on (the web starts runs for today).
    pledges = tuple(Pledge(f"PL-{c}", c, date(2000, 1, 1), date(2199, 12, 31), 10)
                    for c in ("ALB", "DEU"))
    return RegistryBatch(cases=tuple(cases), localities=localities, pledges=pledges)


def add_placement_scenario(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            store_batch(session, batch=placement_batch())
    finally:
        engine.dispose()
