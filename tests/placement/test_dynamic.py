"""Dynamic mode: weekly batches never exceed the annual pledges, and pacing with potentials
beats per-batch greedy on simulated streams (on average, as the published results claim)."""

from __future__ import annotations

import numpy as np
import pytest

from resettle.placement.check import check_placement
from resettle.placement.dynamic import (
    POLICIES,
    assignment_of,
    run_policy,
    simulate_arrivals,
    solve_hindsight,
)

STREAMS = [simulate_arrivals(12, 15, 6, seed=seed, tightness=0.8) for seed in range(3)]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: f"{s.problem.n_cases}cases")
def test_never_exceeds_annual_capacity(policy: str, stream) -> None:  # type: ignore[no-untyped-def]
    outcome = run_policy(stream, policy)
    assignment = assignment_of(stream, outcome.chosen)
    check_placement(stream.problem, assignment)  # raises on any capacity or rule breach
    used = np.zeros_like(stream.problem.capacity)
    for case, loc in enumerate(assignment.tolist()):
        if loc >= 0:
            used[loc] += stream.problem.needs[case]
    assert (used <= stream.problem.capacity).all()


def test_potentials_reach_at_least_greedy_on_average_and_never_beat_hindsight() -> None:
    ratios: dict[str, list[float]] = {p: [] for p in POLICIES}
    for stream in STREAMS:
        best, bound = solve_hindsight(stream, time_limit=60)
        for policy in POLICIES:
            value = run_policy(stream, policy).value
            assert value <= bound + 1e-6 * abs(bound)
            ratios[policy].append(value / best.value)
    assert np.mean(ratios["potentials"]) >= np.mean(ratios["greedy"])


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy"):
        run_policy(STREAMS[0], "clairvoyant")
