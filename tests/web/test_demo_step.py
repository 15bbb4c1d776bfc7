"""The web demo step: one user per role with printed credentials; serving only when asked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from web_world import World, key_env

from resettle.adapters.cli.demo import STEPS, DemoContext
from resettle.adapters.cli.demo.web import DEMO_ACCOUNTS, step_web
from resettle.adapters.db.engine import open_database
from resettle.adapters.web.app import create_app
from resettle.adapters.web.config import WebConfig
from resettle.security.crypto import load_keyring


def test_web_step_is_last_and_prints_working_logins(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in key_env().items():  # the keys the world's secrets were written with
        monkeypatch.setenv(name, value)
    assert STEPS[-1] is step_web  # serving must come after every other step
    url = str(world.config.engine.url)
    world.config.engine.dispose()
    out = io.StringIO()
    ctx = DemoContext(url, tmp_path, 1, Console(file=out, width=200))
    step_web(ctx)
    printed = out.getvalue()
    assert ctx.after == [] and "web" in ctx.summary
    lines = {line.split()[0]: line.split()[1] for line in printed.splitlines()
             if line.split() and line.split()[0] in dict(DEMO_ACCOUNTS)}
    assert set(lines) == {name for name, _ in DEMO_ACCOUNTS}
    assert "exclusion2" in lines  # four eyes: a second exclusion reviewer
    # admin, protection, two exclusion reviewers, and placement (it refers cases to states)
    assert printed.count("TOTP secret") == 5
    config = WebConfig(open_database(url), load_keyring(key_env()))
    client = World(config, create_app(config), {}, {}, {}).client()
    answer = client.post("/api/session", json={"username": "liaison",
                                               "password": lines["liaison"]})
    assert answer.status_code == 200 and answer.json()["state"] in ("ALB", "DEU")
    ctx_serving = DemoContext(url, tmp_path, 1, Console(file=io.StringIO()), serve=True)
    step_web(ctx_serving)  # run again: users are reset, not duplicated
    assert len(ctx_serving.after) == 1
    config.engine.dispose()


def test_web_step_makes_its_own_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESETTLE_DATA_KEYS", raising=False)
    monkeypatch.delenv("RESETTLE_KEY_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    open_database(url).dispose()
    step_web(DemoContext(url, tmp_path, 1, Console(file=io.StringIO())))
    assert (tmp_path / "resettle-keys.json").stat().st_mode & 0o777 == 0o600
