"""Synthetic worlds: seeded, a truth that behaves as documented, a confounded status quo."""

from __future__ import annotations

import numpy as np

from resettle.simulation.worlds import (
    WorldSpec,
    assign_status_quo,
    cohort_capacity,
    draw_cohort,
    make_world,
    true_probability,
)


def test_same_seed_same_world() -> None:
    a, b = make_world(seed=5), make_world(seed=5)
    assert a.localities.locality_ids == b.localities.locality_ids
    assert np.array_equal(a.locality_effect, b.locality_effect)
    ca = draw_cohort(a, 50, np.random.default_rng(1))
    cb = draw_cohort(b, 50, np.random.default_rng(1))
    assert np.array_equal(true_probability(a, ca), true_probability(b, cb))


def test_placebo_world_locality_changes_nothing() -> None:
    world = make_world(WorldSpec(placebo=True), seed=2)
    p = true_probability(world, draw_cohort(world, 200, np.random.default_rng(0)))
    assert np.allclose(p, p[:, :1])


def test_locality_matters_in_the_default_world() -> None:
    world = make_world(seed=2)
    p = true_probability(world, draw_cohort(world, 200, np.random.default_rng(0)))
    assert (p.max(axis=1) - p.min(axis=1)).mean() > 0.1


def test_status_quo_respects_capacity_and_is_confounded() -> None:
    world = make_world(WorldSpec(n_localities=10), seed=4)
    rng = np.random.default_rng(9)
    cohort = draw_cohort(world, 3000, rng)
    capacity = cohort_capacity(world, cohort, rng)
    assignment = assign_status_quo(world, cohort, rng, capacity)
    used = np.bincount(assignment[assignment >= 0], weights=cohort.cases.size, minlength=10)
    assert (used <= capacity).all()
    assert (assignment >= 0).mean() > 0.99
    urban = world.localities.urban[assignment]
    # caseworkers send the (unrecorded) strongest to the cities
    assert cohort.latent[urban].mean() > cohort.latent[~urban].mean() + 0.1
