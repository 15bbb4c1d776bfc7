"""A family case for the casework tests: registered, two adults and a child (tests only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from web_world import World, person

from resettle.adapters.db.registry.store import store_batch
from resettle.core import Case, CaseStatus, Priority, RegistryBatch

FAMILY = "C-004"
MOTHER, FATHER, CHILD = f"{FAMILY}-P1", f"{FAMILY}-P2", f"{FAMILY}-P3"


def family_case() -> Case:
    mother = person(FAMILY, 1, ("Maryam", "Rahimi", "مریم", "رحیمی"))
    father = replace(person(FAMILY, 2, ("Iraj", "Rahimi", "ایرج", "رحیمی")),
                     relationship="spouse")
    child = replace(person(FAMILY, 3, ("Sara", "Rahimi", "سارا", "رحیمی")),
                    relationship="child", birth_date=date(2020, 6, 1))
    return Case(FAMILY, MOTHER, (mother, father, child), Priority.NORMAL,
                CaseStatus.REGISTERED, None, None, date(2012, 9, 1))


def add_family(database_url: str) -> None:
    """Store the family case in the world's database (before the app serves it)."""
    from resettle.adapters.db.engine import make_session_factory, open_database

    engine = open_database(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            store_batch(session, batch=RegistryBatch(cases=(family_case(),)))
    finally:
        engine.dispose()


def with_family(world: World) -> World:
    add_family(str(world.config.engine.url))
    return world
