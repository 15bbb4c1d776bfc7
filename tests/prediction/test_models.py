"""The scikit-learn contract for every outcome model: sklearn's own estimator checks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

from resettle.prediction.models import MODEL_KINDS, PerLocalityModel, PooledModel

MODELS = [PerLocalityModel(max_iter=10), PooledModel(max_iter=10)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_sklearn_estimator_checks(model: object) -> None:
    results = check_estimator(model, on_fail=None)
    failed = [f"{r['check_name']}: {r['exception']!r}" for r in results if r["status"] == "failed"]
    assert failed == []
    assert len(results) > 40  # the suite really ran


@pytest.mark.parametrize("kind", sorted(MODEL_KINDS))
def test_predict_before_fit_raises_not_fitted(kind: str) -> None:
    model = MODEL_KINDS[kind](locality_column=0)
    with pytest.raises(NotFittedError):
        model.predict_proba(np.zeros((3, 4)))


def _grouped_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Locality 0: outcome follows x; locality 1: the opposite. Only per-locality fits see it."""
    rng = np.random.default_rng(seed)
    n = 1200
    code = rng.integers(0, 2, size=n)
    x = rng.normal(size=n)
    logit = np.where(code == 0, 2 * x, -2 * x)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.column_stack([code, x]), y


@pytest.mark.parametrize("kind", sorted(MODEL_KINDS))
def test_models_learn_locality_specific_effects(kind: str) -> None:
    X, y = _grouped_data()
    model = MODEL_KINDS[kind](locality_column=0, random_state=0).fit(X, y)
    assert model.fit(X, y) is model  # fit returns self
    probe = np.array([[0, 1.5], [1, 1.5]])
    p = model.predict_proba(probe)[:, 1]
    assert p[0] > 0.7 and p[1] < 0.3
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert hasattr(model, "calibrator_") and hasattr(model, "n_iter_")


@pytest.mark.parametrize("kind", sorted(MODEL_KINDS))
@pytest.mark.parametrize("calibration", ["isotonic", "sigmoid", "none"])
def test_calibration_keeps_probabilities_in_range(kind: str, calibration: str) -> None:
    X, y = _grouped_data(1)
    model = MODEL_KINDS[kind](locality_column=0, calibration=calibration, random_state=0)
    p = clone(model).fit(X, y).predict_proba(X)[:, 1]
    assert ((p > 0) & (p < 1)).all()
    # calibrated on average (the calibrator was fitted before the refit on every row)
    assert abs(p.mean() - y.mean()) < 0.08


def test_unknown_calibration_is_refused() -> None:
    X, y = _grouped_data()
    with pytest.raises(ValueError, match="calibration"):
        PooledModel(calibration="magic").fit(X, y)


def test_unseen_locality_falls_back() -> None:
    X, y = _grouped_data()
    model = PerLocalityModel(locality_column=0, random_state=0).fit(X, y)
    p = model.predict_proba(np.array([[7, 0.0]]))[:, 1]
    assert 0.2 < p[0] < 0.8  # the pooled fallback, not a crash
