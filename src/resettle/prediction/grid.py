"""The outcome models' probabilities on a whole case x locality grid, through the compiled
tree ensembles of :mod:`resettle.prediction.compiled` (same numbers as ``predict_proba`` on
the pair matrix, to ~1e-12; ``None`` when a model cannot be compiled and the caller must take
the per-row path)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier

from resettle.prediction.compiled import CASE, LOCALITY, PAIR, CompiledEnsemble, PairColumns
from resettle.prediction.features import EncodedPairs, build_pair_features, interaction_grid
from resettle.prediction.models import PerLocalityModel, PooledModel


def grid_proba(estimator: Any, encoded: EncodedPairs) -> NDArray[np.float64] | None:
    """(n_cases, n_localities) calibrated P(employed) of every pair, or None."""
    if isinstance(estimator, PooledModel):
        raw = _pooled(estimator, encoded)
    elif isinstance(estimator, PerLocalityModel):
        raw = _per_locality(estimator, encoded)
    else:
        return None
    if raw is None:
        return None
    flat = estimator.calibrator_.transform(raw.ravel())
    return np.asarray(flat, dtype=np.float64).reshape(raw.shape)


def _layout(encoded: EncodedPairs, extra_locality: int = 0
            ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Kind and column of every model feature: the pair matrix without its locality code
    (case, locality, interaction columns), then ``extra_locality`` locality columns."""
    nc, nl = encoded.case_numeric.shape[1], encoded.locality_numeric.shape[1]
    n_pair = 5
    kinds = [CASE] * nc + [LOCALITY] * nl + [PAIR] * n_pair + [LOCALITY] * extra_locality
    columns = [*range(nc), *range(nl), *range(n_pair), *range(nl, nl + extra_locality)]
    return np.array(kinds, dtype=np.int64), np.array(columns, dtype=np.int64)


def _compiled(model: Any, kinds: NDArray[np.int64], columns: NDArray[np.int64]
              ) -> CompiledEnsemble | None:
    if not isinstance(model, HistGradientBoostingClassifier):
        return None
    ensemble = CompiledEnsemble(model, kinds, columns)
    return ensemble if ensemble.complete else None


def _pooled(estimator: PooledModel, encoded: EncodedPairs) -> NDArray[np.float64] | None:
    m = len(encoded.locality_code)
    one_case = build_pair_features(encoded, np.zeros(m, dtype=np.int64), np.arange(m))
    rate = estimator._with_rate(one_case)[:, -1]  # the locality's smoothed rate
    model = estimator.model_
    if not isinstance(model, HistGradientBoostingClassifier):  # one class in the history
        return None
    ensemble = _compiled(model, *_layout(encoded, extra_locality=1))
    if ensemble is None:
        return None
    localities = np.column_stack([encoded.locality_numeric, rate])
    raw = ensemble.raw_grid(encoded.case_numeric, localities,
                            lambda rows, col: interaction_grid(encoded, rows, None, col))
    return np.asarray(expit(raw), dtype=np.float64)


def _per_locality(estimator: PerLocalityModel, encoded: EncodedPairs
                  ) -> NDArray[np.float64] | None:
    codes = np.rint(encoded.locality_code).astype(np.int64)
    by_model: dict[int, tuple[Any, list[int]]] = {}
    for j, code in enumerate(codes.tolist()):
        model = estimator.locality_models_.get(code, estimator.fallback_)
        by_model.setdefault(id(model), (model, []))[1].append(j)
    layout = _layout(encoded)
    out = np.empty((len(encoded.case_numeric), len(codes)))
    for model, js in by_model.values():
        cols = np.array(js, dtype=np.int64)
        if not isinstance(model, HistGradientBoostingClassifier):  # a constant rate
            out[:, cols] = model.predict_proba(np.zeros((1, 1)))[0, 1]
            continue
        ensemble = _compiled(model, *layout)
        if ensemble is None:
            return None
        raw = ensemble.raw_grid(encoded.case_numeric, encoded.locality_numeric[cols],
                                _pair_columns(encoded, cols))
        out[:, cols] = expit(raw)
    return out


def _pair_columns(encoded: EncodedPairs, cols: NDArray[np.int64]) -> PairColumns:
    def column(rows: NDArray[np.int64], col: int) -> NDArray[np.float64]:
        return interaction_grid(encoded, rows, cols, col)

    return column
