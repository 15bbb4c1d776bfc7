"""Web load: 50 concurrent users for 60 s on a 100,000-case SQLite database (loopback only).

Two phases against the same server, run back to back with locust (headless, 50 users, think
time 0.5–1.5 s): the baseline hits ``/api/health`` (routing, guard, a database session, no
record); the workload mixes what caseworkers do — a page of the case list, a search by name,
a case through the API and as a page — each read audited in the same transaction. Reports p50,
p95, p99, requests/s and errors for both, and the ratio of p95s.

The database is built once and cached (``RESETTLE_BENCH_WEB_DB``, default under /tmp).
Environment: ``RESETTLE_BENCH_WEB_SECONDS`` (default 60), ``RESETTLE_BENCH_WEB_USERS`` (50),
``RESETTLE_BENCH_WEB_WORKERS`` (server processes, default 2: one per core here).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import describe_machine

N_CASES = 100_000
DB = Path(os.environ.get("RESETTLE_BENCH_WEB_DB", "/tmp/resettle-bench-web-100k.db"))
SECONDS = int(os.environ.get("RESETTLE_BENCH_WEB_SECONDS", "60"))
USERS = int(os.environ.get("RESETTLE_BENCH_WEB_USERS", "50"))
WORKERS = int(os.environ.get("RESETTLE_BENCH_WEB_WORKERS", "2"))
KEY = base64.b64encode(b"bench-key-bench-key-bench-key-32").decode()
ENV = {"RESETTLE_DATA_KEYS": f"k1={KEY}", "RESETTLE_AUDIT_KEY": KEY}

LOCUSTFILE = '''
import json, os, random
from locust import HttpUser, between, task

SESSIONS = json.loads(os.environ["BENCH_SESSIONS"])
CASES = json.loads(os.environ["BENCH_CASES"])
NAMES = json.loads(os.environ["BENCH_NAMES"])
MODE = os.environ["BENCH_MODE"]


class Caseworker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        token, csrf = random.choice(SESSIONS)
        self.client.cookies.set("resettle_session", token)

    @task
    def work(self):
        if MODE == "baseline":
            self.client.get("/api/health", name="health")
            return
        pick = random.random()
        if pick < 0.3:
            offset = random.randrange(0, 99_000)
            self.client.get(f"/api/cases?offset={offset}&limit=25", name="list page (API)")
        elif pick < 0.5:
            self.client.get(f"/api/cases?q={random.choice(NAMES)}&limit=25", name="search")
        elif pick < 0.8:
            self.client.get(f"/api/cases/{random.choice(CASES)}", name="case (API)")
        else:
            self.client.get(f"/cases/{random.choice(CASES)}", name="case (page)")
'''


def build_database() -> tuple[list[str], list[str]]:
    """The cached 100,000-case database, with one registration officer."""
    from sqlalchemy import select

    from resettle.adapters.db.engine import make_session_factory, open_database
    from resettle.adapters.db.registry.store import store_batch
    from resettle.adapters.db.registry.tables import CaseRow, PersonRow
    from resettle.adapters.db.security import store as user_store
    from resettle.security.crypto import load_keyring
    from resettle.security.policy import Role
    from resettle.simulation.random_instances import generate_random

    engine = open_database(f"sqlite:///{DB}")
    sessions = make_session_factory(engine, keys=load_keyring(ENV))
    with sessions.begin() as session:
        count = session.query(CaseRow).count()
        if count < N_CASES:
            started = time.perf_counter()
            batch = generate_random(N_CASES, 50, 7, mean_case_size=1.4)
            store_batch(session, batch=batch)
            print(f"built {N_CASES:,} cases in {time.perf_counter() - started:.0f} s")
        if user_store.find_user(session, keys=load_keyring(ENV), username="bench") is None:
            user_store.add_user(session, keys=load_keyring(ENV), username="bench",
                                role=Role.REGISTRATION_OFFICER, password="bench-password-1",
                                now=datetime.now(UTC))
        cases = list(session.scalars(select(CaseRow.case_id).limit(5000)))
        names = list(session.scalars(select(PersonRow.family_name)
                                     .group_by(PersonRow.family_name).limit(200)))
    engine.dispose()
    return cases, names[:200]


def make_sessions(n: int) -> list[tuple[str, str]]:
    from resettle.adapters.db.engine import make_session_factory, open_database
    from resettle.adapters.db.security import store as user_store
    from resettle.security.auth import new_token, token_digest
    from resettle.security.crypto import load_keyring

    engine = open_database(f"sqlite:///{DB}")
    made = []
    with make_session_factory(engine).begin() as session:
        user = user_store.get_user(session, keys=load_keyring(ENV), username="bench")
        for _ in range(n):
            token, csrf = new_token(), new_token()
            user_store.create_session(session, token_digest=token_digest(token),
                                      user_id=user.user_id, csrf_token=csrf,
                                      now=datetime.now(UTC))
            made.append((token, csrf))
    engine.dispose()
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (the server's workers), Linux."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
        children = [int(child) for child in handle.read().split()]
    for one in (pid, *children):
        with open(f"/proc/{one}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_phase(mode: str, base: str, env: dict[str, str], workdir: Path,
              server_pid: int) -> dict[str, float]:
    prefix = workdir / mode
    cpu_before, load_before = cpu_seconds(server_pid), os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(workdir / "locustfile.py"), "--headless",
         "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s", "--host", base,
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        env={**env, "BENCH_MODE": mode}, check=False, capture_output=True)
    server_cpu = cpu_seconds(server_pid) - cpu_before
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    if total["95%"] == "N/A":
        raise RuntimeError(f"no request completed in phase {mode}: {done.stderr[-2000:]!r}")
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                print(f"  {mode} failure x{row['Occurrences']}: {row['Name']}: "
                      f"{row['Error'][:120]}")
    return {"requests": float(total["Request Count"]),
            "failures": float(total["Failure Count"]),
            "rps": float(total["Requests/s"]),
            "p50": float(total["50%"]), "p95": float(total["95%"]),
            "p99": float(total["99%"]),
            # Load-independent: what the server spent per answered request.
            "server CPU ms/request": 1000 * server_cpu / max(float(total["Request Count"]), 1),
            "load before": load_before, "load after": os.getloadavg()[0],
            **{f"p95 {name}": float(row["95%"]) for name, row in rows.items()
               if name != "Aggregated"}}


def main() -> None:
    print(describe_machine())
    cases, names = build_database()
    sessions = make_sessions(USERS)
    port = free_port()
    server_env = {**os.environ, **ENV}
    server = subprocess.Popen(
        [sys.executable, "-m", "resettle", "serve", "--database-url", f"sqlite:///{DB}",
         "--port", str(port), "--workers", str(WORKERS)],
        env=server_env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            (workdir / "locustfile.py").write_text(LOCUSTFILE, encoding="utf-8")
            env = {**os.environ, "BENCH_SESSIONS": json.dumps(sessions),
                   "BENCH_CASES": json.dumps(cases), "BENCH_NAMES": json.dumps(names)}
            results = {mode: run_phase(mode, base, env, workdir, server.pid)
                       for mode in ("baseline", "workload")}
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"{USERS} users, {SECONDS} s per phase, think time 0.5-1.5 s, {N_CASES:,} cases, "
          f"SQLite, {WORKERS} server process(es)")
    for mode, figures in results.items():
        print(f"{mode:9} " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
    ratio = results["workload"]["p95"] / max(results["baseline"]["p95"], 1.0)
    print(f"p95 workload / baseline: {ratio:.1f}x")
