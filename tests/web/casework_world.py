"""A family case for the casework tests: registered, two adults and a child (tests only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from web_world import NOW, PASSWORD, World, person

from key_samples import key_env
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security import store as user_store
from resettle.core import Case, CaseStatus, Priority, RegistryBatch
from resettle.security.auth import new_totp_secret
from resettle.security.crypto import load_keyring
from resettle.security.policy import Role

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


# A second protection officer: a submission is recommended by another officer (four eyes).
SECOND_OFFICER = "protection2"
SECOND_TOTP = new_totp_secret()


def add_family(database_url: str, *, second_officer: bool = False) -> None:
    """Store the family case (and the second officer) in the world's database."""
    engine = open_database(database_url)
    keys = load_keyring(key_env())
    try:
        with make_session_factory(engine, keys=keys).begin() as session:
            store_batch(session, batch=RegistryBatch(cases=(family_case(),)))
            if second_officer:
                user_store.add_user(session, keys=keys, username=SECOND_OFFICER,
                                    role=Role.PROTECTION_OFFICER, password=PASSWORD,
                                    totp_secret=SECOND_TOTP, now=NOW)
    finally:
        engine.dispose()


def prepare_casework(database_url: str) -> None:
    add_family(database_url, second_officer=True)


def with_family(world: World) -> World:
    add_family(str(world.config.engine.url))
    return world
