"""The compiled tree ensembles give scikit-learn's numbers on a whole grid (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import HistGradientBoostingClassifier

from resettle.prediction.compiled import CASE, LOCALITY, PAIR, CompiledEnsemble
from resettle.prediction.scoring import score_matrix, train_model
from resettle.simulation.worlds import (
    WorldSpec,
    draw_cohort,
    history_of,
    make_world,
    simulate_history,
)


@pytest.mark.parametrize("kind", ["pooled", "per-locality"])
def test_score_matrix_compiled_equals_predict_proba(kind: str) -> None:
    world = make_world(WorldSpec(n_localities=12), seed=3)
    history = history_of(world, simulate_history(world, n=2_400, seed=3))
    model = train_model(history, kind, seed=0, max_iter=60)
    cases = draw_cohort(world, 150, np.random.default_rng(4)).cases
    fast = score_matrix(model, cases, world.localities)
    slow = score_matrix(model, cases, world.localities, compiled=False)
    assert fast.shape == slow.shape == (150, 12)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), leaves=st.sampled_from([2, 4, 8]),
       nan_share=st.sampled_from([0.0, 0.2]))
def test_raw_grid_equals_sklearn_on_random_ensembles(seed: int, leaves: int,
                                                     nan_share: float) -> None:
    """Case, locality and pair columns, missing values on both sides of every split."""
    rng = np.random.default_rng(seed)
    n, m = 40, 7
    cases, locs = rng.normal(size=(n, 3)), rng.normal(size=(m, 2))
    cases[rng.random(cases.shape) < nan_share] = np.nan
    pair = rng.integers(0, 3, size=(n, m)).astype(np.float64)  # low-cardinality like the real
    ci, lj = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    X = np.column_stack([cases[ci], locs[lj], pair[ci, lj]])
    y = (np.nan_to_num(X[:, 0]) + X[:, 3] * X[:, 5] + rng.normal(size=len(X)) > 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=25, max_leaf_nodes=leaves,
                                           min_samples_leaf=5, random_state=seed).fit(X, y)
    kinds = np.array([CASE] * 3 + [LOCALITY] * 2 + [PAIR])
    columns = np.array([0, 1, 2, 0, 1, 0])
    ensemble = CompiledEnsemble(model, kinds, columns)
    assert ensemble.complete
    grid = ensemble.raw_grid(cases, locs, lambda rows, col: pair[rows], block=50)
    expected = model._raw_predict(X)[:, 0].reshape(n, m)
    np.testing.assert_allclose(grid, expected, rtol=0, atol=1e-9)
