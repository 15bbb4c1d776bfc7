"""Import 100,000 persons (~30,000 cases) from CSV into a fresh SQLite file.

Fast path: the real import (``registry.service.import_files``: parse + validate +
one-transaction bulk store with Core executemany in chunks). Baseline, same run, same files:
the same parse and validation, then a naive row-by-row ORM insert (``session.add`` and
``flush`` per row). Each runs in its own subprocess so its peak RSS is its own.
Targets: < 30 s, < 2 GB.

    .venv/bin/python -m bench registry_import            # 30,000 cases
    .venv/bin/python -m bench.registry_import 3000       # a quick, smaller run
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import describe_machine
from bench.registry_sealing import BENCH_KEYS

CASES = 30_000
LOCALITIES = 60
SEED = 2016
TARGET_SECONDS = 30
TARGET_MB = 2048


def main(cases: int = CASES) -> None:
    with tempfile.TemporaryDirectory(prefix="resettle-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        paths, persons = _write_input(folder, cases)
        print(f"input: {cases} cases, {persons} persons, written in "
              f"{time.perf_counter() - started:.1f} s "
              f"({sum(p.stat().st_size for p in paths) / 2**20:.1f} MB of CSV)")
        fast = _run("fast", folder, paths)
        naive = _run("naive", folder, paths)
    _report(cases, persons, fast, naive)


def _write_input(folder: Path, cases: int) -> tuple[list[Path], int]:
    from resettle.registry import RecordKind, write_records
    from resettle.simulation.random_instances import generate_random

    batch = generate_random(cases, LOCALITIES, SEED)
    paths = []
    for kind in RecordKind:
        path = folder / f"{kind.value}.csv"
        write_records(path, kind, batch)
        paths.append(path)
    return paths, batch.persons_count


def _run(mode: str, folder: Path, paths: list[Path]) -> dict[str, Any]:
    database = folder / f"{mode}.db"
    command = [sys.executable, "-m", "bench.registry_import", "--child", mode, str(database),
               *map(str, paths)]
    # Sensitive fields are encrypted on import: the bench's own keys unless some are set.
    env = {**BENCH_KEYS, **os.environ}
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if completed.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{completed.stderr}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"{mode}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    return figures


def _report(cases: int, persons: int, fast: dict[str, Any], naive: dict[str, Any]) -> None:
    ratio_total = naive["total_s"] / fast["total_s"]
    ratio_store = naive["store_s"] / fast["store_s"]
    verdict = (fast["total_s"] < TARGET_SECONDS) and (fast["peak_mb"] < TARGET_MB)
    print()
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")
    print("| path | read s | check s | store s | total s (wall) | CPU s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, f in (("fast: bulk executemany", fast), ("naive: ORM add+flush/row", naive)):
        print(f"| {name} | {f['read_s']} | {f['check_s']} | {f['store_s']} | {f['total_s']} "
              f"| {f['cpu_s']} | {f['peak_mb']} |")
    print(f"{cases} cases / {persons} persons; naive/fast: total x{ratio_total:.1f}, "
          f"store x{ratio_store:.1f}; target <{TARGET_SECONDS}s and <{TARGET_MB} MB: "
          f"{'met' if verdict else 'NOT met'}")


def _child(mode: str, database: Path, paths: list[Path]) -> None:
    """Runs in the subprocess: one import, figures as one JSON line on stdout."""
    from resettle.adapters.db.engine import make_session_factory, open_database
    from resettle.adapters.db.registry.store import registry_store
    from resettle.registry.service import ImportProgress, import_files

    engine = open_database(f"sqlite:///{database}")
    factory = make_session_factory(engine)
    marks: dict[str, float] = {"start": time.perf_counter()}

    def checking() -> None:
        marks["check"] = time.perf_counter()

    def writing(_persons: int) -> None:
        marks["store"] = time.perf_counter()

    if mode == "fast":
        hooks = ImportProgress(checking=checking, writing=writing)
        import_files(lambda: registry_store(factory), paths=paths, progress=hooks)
    else:
        _naive_import(factory, paths, checking, writing)
    end = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM persons").scalar()
    engine.dispose()
    figures = {
        "read_s": round(marks["check"] - marks["start"], 1),
        "check_s": round(marks["store"] - marks["check"], 1),
        "store_s": round(end - marks["store"], 1),
        "total_s": round(end - marks["start"], 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "persons_stored": stored,
    }
    print(json.dumps(figures))


def _naive_import(factory: Any, paths: list[Path], checking: Any, writing: Any) -> None:
    """Same reading and checking; then one ORM object per row, flushed one at a time."""
    from resettle.adapters.db.registry.mapping import (
        case_member_rows,
        case_to_row,
        locality_to_row,
        pledge_to_row,
    )
    from resettle.adapters.db.registry.tables import CaseRow, LocalityRow, PersonRow, PledgeRow
    from resettle.adapters.db.sealing import seal_person_rows
    from resettle.registry import assemble_batch, read_records

    parsed = [read_records(path) for path in paths]
    checking()
    batch = assemble_batch(parsed, {})
    writing(batch.persons_count)
    with factory.begin() as session:
        for case in batch.cases:
            session.add(CaseRow(**case_to_row(case), version=1))
            session.flush()
            for row in seal_person_rows(session, case_member_rows(case)):
                session.add(PersonRow(**row))
                session.flush()
        for locality in batch.localities:
            session.add(LocalityRow(**locality_to_row(locality)))
            session.flush()
        for pledge in batch.pledges:
            session.add(PledgeRow(**pledge_to_row(pledge)))
            session.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else CASES)
