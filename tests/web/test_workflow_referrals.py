"""On the Ashraf scenario: the replay's referrals are loaded with their refer steps (no sync),
reach the host state's portal, and a liaison's answer moves the case through the workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import PASSWORD, key_env

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.scenario import load_scenario, make_ashraf
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.registry.store import get_case
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security import store as user_store
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig
from resettle.core import CaseStatus
from resettle.security.auth import new_token, token_digest
from resettle.security.crypto import load_keyring
from resettle.security.policy import Role


@pytest.mark.slow
def test_liaison_answer_advances_the_workflow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ashraf.db'}"
    load_scenario(make_ashraf(2011, DEMO_CONFIG), url, replace=True)
    engine = open_database(url)
    keys = load_keyring(key_env())
    now = datetime.now(UTC)
    with make_session_factory(engine).begin() as session:
        referrals, _ = SqlReferralStore(session).list_referrals(limit=100_000)
        # One record per refer step of the loaded history, written by the same load.
        screening = SqlScreeningStore(session)
        refer_steps = sum(1 for r in {r.case_id for r in referrals}
                          for e in screening.history(r) if e.action == "refer")
        assert len(referrals) == refer_steps > 0
        target = next(r for r in referrals if r.state == "pending")
        other = next(r for r in referrals if r.country != target.country)
        user = user_store.add_user(session, keys=keys, username="liaison", password=PASSWORD,
                                   role=Role.HOST_STATE_LIAISON, state=target.country, now=now)
        token, csrf = new_token(), new_token()
        user_store.create_session(session, token_digest=token_digest(token),
                                  user_id=user.user_id, csrf_token=csrf, now=now)
    client = TestClient(create_app(WebConfig(engine, keys)))
    client.cookies.set("resettle_session", token)
    client.headers["X-CSRF-Token"] = csrf
    answer = client.post(f"/api/referrals/{target.referral_id}/decision",
                         json={"decision": "accepted", "reason": "vetting passed"})
    assert answer.status_code == 200, answer.text
    with make_session_factory(engine)() as session:
        assert get_case(session, case_id=target.case_id).status == CaseStatus.ACCEPTED
    assert client.get(f"/api/cases/{other.case_id}").status_code == 403  # dossiers only
    assert client.get(f"/api/referrals/{other.referral_id}").status_code == 404
    assert client.post(f"/api/referrals/{other.referral_id}/decision",
                       json={"decision": "accepted"}).status_code == 404
    engine.dispose()


@pytest.mark.slow
def test_placement_run_started_reviewed_accepted_and_overridden(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ashraf.db'}"
    load_scenario(make_ashraf(2011, DEMO_CONFIG), url, replace=True)
    engine = open_database(url)
    keys = load_keyring(key_env())
    now = datetime.now(UTC)
    tokens = {}
    with make_session_factory(engine).begin() as session:
        for name, role in (("placement", Role.PLACEMENT_OFFICER), ("auditor", Role.AUDITOR)):
            user = user_store.add_user(session, keys=keys, username=name, password=PASSWORD,
                                       role=role, now=now)
            token, csrf = new_token(), new_token()
            user_store.create_session(session, token_digest=token_digest(token),
                                      user_id=user.user_id, csrf_token=csrf, now=now)
            tokens[name] = (token, csrf)
    app = create_app(WebConfig(engine, keys))

    def client(name: str) -> TestClient:
        made = TestClient(app)
        made.cookies.set("resettle_session", tokens[name][0])
        return made

    officer, csrf = client("placement"), tokens["placement"][1]
    started = officer.post("/placements", data={"label": "week 1", "csrf_token": csrf},
                           follow_redirects=False)
    assert started.status_code == 303, started.text
    review = officer.get(started.headers["location"])
    assert review.status_code == 200 and "Accept" in review.text
    run_path = started.headers["location"]
    case_ids = [part.split('"')[0] for part in review.text.split('<a href="/cases/')[1:]]
    assert len(case_ids) >= 2
    accept = officer.post(f"{run_path}/decisions", data={
        "case_id": case_ids[0], "action": "accept", "csrf_token": csrf})
    assert accept.status_code == 200
    no_reason = officer.post(f"{run_path}/decisions", data={
        "case_id": case_ids[1], "action": "override", "csrf_token": csrf})
    assert no_reason.status_code == 422
    override = officer.post(f"{run_path}/decisions", data={
        "case_id": case_ids[1], "action": "override", "reason": "family in Tirana",
        "csrf_token": csrf})  # no locality named: refused, the reason typed is kept
    assert override.status_code == 422 and 'value="family in Tirana"' in override.text
    auditor = client("auditor")
    assert auditor.get(run_path).status_code == 200
    assert auditor.post(f"{run_path}/decisions", data={
        "case_id": case_ids[2], "action": "accept",
        "csrf_token": tokens["auditor"][1]}).status_code == 403
    engine.dispose()
