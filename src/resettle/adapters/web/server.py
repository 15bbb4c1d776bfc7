"""Running the app with uvicorn: one process, or several worker processes on one database.

A server process runs each request's database work in a thread of its own. CPython hands the
interpreter lock between threads only every ``sys.getswitchinterval()`` (5 ms by default), and
a request hops between the event loop and a worker thread several times: measured on a case
read, those waits were two thirds of its time (7.5 ms instead of 23 ms with a 0.5 ms
interval; bench/RESULTS.md, web_load). One process uses one core; ``workers`` processes share
the database (PostgreSQL, or SQLite with writers queued by the writer lock).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from resettle.adapters.db.engine import DATABASE_URL_ENV
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig, load_config
from resettle.adapters.web.simulation.runner import close_interrupted

SWITCH_INTERVAL_SECONDS = 0.0005
SECURE_COOKIES_ENV = "RESETTLE_SECURE_COOKIES"
# On Ctrl+C or SIGTERM, requests under way get this long to finish.
GRACEFUL_SHUTDOWN_SECONDS = 10


def tune_interpreter() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def app_from_environment() -> FastAPI:
    """The app of one worker process: database and keys from the environment."""
    tune_interpreter()
    secure = os.environ.get(SECURE_COOKIES_ENV) == "1"
    return create_app(load_config(os.environ.get(DATABASE_URL_ENV), secure_cookies=secure))


def default_workers() -> int:
    """One per core, at most four: SQLite takes one writer at a time anyway."""
    return max(1, min(4, os.cpu_count() or 1))


def serve(config: WebConfig, *, host: str, port: int, workers: int) -> None:
    """Serve until stopped. Several workers read the keys from the environment or key file.

    ``config`` has opened (and migrated) the database once, so the workers never race to
    migrate it. No access log: its URLs would carry case ids and searched names. Forecast runs
    a previous server left "running" are closed first, before any worker starts (this assumes
    one server per database, the supported set-up: a second server starting beside a busy one
    would close the first one's runs).
    """
    close_interrupted(config)
    if workers <= 1:
        tune_interpreter()
        uvicorn.run(create_app(config), host=host, port=port, access_log=False,
                    log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)
        return
    os.environ[DATABASE_URL_ENV] = config.engine.url.render_as_string(hide_password=False)
    os.environ[SECURE_COOKIES_ENV] = "1" if config.secure_cookies else "0"
    config.engine.dispose()
    settings = uvicorn.Config(f"{__name__}:app_from_environment", factory=True,
                              workers=workers, host=host, port=port, access_log=False,
                              log_level="warning",
                              timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)
    listening = settings.bind_socket()
    # uvicorn's shared socket does not name TCP as its protocol, so asyncio leaves Nagle's
    # algorithm on for the connections it accepts: each answer then waited ~40 ms for the
    # client's delayed ACK (measured: /api/health 44 ms instead of 2 ms). Linux gives every
    # accepted connection the listening socket's TCP_NODELAY.
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(settings, sockets=[listening]).run()
