"""The web app's demo step: demo users (one per role), host referrals, and optional serving."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from resettle.adapters.cli.options import open_engine
from resettle.adapters.cli.serve import run_server
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.referral.store import SqlReferralStore
from resettle.adapters.db.reporting.queue_store import SqlQueueStore
from resettle.adapters.db.security import store as user_store
from resettle.reporting.queue import kinds_for, work_queue
from resettle.security.auth import new_token, new_totp_secret, totp_now
from resettle.security.crypto import KeyRing, generate_key_file, load_keyring
from resettle.security.policy import Principal, Role, needs_second_factor

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext

DEMO_PORT_ENV = "RESETTLE_DEMO_PORT"
DEMO_USERNAMES = {
    Role.ADMINISTRATOR: "admin", Role.REGISTRATION_OFFICER: "registrar",
    Role.PROTECTION_OFFICER: "protection", Role.EXCLUSION_REVIEWER: "exclusion",
    Role.PLACEMENT_OFFICER: "placement", Role.HOST_STATE_LIAISON: "liaison",
    Role.AUDITOR: "auditor", Role.MOVEMENT_OFFICER: "movement", Role.ANALYST: "analyst",
}
# (username, role): one account per role, and a second exclusion reviewer, because an
# exclusion assessment must be reviewed by someone other than its assessor (four eyes).
DEMO_ACCOUNTS: tuple[tuple[str, Role], ...] = (
    *((name, role) for role, name in DEMO_USERNAMES.items()),
    ("exclusion2", Role.EXCLUSION_REVIEWER),
)


def _liaison_state(counts: Counter[str]) -> str:
    return counts.most_common(1)[0][0] if counts else "ALB"


def step_web(ctx: DemoContext) -> None:
    """Demo: create the demo users (one per role, two exclusion reviewers; the liaison of the
    state holding most referrals), print the logins; serve if asked."""
    key_file = ctx.output_dir / "resettle-keys.json"
    if os.environ.get("RESETTLE_DATA_KEYS") or os.environ.get("RESETTLE_KEY_FILE"):
        keys = load_keyring()
    else:  # the demo's own keys, next to its outputs (never in the database)
        if not key_file.exists():
            generate_key_file(key_file)
        keys = load_keyring({"RESETTLE_KEY_FILE": str(key_file)})
    now = datetime.now(UTC)
    engine = open_engine(ctx.database_url)
    lines: list[str] = []
    try:
        with make_session_factory(engine).begin() as session:
            # The referrals were written with the workflow's refer steps (scenario load).
            referrals, added = SqlReferralStore(session).list_referrals(
                with_access_only=True, limit=100_000)
            state = _liaison_state(Counter(r.country for r in referrals))
            for username, role in DEMO_ACCOUNTS:
                password = new_token()[:16]
                secret = new_totp_secret() if needs_second_factor(role) else None
                if user_store.find_user(session, keys=keys, username=username):
                    user_store.reset_credentials(session, keys=keys, username=username,
                                                 password=password, totp_secret=secret)
                else:
                    user_store.add_user(
                        session, keys=keys, username=username, role=role, password=password,
                        totp_secret=secret, now=now,
                        state=state if role is Role.HOST_STATE_LIAISON else None)
                code = f"TOTP secret {secret} (code now {totp_now(secret, now)})" \
                    if secret else "no second factor"
                bound = f" of {state}" if role is Role.HOST_STATE_LIAISON else ""
                lines.append(f"{username:<11} {password}  {role.value}{bound}; {code}")
    finally:
        engine.dispose()
    ctx.console.rule("web app: demo users (synthetic data; passwords change every run)")
    ctx.console.print("username    password          role; second factor", soft_wrap=True)
    for line in lines:
        ctx.console.print(line, soft_wrap=True, highlight=False)
    ctx.console.print("TOTP: add the secret to an authenticator app (or `python -c \"import "
                      "pyotp; print(pyotp.TOTP('SECRET').now())\"`).")
    day, waiting = _work_queues(ctx.database_url, state)
    ctx.console.print(f"work queues (each user's start page), deadlines as of {day:%d %B %Y}, the "
                      "day the scenario's records stand at (`resettle case due` counts from it "
                      "too): " + ", ".join(f"{name} {n:,}" for name, n in waiting), soft_wrap=True)
    port = int(os.environ.get(DEMO_PORT_ENV, "8000"))
    ctx.summary["web"] = (f"{len(DEMO_ACCOUNTS)} demo users, {added} referrals open or accepted "
                          f"in host states; work queues as of {day}: "
                          + ", ".join(f"{name} {n:,}" for name, n in waiting)
                          + f"; `make demo` serves http://127.0.0.1:{port}/")
    if ctx.serve:
        ctx.after.append(lambda: _serve(ctx, port, keys))


def _work_queues(database_url: str, state: str) -> tuple[date, list[tuple[str, int]]]:
    """What waits in each demo user's queue on the scenario's day."""
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            store = SqlQueueStore(session)
            waiting, day = [], date.today()
            for username, role in DEMO_ACCOUNTS:
                who = Principal(0, username, role, state if role is Role.HOST_STATE_LIAISON
                                else None)
                if kinds_for(who) and username != "exclusion2":
                    queue = work_queue(store, who, date.today())
                    waiting.append((username, queue.total))
                    day = queue.day
            return day, waiting
    finally:
        engine.dispose()


def _serve(ctx: DemoContext, port: int, keys: KeyRing) -> None:
    ctx.console.rule(f"web app: open http://127.0.0.1:{port}/ and log in with a demo user")
    run_server(ctx.database_url, host="127.0.0.1", port=port, keys=keys)
