"""Score matrix: 10,000 cases x 500 localities (target < 10 s), compiled vs per-row vs naive.

``score_matrix`` (compiled tree ensembles on the whole grid) against two baselines in the same
run: the per-row path (``compiled=False``: scikit-learn's ``predict_proba`` on blocks of pair
rows, what scoring did before issue 17) on a tenth of the cases, extrapolated, with the same
numbers checked to 1e-6; and ``score_pairs_naively`` (one pair's features built and scored at
a time) on a random subsample of pairs, extrapolated. Wall and CPU seconds, load average.
Set ``RESETTLE_BENCH_CASES`` / ``RESETTLE_BENCH_LOCALITIES`` to change the size,
``RESETTLE_BENCH_KINDS`` (``pooled,per-locality``) the models.
"""

from __future__ import annotations

import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bench.machine import describe_machine
from resettle.prediction.scoring import score_matrix, score_pairs_naively, train_model
from resettle.simulation.worlds import (
    WorldSpec,
    draw_cohort,
    history_of,
    make_world,
    simulate_history,
)

NAIVE_PAIRS = 300


def _one(kind: str, n_cases: int, n_localities: int) -> None:
    world = make_world(WorldSpec(n_localities=n_localities), seed=0)
    history = history_of(world, simulate_history(world, n=100 * n_localities, seed=0))
    started = time.perf_counter()
    model = train_model(history, kind, seed=0)
    trained = time.perf_counter() - started
    cases = draw_cohort(world, n_cases, np.random.default_rng(1)).cases
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    matrix = score_matrix(model, cases, world.localities)
    compiled, compiled_cpu = time.perf_counter() - started, time.process_time() - cpu
    share = max(1, n_cases // 10)
    sample = cases.take(np.arange(share, dtype=np.int64))
    started, cpu = time.perf_counter(), time.process_time()
    rows = score_matrix(model, sample, world.localities, compiled=False)
    scale = n_cases / share
    per_row = (time.perf_counter() - started) * scale
    per_row_cpu = (time.process_time() - cpu) * scale
    assert np.abs(rows - matrix[:share]).max() <= 1e-6  # same predictions
    rng = np.random.default_rng(2)
    pairs = np.column_stack(
        [rng.integers(0, n_cases, NAIVE_PAIRS), rng.integers(0, n_localities, NAIVE_PAIRS)]
    )
    started = time.perf_counter()
    naive = score_pairs_naively(model, cases, world.localities, pairs)
    per_pair = (time.perf_counter() - started) / NAIVE_PAIRS
    assert np.allclose(naive, matrix[pairs[:, 0], pairs[:, 1]])  # same numbers, faster
    naive_total = per_pair * matrix.size
    print(
        f"{kind:>12}: {n_cases:,} x {n_localities} = {matrix.size:,} pairs; load {load:.1f}; "
        f"compiled {compiled:.1f} s wall / {compiled_cpu:.1f} s CPU "
        f"({matrix.size / compiled:,.0f} pairs/s; target < 10 s: "
        f"{'met' if compiled < 10 else 'NOT met'} in wall, "
        f"{'met' if compiled_cpu < 10 else 'NOT met'} in CPU); per-row baseline "
        f"{per_row:.1f} s wall / {per_row_cpu:.1f} s CPU (extrapolated from {share:,} cases; "
        f"max difference {np.abs(rows - matrix[:share]).max():.1e}); ratio "
        f"{per_row_cpu / compiled_cpu:.1f}x CPU; naive loop {per_pair * 1e3:.2f} ms/pair -> "
        f"{naive_total / 60:.0f} min; training on {len(history):,} rows took {trained:.1f} s",
        flush=True,
    )


def main() -> None:
    n_cases = int(os.environ.get("RESETTLE_BENCH_CASES", "10000"))
    n_localities = int(os.environ.get("RESETTLE_BENCH_LOCALITIES", "500"))
    print(describe_machine())
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with threadpool_limits(limits=1):
        kinds = os.environ.get("RESETTLE_BENCH_KINDS", "pooled,per-locality").split(",")
        for kind in kinds:
            _one(kind, n_cases, n_localities)
