"""A short fuzzing run of the served API leaves nothing personal in the server's log.

Issue 18, done-when: "the server log after a fuzzing run of the API contains no personal data
and no traceback with parameters". The app is served by uvicorn over real HTTP (in a thread,
logging into this process's loggers, uvicorn's own included); schemathesis sends a few
generated requests per operation as a protection officer and as a host-state liaison, plus
hand-made hostile ones (names in searches, a NUL byte, ids beyond 64 bits, broken JSON). Every
log record of the run is then scanned.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from web_world import MARKERS, PASSWORD, World, copy_world

PERSONAL = [word for words in MARKERS.values() for word in words] + [
    "Shirin", "Leila", "Hosseini", "Ahmadi", "C-001", "C-002", "C-003", PASSWORD]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def served(template_world: tuple[Path, World],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    world = copy_world(template_world, tmp_path_factory.mktemp("fuzz") / "web.db")
    port = free_port()
    # As `resettle serve` runs it (no access log: it would log real paths and queries), but
    # with log_config=None (uvicorn keeps this process's logging, so its records reach the
    # test) and every level on.
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port,
                                           log_config=None, log_level="debug",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world
    server.should_exit = True
    thread.join(timeout=10)
    world.config.engine.dispose()


def _hostile(base: str, world: World, user: str) -> None:
    token, csrf = world.sessions[user]
    with httpx.Client(base_url=base, cookies={"resettle_session": token},
                      headers={"X-CSRF-Token": csrf}) as client:
        for q in ("Karimi", "کریمی", "Kar\x00imi", "Shirin' OR 1=1 --", "C-001"):
            client.get("/api/cases", params={"q": q})
            client.get("/cases", params={"q": q})
        for path in ("/api/cases/C-001", "/cases/C-002", "/api/cases/C-001%00"):
            client.get(path)
        for path in ("/referrals/9223372036854775808/decision",
                     "/api/referrals/99999999999999999999999/decision"):
            client.post(path, data={"decision": "accepted", "csrf_token": csrf})
        client.post("/api/cases/C-001/notes", content=b'{"section": "confidential", "text": ',
                    headers={"content-type": "application/json"})
        client.post("/api/cases/C-001/notes",
                    json={"section": "confidential", "text": "Karimi \x00 CONF-NOTE-SECRET"})
        client.post("/api/session", json={"username": "Karimi", "password": PASSWORD})


def _fuzz(base: str, world: World, user: str) -> int:
    token, csrf = world.sessions[user]
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/session":
            continue  # would end the session under test

        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())
        def examples(case: Any) -> None:
            nonlocal calls
            response = case.call(headers={"X-CSRF-Token": csrf},
                                 cookies={"resettle_session": token})
            calls += 1
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"

        examples()
    return calls


def test_a_fuzzing_run_leaves_no_personal_data_nor_traceback_in_the_log(
        served: tuple[str, World]) -> None:
    base, world = served
    collected = Collected()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "resettle")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(collected)
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        calls = sum(_fuzz(base, world, user) for user in ("protection", "liaison_alb"))
        for user in ("protection", "liaison_alb"):
            _hostile(base, world, user)
    finally:
        for logger, level in saved:
            logger.removeHandler(collected)
            logger.setLevel(level)
    assert calls >= 50
    server = [r for r in collected.records
              if r.name.startswith(("resettle", "uvicorn")) or r.name == "root"]
    assert any("GET /api/cases" in r.getMessage() for r in server)  # the log was captured
    assert [r.getMessage() for r in server if r.exc_info] == []  # no traceback at all
    text = "\n".join(r.getMessage() for r in server)
    assert "[parameters" not in text and "Traceback" not in text
    leaks = [(word, line) for line in text.splitlines() for word in PERSONAL if word in line]
    assert leaks == []
