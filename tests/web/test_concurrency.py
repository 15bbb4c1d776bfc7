"""Concurrent readers and writers over real HTTP: no server error, and the audit chain holds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from web_world import World

from resettle.adapters.db.security.audit_store import verify_audit


def work(base: str, world: World, username: str, n: int) -> list[int]:
    token, csrf = world.sessions[username]
    codes = []
    with httpx.Client(base_url=base, cookies={"resettle_session": token},
                      headers={"X-CSRF-Token": csrf}, timeout=120) as client:
        for i in range(n):
            if username == "protection" and i % 2:
                answer = client.post("/api/cases/C-002/notes",
                                     json={"section": "confidential", "text": f"note {i}"})
            else:
                answer = client.get(f"/api/cases/C-00{1 + i % 3}" if i % 3 else "/api/cases")
            codes.append(answer.status_code)
    return codes


def test_concurrent_requests_keep_one_chain(live: tuple[str, World]) -> None:
    hammer_and_check(*live)


def test_two_server_processes_on_one_sqlite_file_keep_one_chain(
    live_workers: tuple[str, World],
) -> None:
    hammer_and_check(*live_workers)


def hammer_and_check(base: str, world: World) -> None:
    users = ["protection", "registrar", "placement", "auditor"] * 2
    with ThreadPoolExecutor(len(users)) as pool:
        results = list(pool.map(lambda u: work(base, world, u, 8), users))
    codes = [c for batch in results for c in batch]
    assert all(c < 500 for c in codes), codes
    assert codes.count(201) == 8  # every note written
    with world.config.sessions() as session:
        report = verify_audit(session, key=world.config.keys.audit_key)
    assert report.ok, report.problems
    assert report.count >= len(codes)


def test_more_users_than_server_threads_do_not_hang_one_process(
    live: tuple[str, World],
) -> None:
    """60 at once on one process (its thread pool has 40): every request answers."""
    base, world = live
    token, _ = world.sessions["registrar"]

    def read(n: int) -> list[int]:
        with httpx.Client(base_url=base, cookies={"resettle_session": token},
                          timeout=60) as client:
            return [client.get(f"/api/cases/C-00{1 + (n + i) % 3}").status_code
                    for i in range(3)]

    with ThreadPoolExecutor(60) as pool:
        codes = [c for batch in pool.map(read, range(60)) for c in batch]
    assert codes == [200] * 180
