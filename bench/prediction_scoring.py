"""Score matrix: 10,000 cases x 500 localities (target < 30 s), vectorized vs pair by pair.

Baseline: ``score_pairs_naively`` (one pair's features built and scored at a time, as a
per-pair loop would) on a random subsample of pairs, extrapolated to the full matrix.
Set ``RESETTLE_BENCH_CASES`` / ``RESETTLE_BENCH_LOCALITIES`` to change the size.
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
    started = time.perf_counter()
    matrix = score_matrix(model, cases, world.localities)
    vectorized = time.perf_counter() - started
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
        f"{kind:>12}: {n_cases:,} x {n_localities} = {matrix.size:,} pairs in "
        f"{vectorized:.1f} s ({matrix.size / vectorized:,.0f} pairs/s; target < 30 s: "
        f"{'met' if vectorized < 30 else 'NOT met'}); naive loop {per_pair * 1e3:.2f} ms/pair "
        f"-> {naive_total / 60:.0f} min extrapolated; ratio {naive_total / vectorized:,.0f}x; "
        f"training on {len(history):,} rows took {trained:.1f} s",
        flush=True,
    )


def main() -> None:
    n_cases = int(os.environ.get("RESETTLE_BENCH_CASES", "10000"))
    n_localities = int(os.environ.get("RESETTLE_BENCH_LOCALITIES", "500"))
    print(describe_machine())
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with threadpool_limits(limits=1):
        for kind in ("per-locality", "pooled"):
            _one(kind, n_cases, n_localities)
