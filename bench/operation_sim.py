"""Operation simulator speed: replications of the Camp Ashraf forecast and of the 2011–2016
replay, sequential against joblib on every core (same seeds, so the same answers).

Issue 13's target: 1,000 replications in under 60 s on 2 cores. The baseline is a plain
sequential run of the same model in the same run (OPERATION_SIM_REPS replications, default
40); then OPERATION_SIM_TARGET_REPS (default 1,000) replications of the Ashraf forecast run
through joblib on every core, and the first OPERATION_SIM_REPS of them are checked to equal
the sequential ones. The sequential CPU time is what the work costs; on a loaded machine the
wall times are longer. Events are counted by an Environment that
counts its steps (the model takes its environment injected).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy
from joblib.externals.loky import get_reusable_executor

from bench.machine import describe_machine
from resettle.simulation.operation.forecast import Metrics, simulate_replications
from resettle.simulation.operation.history import history_cases, history_params
from resettle.simulation.operation.model import Operation
from resettle.simulation.operation.params import CaseStart, OperationParams
from resettle.simulation.operation.streams import Streams, replication_seeds


class CountingEnvironment(simpy.Environment):
    steps = 0

    def step(self) -> None:
        self.steps += 1
        super().step()


def events_per_replication(params: OperationParams, cases: tuple[CaseStart, ...]) -> int:
    env = CountingEnvironment()
    Operation(env, params, cases, Streams.of(replication_seeds(1, 1)[0], len(cases))).run()
    return env.steps


def ashraf_forecast() -> tuple[OperationParams, tuple[CaseStart, ...]]:
    """The forecast the demo runs: the synthetic Ashraf registry on its last recorded day."""
    from resettle.adapters.cli.scenario import load_scenario, make_ashraf
    from resettle.adapters.db.engine import make_session_factory, open_database
    from resettle.adapters.db.simulation.store import DbOperationStore
    from resettle.security.crypto import generate_key_file
    from resettle.simulation.ashraf_config import AshrafConfig
    from resettle.simulation.operation.service import params_for
    from resettle.simulation.operation.snapshot import read_starting_point

    folder = Path(tempfile.mkdtemp())
    if not os.environ.get("RESETTLE_KEY_FILE") and not os.environ.get("RESETTLE_DATA_KEYS"):
        generate_key_file(folder / "keys.json")
        os.environ["RESETTLE_KEY_FILE"] = str(folder / "keys.json")
    url = f"sqlite:///{folder / 'ashraf.db'}"
    load_scenario(make_ashraf(2011, AshrafConfig()), url)
    engine = open_database(url)
    with make_session_factory(engine)() as session:
        point = read_starting_point(DbOperationStore(session))
    engine.dispose()
    return params_for(point), point.cases


def timed(params: OperationParams, cases: tuple[CaseStart, ...], reps: int,
          jobs: int) -> tuple[Metrics, float, float]:
    """Metrics, wall seconds and CPU seconds: this process's, and its joblib workers' (the
    workers are shut down after the run, so their CPU time is counted as children's)."""
    wall, cpu = time.perf_counter(), _cpu()
    runs = simulate_replications(params, cases, reps, seed=1, jobs=jobs)
    elapsed = time.perf_counter() - wall
    if jobs > 1:
        get_reusable_executor().shutdown(wait=True)
    return Metrics.of(runs), elapsed, _cpu() - cpu


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    reps = int(os.environ.get("OPERATION_SIM_REPS", "40"))
    target = int(os.environ.get("OPERATION_SIM_TARGET_REPS", "1000"))
    # The replay (the calibration world) is three times the events; a full 1,000 of it is an
    # opt-in, OPERATION_SIM_REPLAY_REPS=1000, since it doubles the benchmark's time.
    replay_many = int(os.environ.get("OPERATION_SIM_REPLAY_REPS", str(reps)))
    cores = os.cpu_count() or 1
    print(describe_machine(), f"load average {os.getloadavg()[0]:.1f}")
    for name, (params, cases) in (("Ashraf forecast", ashraf_forecast()),
                                  ("replay 2011-2016", (history_params(), history_cases()))):
        events = events_per_replication(params, cases)
        single, wall_1, cpu_1 = timed(params, cases, reps, jobs=1)
        many = target if name == "Ashraf forecast" else replay_many
        parallel, wall_n, cpu_n = timed(params, cases, many, jobs=cores)
        same = np.array_equal(single.end_day, parallel.end_day[:reps]) and np.array_equal(
            single.person_days, parallel.person_days[:reps])
        per_rep = cpu_1 / reps
        print(f"{name}: {len(cases):,} cases, {events:,} events per replication; "
              f"{reps} replications sequential {wall_1:.1f} s wall ({cpu_1:.1f} s CPU, "
              f"{per_rep * 1000:.0f} ms CPU each, {events / per_rep:,.0f} events/CPU-s); "
              f"{many} replications joblib {cores} processes {wall_n:.1f} s wall "
              f"({cpu_n:.1f} s CPU, workers included: {cpu_n / cores:.0f} s on {cores} idle "
              f"cores), "
              f"{wall_1 / reps * many / wall_n:.2f}x the sequential rate; same results: {same}; "
              f"load average now {os.getloadavg()[0]:.1f}")
