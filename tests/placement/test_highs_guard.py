"""A model whose previous solve is still running is reported as stuck, never as highspy's own
"Solver is already running" error, so the exact solver keeps its incumbent (seen under load
after a cancelled solve: the benchmark's baseline crashed there)."""

from __future__ import annotations

import threading

import pytest

from resettle.placement.quiet_highs import new_highs
from resettle.placement.solvers._highs import SolverStuckError, run_guarded

_RUNNING_LOCK = "_Highs__solver_stopped"  # highspy's private name for it


class _RunningSolve:
    """Holds highspy's own 'a solve is running' lock from another thread, as its solver thread
    does while it runs (the lock is re-entrant, so it must not be this thread)."""

    def __init__(self, highs: object) -> None:
        self._lock = getattr(highs, _RUNNING_LOCK)
        self._held, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with self._lock:
            self._held.set()
            self._release.wait(10)

    def __enter__(self) -> None:
        self._thread.start()
        self._held.wait(10)

    def __exit__(self, *_: object) -> None:
        self._release.set()
        self._thread.join(10)


@pytest.mark.parametrize("time_limit", [1.0, None])
def test_a_model_still_solving_is_reported_stuck(time_limit: float | None) -> None:
    highs = new_highs()
    with _RunningSolve(highs):
        assert highs.is_solver_running()
        with pytest.raises(SolverStuckError):
            run_guarded(highs, time_limit, n_pairs=0)
    assert not highs.is_solver_running()


def test_an_idle_model_solves() -> None:
    highs = new_highs()
    highs.addVar(0.0, 1.0)
    assert run_guarded(highs, 1.0, n_pairs=1) is True
    assert not highs.is_solver_running()
