"""Audit entries share the request's transaction, on SQLite as on PostgreSQL; refusals stay."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from web_world import World

from resettle.adapters.db.security.audit_store import list_audit, verify_audit
from resettle.adapters.db.security.tables import AuditRow


@contextmanager
def transactions(world: World) -> Iterator[list[str]]:
    """The BEGIN/COMMIT/ROLLBACK of the app's engine while the block runs."""
    seen: list[str] = []

    def on(kind: str) -> Any:
        return lambda *_: seen.append(kind)

    listeners = [("begin", on("begin")), ("commit", on("commit")), ("rollback", on("rollback"))]
    for name, listener in listeners:
        event.listen(world.config.engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(world.config.engine, name, listener)


def audit_count(world: World) -> int:
    with world.config.sessions() as session:
        return len(session.scalars(select(AuditRow.seq)).all())


def test_a_read_and_its_audit_entry_commit_in_one_transaction(world: World) -> None:
    client = world.login("protection")
    client.get("/api/me")  # session bookkeeping (last seen) happens on a first request
    before = audit_count(world)
    with transactions(world) as seen:
        answer = client.get("/api/cases/C-001")
    assert answer.status_code == 200
    assert seen == ["begin", "commit"], seen
    assert audit_count(world) == before + 1


def test_a_list_page_and_its_audit_entry_commit_in_one_transaction(world: World) -> None:
    client = world.login("registrar")
    client.get("/api/me")
    with transactions(world) as seen:
        assert client.get("/api/cases?limit=2").status_code == 200
    assert seen == ["begin", "commit"], seen


def test_a_refused_read_is_audited_although_the_request_rolls_back(world: World) -> None:
    client = world.login("liaison_alb")
    other = str(world.referral_ids["C-002"])  # referred to Germany, not to Albania
    answer = client.get(f"/api/referrals/{other}")
    assert answer.status_code == 404
    with world.config.sessions() as session:
        entries, _ = list_audit(session, actor="liaison_alb", subject_id=other)
        report = verify_audit(session, key=world.config.keys.audit_key)
    assert [(e.event.action, e.event.outcome) for e in entries] == [("referral.read", "denied")]
    assert report.ok, report.problems


def test_aggregate_pages_take_no_write_lock(world: World) -> None:
    client = world.login("registrar")
    client.get("/api/me")
    before = audit_count(world)
    lock = world.config.writer_lock
    assert lock is not None
    lock.acquire()  # another writer holds the lock: the dashboard must not wait for it
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(client.get, "/api/dashboard")
        try:
            status = answer.result(timeout=20).status_code
        finally:
            lock.release()
    assert status == 200
    assert audit_count(world) == before
