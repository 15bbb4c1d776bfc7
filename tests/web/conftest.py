"""Fixtures of the web tests: a world built once, copied per test or per module; and for the
browser tests, the app served by uvicorn on a free loopback port and Debian's Chromium driven
by Playwright. Browser tests skip when /usr/bin/chromium is missing, unless
RESETTLE_REQUIRE_BROWSER=1 (CI), in which case they fail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from casework_world import prepare_casework
from demo_site import DemoServed, DemoTemplate, copy_database
from demo_site import demo_template as build_demo_template
from placement_world import add_placement_scenario
from web_world import World, build_world, copy_world, key_env

from resettle.adapters.db.engine import open_database
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig


@pytest.fixture(scope="session")
def template_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, World]]:
    """Built once (argon2 hashing and migrations are slow on purpose), copied per test."""
    path = tmp_path_factory.mktemp("template") / "web.db"
    built = build_world(f"sqlite:///{path}")
    built.config.engine.dispose()
    yield path, built


@pytest.fixture
def world(template_world: tuple[Path, World], tmp_path: Path) -> Iterator[World]:
    """A world of one's own, for tests that change something."""
    built = copy_world(template_world, tmp_path / "web.db")
    yield built
    built.config.engine.dispose()


@pytest.fixture(scope="module")
def shared_world(
    template_world: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world per test module, for tests that only read (their reads are audited)."""
    built = copy_world(template_world, tmp_path_factory.mktemp("shared") / "web.db")
    yield built
    built.config.engine.dispose()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def _need_browser() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("RESETTLE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and RESETTLE_REQUIRE_BROWSER=1; "
                        "install it with `apt-get install -y chromium`")
        pytest.skip(f"{CHROMIUM} is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_world(factory: pytest.TempPathFactory,
                 prepare: Callable[[str], None] | None = None) -> Iterator[tuple[str, World]]:
    """The app on a fresh copy of the sample world (``prepare`` adds to its database),
    served by uvicorn in a thread."""
    template = factory.mktemp("live-template") / "web.db"
    built = build_world(f"sqlite:///{template}")
    built.config.engine.dispose()
    if prepare is not None:
        prepare(f"sqlite:///{template}")
    path = factory.mktemp("live") / "web.db"
    shutil.copyfile(template, path)
    world = copy_world((template, built), path)
    for base in _serve_app(world.app):  # stops the server when this generator resumes
        yield base, world
    world.config.engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    _need_browser()
    yield from _serve_world(tmp_path_factory)


@pytest.fixture(scope="module")
def served_placement(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    """Served, with three cases ready for referral and two pledged localities."""
    _need_browser()
    yield from _serve_world(tmp_path_factory, prepare=add_placement_scenario)


@pytest.fixture(scope="module")
def served_casework(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    """Served, with a registered family case and a second protection officer (#19)."""
    _need_browser()
    yield from _serve_world(tmp_path_factory, prepare=prepare_casework)


@pytest.fixture
def placement_world(world: World) -> World:
    """A world of one's own with the small placement scenario added."""
    add_placement_scenario(str(world.config.engine.url))
    return world


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    """The app served over real HTTP (no browser needed)."""
    yield from _serve_world(tmp_path_factory)


def _serve_app(app: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> DemoTemplate:
    """The demo's database and printed logins, built once (see demo_site)."""
    _need_browser()
    return build_demo_template(tmp_path_factory, worker_id)


@pytest.fixture(scope="module")
def served_demo(demo_template: DemoTemplate, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[DemoServed]:
    """The app on a copy of the demo's database, as `make demo` serves it."""
    url = copy_database(demo_template, tmp_path_factory.mktemp("demo") / "demo.db")
    config = WebConfig(open_database(url), demo_template.keys)
    for base in _serve_app(create_app(config)):
        yield DemoServed(base, url, demo_template.logins)
    config.engine.dispose()


@pytest.fixture(scope="module")
def live_workers(template_world: tuple[Path, World],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    """`resettle serve --workers 2` (two processes on one SQLite file) over real HTTP."""
    world = copy_world(template_world, tmp_path_factory.mktemp("workers") / "web.db")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "resettle", "serve", "--workers", "2", "--port", str(port),
         "--database-url", str(world.config.engine.url)],
        env={**os.environ, **key_env()}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.terminate()
        server.wait(timeout=30)
        world.config.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(90_000)  # argon2 on a loaded 2-core machine
    yield opened
    context.close()


def screenshot_dir() -> Path:
    return Path(os.environ.get("RESETTLE_SCREENSHOTS", "/tmp"))
