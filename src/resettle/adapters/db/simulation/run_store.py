"""Forecast runs on the database: :class:`resettle.simulation.operation.ports.ForecastRunStore`.

Each method works in the caller's session and transaction; the caller commits (a web run's
background thread commits each progress step in a short write of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resettle.adapters.db.simulation.tables import ForecastRunRow
from resettle.errors import NotFoundError
from resettle.simulation.operation.ports import StoredRun
from resettle.simulation.operation.runs import DONE, FAILED, RUNNING
from resettle.simulation.operation.service import StoredForecast


class DbForecastRunStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_run(self, *, started_by: str, started_at: datetime, as_of: date | None,
                replications: int, seed: int, inputs: Mapping[str, Any]) -> int:
        row = ForecastRunRow(status=RUNNING, started_by=started_by, started_at=started_at,
                             finished_at=None, as_of=as_of, replications=replications,
                             seed=seed, done=0, inputs=dict(inputs), results=None, error="")
        self.session.add(row)
        self.session.flush()
        return row.run_id

    def _row(self, run_id: int) -> ForecastRunRow:
        row = self.session.get(ForecastRunRow, run_id)
        if row is None:
            raise NotFoundError(f"no forecast run {run_id}")
        return row

    def record_progress(self, run_id: int, done: int) -> None:
        self._row(run_id).done = done
        self.session.flush()

    def finish_run(self, run_id: int, *, finished_at: datetime, as_of: date,
                   results: Mapping[str, Any]) -> None:
        row = self._row(run_id)
        row.status, row.finished_at, row.as_of = DONE, finished_at, as_of
        row.results, row.done = dict(results), row.replications * (
            1 + len(row.inputs.get("levers", ())))
        self.session.flush()

    def fail_run(self, run_id: int, *, finished_at: datetime, error: str) -> None:
        row = self._row(run_id)
        row.status, row.finished_at, row.error = FAILED, finished_at, error[:2000]
        self.session.flush()

    def get_run(self, run_id: int) -> StoredRun | None:
        row = self.session.get(ForecastRunRow, run_id)
        return _stored(row) if row is not None else None

    def list_runs(self, limit: int = 20) -> list[StoredRun]:
        rows = self.session.scalars(select(ForecastRunRow)
                                    .order_by(ForecastRunRow.run_id.desc()).limit(limit))
        return [_stored(row) for row in rows]

    def latest_done(self, *, on_or_before: date | None = None) -> StoredRun | None:
        query = select(ForecastRunRow).where(ForecastRunRow.status == DONE)
        if on_or_before is not None:
            query = query.where(ForecastRunRow.as_of <= on_or_before)
        row = self.session.scalars(query.order_by(ForecastRunRow.as_of.desc(),
                                                  ForecastRunRow.run_id.desc()).limit(1)).first()
        return _stored(row) if row is not None else None

    def unfinished_runs(self) -> list[StoredRun]:
        rows = self.session.scalars(select(ForecastRunRow)
                                    .where(ForecastRunRow.status == RUNNING)
                                    .order_by(ForecastRunRow.run_id))
        return [_stored(row) for row in rows]


def _stored(row: ForecastRunRow) -> StoredRun:
    return StoredRun(run_id=row.run_id, status=row.status, started_by=row.started_by,
                     started_at=row.started_at, finished_at=row.finished_at, as_of=row.as_of,
                     replications=row.replications, seed=row.seed, inputs=row.inputs,
                     done=row.done, results=row.results, error=row.error)


def stored_forecast(session: Session) -> StoredForecast:
    """The report's forecast source on this session: the latest stored run (reporting defines
    the ``ForecastSource`` it needs; the simulator fills it from the runs kept here)."""
    return StoredForecast(DbForecastRunStore(session))
