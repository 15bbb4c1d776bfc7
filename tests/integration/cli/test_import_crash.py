"""A real import process killed with SIGKILL mid-write leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.inspection import count_rows, digest_database
from resettle.adapters.db.registry.store import store_batch
from resettle.core import RegistryBatch
from resettle.registry import RecordKind, write_records
from resettle.simulation.random_instances import generate_random

pytestmark = pytest.mark.slow

CASES = 15_000  # about 50,000 persons
WAIT_SECONDS = 240


@pytest.fixture(scope="module")
def large_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("large")
    batch = generate_random(CASES, 20, 7)
    assert batch.persons_count > 45_000
    paths = []
    for kind in (RecordKind.CASES, RecordKind.PERSONS):
        path = folder / f"{kind.value}.csv"
        write_records(path, kind, batch)
        paths.append(path)
    return paths


def _started_writing(engine: Engine, wal: Path, wal_size_before: int) -> bool:
    """True once the import's transaction has written rows (not yet committed)."""
    if engine.dialect.name == "sqlite":
        # Uncommitted pages spill from SQLite's page cache into the WAL file.
        return wal.exists() and wal.stat().st_size > wal_size_before + 2**20
    with engine.connect() as connection:
        running = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND state = 'active' AND query ILIKE 'INSERT INTO persons%'")
        ).scalar()
    return bool(running)


def test_sigkill_during_a_large_import_leaves_the_database_unchanged(
    engine: Engine, sample_batch: RegistryBatch, large_files: list[Path]
) -> None:
    with make_session_factory(engine).begin() as session:
        store_batch(session, batch=sample_batch)
    counts, digest = count_rows(engine), digest_database(engine)
    url = engine.url.render_as_string(hide_password=False)
    wal = Path(f"{engine.url.database}-wal")
    wal_size_before = wal.stat().st_size if wal.exists() else 0

    command = [sys.executable, "-m", "resettle", "import", *map(str, large_files),
               "--database-url", url]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # wait until parsing and checking are over
            if line.startswith("Writing"):
                break
        else:
            pytest.fail(f"the import ended before writing (exit {process.wait()})")
        deadline = time.monotonic() + WAIT_SECONDS
        while not _started_writing(engine, wal, wal_size_before):
            assert process.poll() is None, "the import finished before it could be killed"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()

    engine.dispose()  # reopen from disk, as the next officer would
    assert count_rows(engine) == counts
    assert digest_database(engine) == digest
