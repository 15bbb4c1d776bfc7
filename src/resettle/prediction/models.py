"""Outcome models with the scikit-learn contract: P(employed within 90 days | pair features).

* :class:`PerLocalityModel` (as GeoMatch): one gradient-boosted model per locality, trained on
  the cases that went there; localities with too little history fall back to a model of all.
* :class:`PooledModel`: one gradient-boosted model over every pair, with the case x locality
  features and a smoothed per-locality base rate learned from history.

Both read the matrix of :func:`resettle.prediction.features.build_pair_features`; the column
named by ``locality_column`` (0 there) holds the locality code. With ``locality_column=None``
(the default, so generic scikit-learn checks run) every row belongs to one locality.
Probabilities are calibrated on a held-out share of the training rows, then (``refit``) the
model is refitted on every row. Sigmoid (Platt) calibration is the default: it is strictly
monotone, so it keeps the differences between localities that the optimizer needs, while
isotonic calibration maps ranges of scores to one value and cost ~7 points of the oracle's gain
in the default world (bench/RESULTS.md). Small trees (4 leaves, 300 rounds) suit outcomes that
are roughly additive on the logit scale; deeper trees overfit the history.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from resettle.errors import UnknownChoiceError, UnsuitableDataError

CALIBRATIONS = ("isotonic", "sigmoid", "none")
MIN_CALIBRATION_ROWS = 40
# One OpenMP thread: on a shared machine, oversubscribed OpenMP threads spin and made training
# 10-50x slower; the per-locality models are small fits where threads gain little anyway.
OPENMP_THREADS = 1


def _boosted(
    params: dict[str, Any], seed: int | None, categorical: list[bool] | None = None
) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        categorical_features=categorical,
        max_iter=params["max_iter"],
        learning_rate=params["learning_rate"],
        max_leaf_nodes=params["max_leaf_nodes"],
        min_samples_leaf=params["min_samples_leaf"],
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


class _Calibrator:
    """Maps raw scores to calibrated probabilities; identity when there is nothing to fit."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.model: IsotonicRegression | LogisticRegression | None = None

    def fit(self, raw: NDArray[np.float64], y: NDArray[np.int64]) -> _Calibrator:
        if self.method == "none" or len(raw) < MIN_CALIBRATION_ROWS or len(np.unique(y)) < 2:
            return self
        if self.method == "isotonic":
            self.model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            self.model.fit(raw, y)
        else:
            logit = np.log(np.clip(raw, 1e-6, 1 - 1e-6) / np.clip(1 - raw, 1e-6, 1))
            self.model = LogisticRegression().fit(logit[:, None], y)
        return self

    def transform(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.model is None:
            return raw
        if isinstance(self.model, IsotonicRegression):
            out = np.asarray(self.model.predict(raw), dtype=np.float64)
        else:
            logit = np.log(np.clip(raw, 1e-6, 1 - 1e-6) / np.clip(1 - raw, 1e-6, 1))
            out = np.asarray(self.model.predict_proba(logit[:, None])[:, 1], dtype=np.float64)
        return np.clip(out, 1e-4, 1 - 1e-4)


class _OutcomeModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Shared contract: binary target, held-out calibration, locality codes in one column."""

    locality_column: int | None
    calibration: str
    calibration_fraction: float
    refit: bool
    max_iter: int
    random_state: int | None

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in
                ("max_iter", "learning_rate", "max_leaf_nodes", "min_samples_leaf")}

    def _codes(self, X: NDArray[np.float64]) -> NDArray[np.int64]:
        if self.locality_column is None:
            return np.zeros(len(X), dtype=np.int64)
        return np.rint(X[:, self.locality_column]).astype(np.int64)

    def _features(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.locality_column is None or X.shape[1] == 1:
            return X
        return np.delete(X, self.locality_column, axis=1)

    def fit(self, X: Any, y: Any) -> Self:
        with threadpool_limits(limits=OPENMP_THREADS, user_api="openmp"):
            return self._fit(X, y)

    def _fit(self, X: Any, y: Any) -> Self:
        if self.calibration not in CALIBRATIONS:
            raise UnknownChoiceError(f"calibration must be one of {CALIBRATIONS}")
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if type_of_target(y) == "multiclass":
            raise UnsuitableDataError("Only binary classification is supported: outcomes are 0/1")
        self.classes_, target = np.unique(y, return_inverse=True)
        rng = np.random.default_rng(self.random_state)
        holdout = rng.random(len(X)) < self.calibration_fraction
        if self.calibration == "none" or len(X) * self.calibration_fraction < MIN_CALIBRATION_ROWS:
            holdout[:] = False
        self._fit_raw(X[~holdout], target[~holdout])
        self.n_iter_ = self.max_iter  # no early stopping: every booster runs its max_iter
        self.calibrator_ = _Calibrator(self.calibration)
        if holdout.any():
            self.calibrator_.fit(self._raw(X[holdout]), target[holdout])
            if self.refit:  # keep every row for the model itself (as ensemble=False does)
                self._fit_raw(X, target)
        return self

    def predict_proba(self, X: Any) -> NDArray[np.float64]:
        check_is_fitted(self, "calibrator_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with threadpool_limits(limits=OPENMP_THREADS, user_api="openmp"):
            positive = self.calibrator_.transform(self._raw(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Any) -> NDArray[Any]:
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[(proba[:, 1] >= 0.5).astype(int)])

    def _fit_raw(self, X: NDArray[np.float64], y: NDArray[np.int64]) -> None:
        raise NotImplementedError

    def _raw(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        raise NotImplementedError


class _Constant:
    """A 'model' for a group with one class only: predicts its (smoothed) rate."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack([np.full(len(X), 1 - self.rate), np.full(len(X), self.rate)])


def _fit_group(
    X: NDArray[np.float64],
    y: NDArray[np.int64],
    params: dict[str, Any],
    seed: int | None,
    categorical: list[bool] | None = None,
) -> Any:
    if len(np.unique(y)) < 2:
        return _Constant((float(y.sum()) + 0.5) / (len(y) + 1.0))
    return _boosted(params, seed, categorical).fit(X, y)


class PerLocalityModel(_OutcomeModel):
    """One boosted model per locality; ``min_rows`` or fewer rows fall back to the pooled one."""

    def __init__(
        self,
        *,
        locality_column: int | None = None,
        min_rows: int = 50,
        max_iter: int = 80,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 8,
        min_samples_leaf: int = 20,
        calibration: str = "sigmoid",
        calibration_fraction: float = 0.2,
        refit: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.locality_column = locality_column
        self.min_rows = min_rows
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.calibration = calibration
        self.calibration_fraction = calibration_fraction
        self.refit = refit
        self.random_state = random_state

    def _fit_raw(self, X: NDArray[np.float64], y: NDArray[np.int64]) -> None:
        codes, features = self._codes(X), self._features(X)
        params = self._params()
        self.fallback_ = _fit_group(features, y, params, self.random_state)
        self.locality_models_: dict[int, Any] = {}
        for code in np.unique(codes).tolist():
            rows = codes == code
            if rows.sum() > self.min_rows:
                self.locality_models_[code] = _fit_group(
                    features[rows], y[rows], params, self.random_state
                )

    def _raw(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        codes, features = self._codes(X), self._features(X)
        out = np.asarray(self.fallback_.predict_proba(features)[:, 1], dtype=np.float64)
        for code in np.unique(codes).tolist():
            model = self.locality_models_.get(code)
            if model is not None:
                rows = codes == code
                out[rows] = model.predict_proba(features[rows])[:, 1]
        return out


class PooledModel(_OutcomeModel):
    """One boosted model over all pairs, plus each locality's smoothed historical rate."""

    def __init__(
        self,
        *,
        locality_column: int | None = None,
        smoothing: float = 50.0,
        max_iter: int = 300,
        learning_rate: float = 0.25,
        max_leaf_nodes: int = 4,
        min_samples_leaf: int = 50,
        calibration: str = "sigmoid",
        calibration_fraction: float = 0.2,
        refit: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.locality_column = locality_column
        self.smoothing = smoothing
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.calibration = calibration
        self.calibration_fraction = calibration_fraction
        self.refit = refit
        self.random_state = random_state

    def _with_rate(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        codes = self._codes(X)
        known = np.isin(codes, self.locality_codes_)
        at = np.searchsorted(self.locality_codes_, codes).clip(0, len(self.locality_codes_) - 1)
        rate = np.where(known, self.locality_rates_[at], self.base_rate_)
        return np.column_stack([self._features(X), rate])

    def _fit_raw(self, X: NDArray[np.float64], y: NDArray[np.int64]) -> None:
        codes = self._codes(X)
        self.base_rate_ = float(y.mean())
        self.locality_codes_, inverse = np.unique(codes, return_inverse=True)
        hits = np.bincount(inverse, weights=y, minlength=len(self.locality_codes_))
        counts = np.bincount(inverse, minlength=len(self.locality_codes_))
        prior = self.smoothing * self.base_rate_
        self.locality_rates_ = (hits + prior) / (counts + self.smoothing)
        # The locality enters through its smoothed rate only: as a categorical feature it let
        # the trees overfit and cost ~10 points of the oracle's gain in the default world.
        self.model_ = _fit_group(self._with_rate(X), y, self._params(), self.random_state)

    def _raw(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.model_.predict_proba(self._with_rate(X))[:, 1], dtype=np.float64)


MODEL_KINDS: dict[str, type[_OutcomeModel]] = {
    "per-locality": PerLocalityModel,
    "pooled": PooledModel,
}


def make_model(kind: str, *, random_state: int | None = 0, **params: Any) -> _OutcomeModel:
    """A fresh model of a kind (``per-locality`` or ``pooled``) reading pair features."""
    if kind not in MODEL_KINDS:
        raise UnknownChoiceError(
            f"unknown model kind '{kind}'; choose one of {sorted(MODEL_KINDS)}")
    return MODEL_KINDS[kind](locality_column=0, random_state=random_state, **params)
