"""The historical replay meets issue 13's bounds on a reduced number of replications."""

from __future__ import annotations

from resettle.simulation.operation.calibration import (
    CLOSURE_TARGET_DAYS,
    MARE_TARGET,
    evaluate_history,
)
from resettle.simulation.operation.history import OBSERVED, PLEDGES, history_cases


def test_the_replay_reproduces_the_departures_and_the_closure() -> None:
    calibration = evaluate_history(replications=3, seed=2016)
    assert calibration.mare <= MARE_TARGET, [r.relative_error for r in calibration.rows]
    assert abs(calibration.closure_error_days) <= CLOSURE_TARGET_DAYS


def test_every_historical_figure_carries_its_source() -> None:
    assert all(o.source for o in OBSERVED) and all(p.source for p in PLEDGES)
    assert sum(c.persons for c in history_cases()) == 3200
