"""On the Ashraf scenario: workflow referrals reach the host state's portal, and a liaison's
answer moves the case through the screening workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import PASSWORD, key_env

from resettle.adapters.cli.scenario import DEMO_CONFIG, load_scenario, make_ashraf
from resettle.adapters.db import user_store
from resettle.adapters.db.casework_store import list_referrals, sync_referrals_from_history
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.repository import get_case
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
        assert sync_referrals_from_history(session, now=now) > 0
        assert sync_referrals_from_history(session, now=now) == 0  # idempotent
        referrals, _ = list_referrals(session, limit=100_000)
        target = next(r for r in referrals if r.decision == "pending")
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
    assert client.get(f"/api/cases/{other.case_id}").status_code == 404
    assert client.post(f"/api/referrals/{other.referral_id}/decision",
                       json={"decision": "accepted"}).status_code == 404
    engine.dispose()
