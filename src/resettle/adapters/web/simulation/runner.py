"""Forecast runs started from the web go on in a background thread, so no request waits for
them: the page shows the run's progress and then its results.

The thread reads the registry's aggregates once (a short read), then simulates without holding
a transaction; each progress step, the results or a failure are written in a short write of
their own, under the writer lock on SQLite like every other write. One run simulates at a time
per server process (the others wait their turn), so runs never take every core from requests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from resettle.adapters.db.simulation.run_store import DbForecastRunStore
from resettle.adapters.db.simulation.store import DbOperationStore
from resettle.adapters.web.config import WebConfig
from resettle.adapters.web.guards import Writing
from resettle.errors import ResettleError
from resettle.simulation.operation.ports import MemoryOperationStore, StoredRun
from resettle.simulation.operation.runs import ForecastRequest
from resettle.simulation.operation.service import close_interrupted_runs, execute_stored_run

log = logging.getLogger("resettle.web")
ONE_AT_A_TIME = threading.Semaphore(1)
T = TypeVar("T")


class ThreadRunStore:
    """The run store for a background thread: each call in a short transaction of its own."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config

    def _do(self, work: Callable[[DbForecastRunStore], T], *, writes: bool) -> T:
        with self.config.sessions() as session:
            writing = Writing(session, self.config.writer_lock)
            try:
                if writes:
                    writing.begin()
                result = work(DbForecastRunStore(session))
                session.commit()
                return result
            finally:
                writing.end()

    def add_run(self, *, started_by: str, started_at: datetime, as_of: date | None,
                replications: int, seed: int, inputs: Mapping[str, Any]) -> int:
        return self._do(lambda s: s.add_run(
            started_by=started_by, started_at=started_at, as_of=as_of,
            replications=replications, seed=seed, inputs=inputs), writes=True)

    def record_progress(self, run_id: int, done: int) -> None:
        self._do(lambda s: s.record_progress(run_id, done), writes=True)

    def finish_run(self, run_id: int, *, finished_at: datetime, as_of: date,
                   results: Mapping[str, Any]) -> None:
        self._do(lambda s: s.finish_run(run_id, finished_at=finished_at, as_of=as_of,
                                        results=results), writes=True)

    def fail_run(self, run_id: int, *, finished_at: datetime, error: str) -> None:
        self._do(lambda s: s.fail_run(run_id, finished_at=finished_at, error=error),
                 writes=True)

    def get_run(self, run_id: int) -> StoredRun | None:
        return self._do(lambda s: s.get_run(run_id), writes=False)

    def list_runs(self, limit: int = 20) -> list[StoredRun]:
        return self._do(lambda s: s.list_runs(limit), writes=False)

    def latest_done(self, *, on_or_before: date | None = None) -> StoredRun | None:
        return self._do(lambda s: s.latest_done(on_or_before=on_or_before), writes=False)

    def unfinished_runs(self) -> list[StoredRun]:
        return self._do(lambda s: s.unfinished_runs(), writes=False)


def close_interrupted(config: WebConfig) -> list[int]:
    """Runs a previous server left RUNNING, marked failed; called once as the server starts,
    before any process takes a request (so no run of this server can be going on)."""
    closed = close_interrupted_runs(ThreadRunStore(config), now=datetime.now(UTC))
    if closed:
        log.warning("forecast runs %s were cut off by the last stop: marked failed",
                    ", ".join(map(str, closed)))
    return closed


def registry_aggregates(config: WebConfig, as_of: date | None) -> MemoryOperationStore:
    """The registry's per-case aggregates on the run's day, read once and let go."""
    with config.sessions() as session:
        store = DbOperationStore(session)
        day = as_of or store.latest_activity() or datetime.now(UTC).date()
        return MemoryOperationStore(tuple(store.case_snapshots(day)), tuple(store.pledges()),
                                    day)


def run_in_background(config: WebConfig, run_id: int, request: ForecastRequest) -> threading.Thread:
    thread = threading.Thread(target=_work, args=(config, run_id, request),
                              name=f"forecast-run-{run_id}", daemon=True)
    thread.start()
    return thread


def _work(config: WebConfig, run_id: int, request: ForecastRequest) -> None:
    runs = ThreadRunStore(config)
    with ONE_AT_A_TIME:
        try:
            execute_stored_run(registry_aggregates(config, request.as_of), runs, run_id,
                               request, clock=lambda: datetime.now(UTC))
        except ResettleError:
            pass  # recorded on the run by the service: the page shows why
        except Exception as error:  # a bug: logged by type only, the run says it failed
            log.error("forecast run %d failed: %s", run_id, type(error).__name__)
            runs.fail_run(run_id, finished_at=datetime.now(UTC),
                          error="an unexpected failure on the server; it was logged")
