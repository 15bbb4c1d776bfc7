"""The demo's own web set-up, for browser tests: the Ashraf scenario loaded by the demo's step,
the demo users created and printed by the demo's web step, and the printed logins read back
the way a new user reads them off the terminal.

Built once per test session (once across xdist workers: the first worker builds under a file
lock, the others wait and reuse it); each test module serves its own copy.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from key_samples import next_totp
from resettle.adapters.cli.demo import DemoContext, demo_keys
from resettle.adapters.cli.demo.scenario import step_load_ashraf
from resettle.adapters.cli.demo.web import step_web
from resettle.security.crypto import KeyRing, load_keyring

KEY_ENV = ("RESETTLE_DATA_KEYS", "RESETTLE_KEY_FILE")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    totp_secret: str | None


@dataclass(frozen=True)
class DemoTemplate:
    database: Path
    keys: KeyRing
    logins: dict[str, DemoLogin]


@dataclass(frozen=True)
class DemoServed:
    base: str
    url: str  # the served copy's database
    logins: dict[str, DemoLogin]


def parse_logins(printed: str) -> dict[str, DemoLogin]:
    """The lines under the ``username password role; second factor`` heading, e.g.
    ``liaison  s3cret  host_state_liaison of ALB; no second factor`` or
    ``exclusion  s3cret  exclusion_reviewer; TOTP secret ABC (code now 123456)``."""
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("username    password"))
    logins = {}
    for line in lines[start + 1:]:
        if line.startswith("TOTP:"):
            break
        account, factor = line.split(";", 1)
        username, password, role = account.split()[:3]
        words = factor.split()
        secret = words[words.index("secret") + 1] if "secret" in words else None
        logins[username] = DemoLogin(username, password, role, secret)
    return logins


def _build(folder: Path) -> str:
    out = io.StringIO()
    ctx = DemoContext(f"sqlite:///{folder / 'demo.db'}", folder, 2011,
                      Console(file=out, width=200))
    with pytest.MonkeyPatch.context() as patch:
        for name in KEY_ENV:  # the demo makes and uses its own key file, as `make demo` does
            patch.delenv(name, raising=False)
        with demo_keys(folder, ctx.console):
            step_load_ashraf(ctx)
            step_web(ctx)
    return out.getvalue()


def demo_template(factory: pytest.TempPathFactory, worker: str) -> DemoTemplate:
    root = factory.getbasetemp() if worker == "master" else factory.getbasetemp().parent
    folder = root / "demo-template"
    folder.mkdir(exist_ok=True)
    with (root / "demo-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder; the other workers wait for it
        printed_file = folder / "printed.txt"
        if not printed_file.exists():
            printed_file.write_text(_build(folder), encoding="utf-8")
    printed = printed_file.read_text(encoding="utf-8")
    keys = load_keyring({"RESETTLE_KEY_FILE": str(folder / "resettle-keys.json")})
    return DemoTemplate(folder / "demo.db", keys, parse_logins(printed))


def copy_database(template: DemoTemplate, target: Path) -> str:
    shutil.copyfile(template.database, target)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{template.database}{suffix}"):
            shutil.copyfile(f"{template.database}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


def log_in(page: Any, base: str, login: DemoLogin) -> None:
    """The printed account, typed into the login form; the code computed from the secret."""
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(login.password)
    if login.totp_secret:
        page.get_by_label("One-time code").fill(next_totp(login.totp_secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
