"""``resettle serve``: the web app and API, served by uvicorn (one process or several)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, fail
from resettle.adapters.web import server
from resettle.adapters.web.config import WebConfig
from resettle.adapters.web.server import default_workers
from resettle.errors import ResettleError
from resettle.security.crypto import KeyRing, load_keyring


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    database_url: DatabaseUrl = DEFAULT_URL,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] =
    "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark cookies Secure (set this behind an HTTPS proxy).")] = False,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Server processes (default: one per core, at most 4).")] = 0,
) -> None:
    """Serve the web app and API (keys from RESETTLE_KEY_FILE or RESETTLE_DATA_KEYS)."""
    run_server(database_url, host=host, port=port, secure_cookies=secure_cookies,
               workers=workers or default_workers())


def run_server(database_url: str, *, host: str, port: int, secure_cookies: bool = False,
               keys: KeyRing | None = None, workers: int = 1) -> None:
    """Serve; with several workers the keys must come from the environment or key file."""
    try:
        config = WebConfig(open_engine(database_url), keys or load_keyring(),
                           secure_cookies=secure_cookies)
        if workers > 1:
            load_keyring()  # each worker loads them itself: fail here, once, if it cannot
    except ResettleError as error:
        fail(error)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    console().print(f"resettle is serving on http://{host}:{port}/ with {workers} "
                    f"process{'es' if workers > 1 else ''} (Ctrl+C stops it)")
    server.serve(config, host=host, port=port, workers=workers)
