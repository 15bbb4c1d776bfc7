"""Property: whatever fears the members declare, no path that names a country ever targets one
on a member's list — placement run, accept and override (CLI), referral (API), and the host
state's decision (CLI) after a fear is declared for the state holding the file.

Random declarations (person × host country) are made through `resettle case no-return` on a
copy of a small database whose cases are ready for referral in four pledging host states.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from typer.testing import CliRunner

from key_samples import key_env
from referral_helpers import Clock, make_ready
from resettle.adapters.cli.main import app
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.placement.run_store import get_run
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.store import store_batch
from resettle.adapters.db.security import store as user_store
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig
from resettle.core import Locality, Pledge, RegistryBatch
from resettle.core.needs import Dimension
from resettle.security.auth import new_token, token_digest
from resettle.security.crypto import load_keyring
from resettle.security.policy import Role
from screening_helpers import family_case

pytestmark = pytest.mark.slow
HOSTS = ("ALB", "DEU", "CAN", "SWE")
CASES = {"F1": ("F1-A1", "F1-A2", "F1-K1"), "F2": ("F2-A1",), "F3": ("F3-A1", "F3-A2")}
PERSONS = tuple(p for members in CASES.values() for p in members)
CASE_OF = {p: c for c, members in CASES.items() for p in members}
runner = CliRunner()
ENV = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """A database with three cases ready for referral, four host states, a placement
    officer's session (token, CSRF token)."""
    path = tmp_path_factory.mktemp("norefoulement") / "template.db"
    engine = open_database(f"sqlite:///{path}")
    keys = load_keyring(key_env())
    now = datetime(2015, 6, 1, tzinfo=UTC)
    with make_session_factory(engine, keys=keys).begin() as session:
        store_batch(session, batch=RegistryBatch(
            cases=(family_case("F1"), family_case("F2", adults=1, children=0),
                   family_case("F3", adults=2, children=0)),
            localities=tuple(Locality(f"{c}-1", c, f"{c} city",
                                      capacity={d: 10 for d in Dimension}) for c in HOSTS),
            pledges=tuple(Pledge(f"PL-{c}", c, date(2000, 1, 1), date(2199, 12, 31), 10)
                          for c in HOSTS)))
        clock = Clock()
        for case_id in CASES:
            make_ready(SqlReferralStore(session), case_id, clock)
        user = user_store.add_user(session, keys=keys, username="placement",
                                   role=Role.PLACEMENT_OFFICER, password="x" * 16, now=now,
                                   totp_secret="JBSWY3DPEHPK3PXP")
        token, csrf = new_token(), new_token()
        user_store.create_session(session, token_digest=token_digest(token),
                                  user_id=user.user_id, csrf_token=csrf,
                                  now=datetime.now(UTC))
    engine.dispose()
    yield path, token, csrf


def cli(url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--database-url", url], env=ENV)
    return result.exit_code, result.output


declarations = st.lists(st.tuples(st.sampled_from(PERSONS), st.sampled_from(HOSTS)),
                        max_size=7, unique=True)


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declared=declarations, order=st.permutations(HOSTS))
def test_no_path_ever_targets_a_feared_country(
    template: tuple[Path, str, str], tmp_path: Path, declared: list[tuple[str, str]],
    order: list[str],
) -> None:
    path, token, csrf = template
    copy = tmp_path / f"example-{abs(hash((tuple(declared), tuple(order))))}.db"
    shutil.copyfile(path, copy)
    url = f"sqlite:///{copy}"
    feared: dict[str, set[str]] = {c: set() for c in CASES}
    for person, country in declared:
        code, out = cli(url, "case", "no-return", CASE_OF[person], person, country,
                        "--actor", "officer", "--reason", "fear declared")
        assert code == 0, out
        feared[CASE_OF[person]].add(country)
    engine = open_database(url)
    try:
        run_id = placement_never_proposes_feared(url, engine, feared)
        override_refused_exactly_into_feared(url, run_id, feared)
        client = TestClient(create_app(WebConfig(engine, load_keyring(key_env()))),
                            raise_server_exceptions=False)
        client.cookies.set("resettle_session", token)
        client.headers["X-CSRF-Token"] = csrf
        referred = referrals_refuse_feared(client, feared, order)
        decisions_follow_new_fears(url, referred)
    finally:
        engine.dispose()


def placement_never_proposes_feared(url: str, engine: Engine,
                                    feared: dict[str, set[str]]) -> str:
    code, out = cli(url, "placement", "run", "--on", "2015-06-30")
    assert code == 0, out
    run_id = re.findall(r"run (PR-[0-9a-f]+)", out)[0]
    with make_session_factory(engine)() as session:
        run = get_run(session, run_id=run_id)
    for case_id, locality, _ in run.assignments:
        if locality is None:
            assert feared[case_id] == set(HOSTS), f"{case_id} could have been placed"
            continue
        assert locality[:3] not in feared[case_id]
        assert cli(url, "placement", "accept", run_id, case_id)[0] == 0
    return run_id


def override_refused_exactly_into_feared(url: str, run_id: str,
                                         feared: dict[str, set[str]]) -> None:
    for case_id in CASES:
        for country in HOSTS:
            code, out = cli(url, "placement", "override", run_id, case_id, "--locality",
                            f"{country}-1", "--reason", "family wish")
            assert (code == 0) == (country not in feared[case_id]), out
            assert code == 0 or "refoulement" in out


def referrals_refuse_feared(client: TestClient, feared: dict[str, set[str]],
                            order: list[str]) -> dict[str, tuple[int, str]]:
    """Through the API: refused for feared countries; one open referral per case."""
    referred: dict[str, tuple[int, str]] = {}
    for case_id in CASES:
        for country in order:
            answer = client.post(f"/api/cases/{case_id}/referrals",
                                 json={"country": country, "submission_priority": "urgent"})
            if country in feared[case_id]:
                assert answer.status_code == 422, answer.text
                assert answer.json()["error"]["code"] == "refoulement_forbidden"
            elif case_id in referred:
                assert answer.status_code == 409, answer.text
            else:
                assert answer.status_code == 201, answer.text
                referred[case_id] = (answer.json()["id"], country)
    return referred


def decisions_follow_new_fears(url: str, referred: dict[str, tuple[int, str]]) -> None:
    """A fear declared for the state holding the file: no decision can follow there."""
    for n, (case_id, (referral_id, country)) in enumerate(sorted(referred.items())):
        if n == 0:
            assert cli(url, "case", "no-return", case_id, CASES[case_id][0], country,
                       "--actor", "o", "--reason", "new fear")[0] == 0
        code, out = cli(url, "referral", "decide", str(referral_id), "accepted",
                        "--actor", "liaison")
        assert (code == 0) == (n != 0), out
        assert n != 0 or "withdrawn" in out
