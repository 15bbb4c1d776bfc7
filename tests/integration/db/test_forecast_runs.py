"""Forecast runs on the database (SQLite, and PostgreSQL when configured): stored with their
inputs and seed, progress and results; a stored run draws its figures again and its inputs
make the same numbers again; the report reads the latest run that starts by its day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.simulation.run_store import DbForecastRunStore, stored_forecast
from resettle.core.status import CaseStatus
from resettle.simulation.operation.ports import (
    CaseSnapshot,
    MemoryOperationStore,
    PledgeSnapshot,
)
from resettle.simulation.operation.runs import DONE, FAILED, RUNNING, ForecastRequest
from resettle.simulation.operation.service import (
    close_interrupted_runs,
    execute_stored_run,
    run_forecast,
    start_stored_run,
    stored_results,
)

DAY = date(2014, 6, 30)
NOW = datetime(2014, 7, 1, 9, 0, tzinfo=UTC)
WORLD = MemoryOperationStore(
    tuple(CaseSnapshot(CaseStatus.READY_FOR_REFERRAL if i % 2 else CaseStatus.ASSESSED,
                       1 + i % 3, 1 + i % 2, float(i % 40)) for i in range(60)),
    (PledgeSnapshot("ALB", DAY, DAY + timedelta(days=900), 90),
     PledgeSnapshot("DEU", DAY + timedelta(days=200), DAY + timedelta(days=900), 40)),
    DAY)


def store_run(session: Session, request: ForecastRequest, at: datetime = NOW) -> int:
    runs = DbForecastRunStore(session)
    run_id = start_stored_run(runs, request, started_by="analyst", now=at)
    session.commit()
    execute_stored_run(WORLD, runs, run_id, request, clock=lambda: at)
    session.commit()
    return run_id


def test_a_run_is_stored_with_its_inputs_and_draws_again(engine: Engine) -> None:
    request = ForecastRequest(replications=4, seed=11, levers=("vetting",))
    with make_session_factory(engine)() as session:
        run_id = store_run(session, request)
    with make_session_factory(engine)() as session:  # a fresh session: from the database
        stored = DbForecastRunStore(session).get_run(run_id)
    assert stored is not None and stored.status == DONE and stored.as_of == DAY
    assert (stored.replications, stored.seed, stored.done) == (4, 11, 8)
    again = run_forecast(WORLD, ForecastRequest.from_record(stored.inputs))
    kept = stored_results(stored)
    for name in ("end_day", "person_days", "deaths", "left_behind"):
        assert np.array_equal(getattr(kept.forecast.metrics, name),
                              getattr(again.forecast.metrics, name)), name
    assert np.array_equal(kept.forecast.in_camp, again.forecast.in_camp)
    assert kept.forecast.last_departure_days == again.forecast.last_departure_days
    assert [e.name for e in kept.levers] == [e.name for e in again.levers]
    assert kept.levers[0].person_days_saved == again.levers[0].person_days_saved


def test_a_failed_run_says_why_and_the_report_takes_the_latest_finished(
        engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        runs = DbForecastRunStore(session)
        assert stored_forecast(session).forecast_band(DAY) is None
        first = store_run(session, ForecastRequest(replications=3, seed=1))
        second = store_run(session, ForecastRequest(replications=5, seed=2),
                           at=NOW + timedelta(hours=1))
        broken = start_stored_run(runs, ForecastRequest(replications=3), started_by="analyst",
                                  now=NOW)
        runs.fail_run(broken, finished_at=NOW, error="no case is waiting")
        waiting = start_stored_run(runs, ForecastRequest(replications=3), started_by="x",
                                   now=NOW)
        runs.record_progress(waiting, 2)
        session.commit()
        listed = {r.run_id: r for r in runs.list_runs()}
        assert [r.run_id for r in runs.list_runs()] == [waiting, broken, second, first]
        assert listed[broken].status == FAILED and listed[broken].error == "no case is waiting"
        assert listed[waiting].status == RUNNING and listed[waiting].done == 2
        band = stored_forecast(session).forecast_band(DAY + timedelta(days=31))
        assert stored_forecast(session).forecast_band(DAY - timedelta(days=1)) is None
    assert band is not None and band.runs == 5 and band.as_of == DAY
    assert band.last_departure_low <= band.last_departure_median <= band.last_departure_high
    assert f"run {second}" in band.source and "seed 2" in band.source
    assert band.remaining and band.remaining[0][0] == "2014-06"
    assert all(low <= mid <= high for _, low, mid, high in band.remaining)


def test_runs_cut_off_by_a_server_stop_are_closed_when_a_server_starts(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        runs = DbForecastRunStore(session)
        finished = store_run(session, ForecastRequest(replications=3, seed=4))
        cut_off = start_stored_run(runs, ForecastRequest(replications=3), started_by="analyst",
                                   now=NOW)
        runs.record_progress(cut_off, 2)
        session.commit()
        assert [run.run_id for run in runs.unfinished_runs()] == [cut_off]
        later = NOW + timedelta(days=1)
        assert close_interrupted_runs(runs, now=later) == [cut_off]
        session.commit()
    with make_session_factory(engine)() as session:
        runs = DbForecastRunStore(session)
        closed, kept = runs.get_run(cut_off), runs.get_run(finished)
        assert closed is not None and kept is not None
        assert (closed.status, closed.done) == (FAILED, 2)
        assert closed.finished_at is not None  # SQLite keeps no time zone
        assert closed.finished_at.replace(tzinfo=None) == later.replace(tzinfo=None)
        assert closed.error.startswith("interrupted")
        assert kept.status == DONE and runs.unfinished_runs() == []
        assert close_interrupted_runs(runs, now=later) == []  # nothing twice
