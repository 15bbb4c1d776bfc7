"""A small registry with one user per role, served by the real app on a real database.

Imported by tests/web/conftest.py (fixtures) and by the web tests (helpers, markers).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from key_samples import key_env, next_totp
from referral_helpers import Clock, make_ready, refer_ready
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security import notes_store as casework_store
from resettle.adapters.db.security import store as user_store
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig
from resettle.core import (
    Case,
    CaseStatus,
    Category,
    MedicalCondition,
    Person,
    Pledge,
    Priority,
    RegistryBatch,
    Relative,
    Severity,
    Sex,
)
from resettle.referral.agreements import AgreementBook, DataSharingAgreement
from resettle.referral.fields import RRF_MINIMUM
from resettle.security.auth import new_token, new_totp_secret, token_digest
from resettle.security.crypto import load_keyring
from resettle.security.policy import Role, Section

PASSWORD = "correct horse battery staple"
NOW = datetime(2013, 5, 15, 9, 0, tzinfo=UTC)
# One marker per field section: a test finds it where the section is visible, never elsewhere.
MARKERS: dict[Section, tuple[str, ...]] = {
    Section.IDENTITY: ("Karimi", "کریمی"),
    Section.RELATIVES: ("Relativename",),
    Section.MEDICAL: ("renal-MEDX", "MED-NOTE-SECRET"),
    Section.VIOLENCE: ("VIOLENCE-NOTE-SECRET", "survivor_of_torture"),
    Section.EXCLUSION: ("former_combatant", "EXCL-NOTE-SECRET"),
    Section.CONFIDENTIAL: ("CONF-NOTE-SECRET",),
}
# The host states of the sample world: a case may be referred only to a state that pledged.
HOST_PLEDGES = tuple(Pledge(f"PL-{c}", c, date(2013, 1, 1), date(2013, 12, 31), 20)
                     for c in ("ALB", "DEU"))
# ALB's agreement allows languages, specific needs and medical conditions (sealed); DEU's is
# the RRF minimum.
WORLD_AGREEMENTS = AgreementBook((
    DataSharingAgreement("ALB", "2012-1", date(2012, 1, 1), "admission and reception", 1825,
                         RRF_MINIMUM | {"languages", "specific_needs", "medical_conditions"}),
    DataSharingAgreement("DEU", "2012-1", date(2012, 1, 1), "admission decision", 365),
))
USERS = {
    Role.ADMINISTRATOR: "admin",
    Role.REGISTRATION_OFFICER: "registrar",
    Role.PROTECTION_OFFICER: "protection",
    Role.EXCLUSION_REVIEWER: "exclusion",
    Role.PLACEMENT_OFFICER: "placement",
    Role.HOST_STATE_LIAISON: "liaison_alb",
    Role.AUDITOR: "auditor",
    Role.MOVEMENT_OFFICER: "movement",
    Role.ANALYST: "analyst",
}


def person(case_id: str, n: int, names: tuple[str, str, str, str], **extra: object) -> Person:
    given, family, given_fa, family_fa = names
    return Person(person_id=f"{case_id}-P{n}", case_id=case_id, given_name=given,
                  family_name=family, given_name_original=given_fa,
                  family_name_original=family_fa, sex=Sex.FEMALE if n % 2 else Sex.MALE,
                  birth_date=date(1970 + n, 3, 21), nationality="IRN",
                  relationship="principal" if n == 1 else "sibling", **extra)  # type: ignore[arg-type]


def sample_cases() -> tuple[Case, ...]:
    shirin = person("C-001", 1, ("Shirin", "Karimi", "شیرین", "کریمی"),
                    medical_conditions=(MedicalCondition("renal-MEDX", Severity.SEVERE,
                                                         ("dialysis",)),),
                    profiles=("former_combatant",),
                    specific_needs=("survivor_of_torture", "older_person"),
                    relatives=(Relative("Relativename Karimi", "brother", "DEU"),))
    return (
        Case("C-001", "C-001-P1", (shirin,), Priority.URGENT, CaseStatus.REGISTERED,
             Category.MEDICAL, None, date(2012, 2, 17)),
        Case("C-002", "C-002-P1", (person("C-002", 1, ("Reza", "Ahmadi", "رضا", "احمدی")),
                                   person("C-002", 2, ("Ali", "Ahmadi", "علی", "احمدی"))),
             Priority.NORMAL, CaseStatus.REGISTERED, Category.LEGAL_PHYSICAL, None,
             date(2012, 3, 1)),
        Case("C-003", "C-003-P1", (person("C-003", 1, ("Leila", "Hosseini", "لیلا", "حسینی")),),
             Priority.EMERGENCY, CaseStatus.INTERVIEWED, None, None, date(2012, 8, 1)),
    )


@dataclass
class World:
    config: WebConfig
    app: FastAPI
    totp: dict[str, str]
    referral_ids: dict[str, int]
    sessions: dict[str, tuple[str, str]]  # username -> (session token, CSRF token)

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def login(self, username: str, client: TestClient | None = None) -> TestClient:
        """A client with a session made when the world was built (argon2 is slow on purpose)."""
        client = client or self.client()
        token, csrf = self.sessions[username]
        client.cookies.set("resettle_session", token)
        client.headers["X-CSRF-Token"] = csrf
        return client

    def login_for_real(self, username: str, client: TestClient | None = None) -> TestClient:
        client = client or self.client()
        code = next_totp(self.totp[username]) if username in self.totp else ""
        answer = client.post("/api/session", json={"username": username, "password": PASSWORD,
                                                   "totp": code})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client


def build_world(database_url: str) -> World:
    engine = open_database(database_url)
    config = WebConfig(engine, load_keyring(key_env()))
    totp: dict[str, str] = {}
    referral_ids: dict[str, int] = {}
    sessions = make_session_factory(engine, keys=config.keys)
    with sessions.begin() as session:
        store_batch(session, batch=RegistryBatch(cases=sample_cases(), pledges=HOST_PLEDGES))
        for role, username in USERS.items():
            secret = new_totp_secret()
            totp[username] = secret
            user_store.add_user(session, keys=config.keys, username=username, role=role,
                                password=PASSWORD, totp_secret=secret, now=NOW,
                                state="ALB" if role is Role.HOST_STATE_LIAISON else None)
        user_store.add_user(session, keys=config.keys, username="liaison_deu",
                            role=Role.HOST_STATE_LIAISON, password=PASSWORD, state="DEU",
                            now=NOW)
        for section, text in ((Section.MEDICAL, "MED-NOTE-SECRET"),
                              (Section.VIOLENCE, "VIOLENCE-NOTE-SECRET"),
                              (Section.EXCLUSION, "EXCL-NOTE-SECRET"),
                              (Section.CONFIDENTIAL, "CONF-NOTE-SECRET")):
            casework_store.add_note(session, keys=config.keys, case_id="C-001",
                                    section=section, text=text, author="protection", now=NOW)
        # Through the real workflow and the referral service, as the web or CLI would.
        referrals, clock = SqlReferralStore(session), Clock()
        referrals.save_agreements(WORLD_AGREEMENTS)
        for case_id, country in (("C-001", "ALB"), ("C-002", "DEU")):
            make_ready(referrals, case_id, clock)
            referral_ids[case_id] = refer_ready(referrals, case_id, country, clock).referral_id
        sessions = {}
        for username in [*USERS.values(), "liaison_deu"]:
            user = user_store.get_user(session, keys=config.keys, username=username)
            token, csrf = new_token(), new_token()
            user_store.create_session(session, token_digest=token_digest(token),
                                      user_id=user.user_id, csrf_token=csrf,
                                      now=datetime.now(UTC))
            sessions[username] = (token, csrf)
    return World(config, create_app(config), totp, referral_ids, sessions)


def copy_world(template: tuple[Path, World], target: Path) -> World:
    path, built = template
    shutil.copyfile(path, target)
    engine = open_database(f"sqlite:///{target}")
    config = WebConfig(engine, built.config.keys)
    return World(config, create_app(config), built.totp, built.referral_ids, built.sessions)
