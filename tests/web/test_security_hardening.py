"""Findings of the outside security probe (issue 18) that are not a question of who sees what
(those are in test_role_matrix.py): sessions, logins, errors and logs, CSV, audit entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from web_world import World

from resettle.adapters.db import user_store
from resettle.adapters.db.security_tables import SessionRow
from resettle.security.auth import new_token, token_digest


def _session_made(world: World, username: str, created: datetime, seen: datetime) -> str:
    token = new_token()
    with world.config.sessions.begin() as session:
        user = user_store.get_user(session, keys=world.config.keys, username=username)
        user_store.create_session(session, token_digest=token_digest(token),
                                  user_id=user.user_id, csrf_token=new_token(), now=created)
        session.execute(update(SessionRow).where(SessionRow.token_digest == token_digest(token))
                        .values(last_seen_at=seen))
    return token


def test_a_session_ends_after_its_absolute_lifetime_even_if_used(world: World) -> None:
    """Finding 4: only the idle timeout was checked; a 30-day-old session stayed valid."""
    now = datetime.now(UTC)
    lifetime = world.config.auth.session_lifetime
    old = _session_made(world, "registrar", now - lifetime - timedelta(minutes=1),
                        now - timedelta(minutes=1))
    young = _session_made(world, "registrar", now - lifetime + timedelta(minutes=5),
                          now - timedelta(minutes=1))
    client = world.client()
    client.cookies.set("resettle_session", old)
    assert client.get("/api/me").status_code == 401
    assert client.get("/cases", follow_redirects=False).status_code == 303  # to the login
    client.cookies.set("resettle_session", young)
    assert client.get("/api/me").status_code == 200
