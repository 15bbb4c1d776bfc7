"""Train on a history, and score every case x locality pair for placement (vectorized)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from resettle.core import Case, Locality
from resettle.prediction.features import (
    FEATURE_NAMES,
    CaseTable,
    LocalityTable,
    all_pairs,
    build_case_table,
    build_locality_table,
    build_pair_features,
    encode_tables,
)
from resettle.prediction.grid import grid_proba
from resettle.prediction.history import History
from resettle.prediction.models import make_model

BLOCK_PAIRS = 400_000  # rows scored per model call: bounds memory at ~100 MB


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A fitted estimator with what it takes to score new cases: codes, features, provenance."""

    estimator: Any  # a fitted PerLocalityModel or PooledModel
    kind: str
    locality_ids: tuple[str, ...]  # training localities; a locality's code is its index here
    metadata: dict[str, Any] = field(default_factory=dict)


def history_matrix(history: History, known_locality_ids: Sequence[str]) -> NDArray[np.float64]:
    encoded = encode_tables(history.cases, history.localities, known_locality_ids)
    return build_pair_features(
        encoded, np.arange(len(history), dtype=np.int64), history.locality_index
    )


def train_model(
    history: History, kind: str = "pooled", *, seed: int = 0, **params: Any
) -> TrainedModel:
    """Fit a model of ``kind`` on every row of ``history``."""
    ids = history.localities.locality_ids
    estimator = make_model(kind, random_state=seed, **params)
    estimator.fit(history_matrix(history, ids), history.employed)
    metadata = {
        "kind": kind,
        "outcome": "employed_90d",
        "features": list(FEATURE_NAMES),
        "training_rows": len(history),
        "training_localities": len(ids),
        "training_data_sha256": history.fingerprint(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "params": {k: v for k, v in estimator.get_params().items() if _plain(v)},
        "seed": seed,
    }
    return TrainedModel(estimator, kind, tuple(ids), metadata)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def score_matrix(
    model: TrainedModel, cases: CaseTable, localities: LocalityTable, *, compiled: bool = True
) -> NDArray[np.float64]:
    """(n_cases, n_localities) predicted P(employed within 90 days). By the compiled tree
    ensemble (:mod:`resettle.prediction.grid`) when the model compiles, else (or with
    ``compiled=False``) by ``predict_proba`` on a block of localities per call so that
    10,000 x 500 pair rows never sit in memory at once."""
    n, m = len(cases), len(localities)
    encoded = encode_tables(cases, localities, model.locality_ids)
    if compiled:
        fast = grid_proba(model.estimator, encoded)
        if fast is not None:
            return fast
    scores = np.empty((n, m))
    per_block = max(1, BLOCK_PAIRS // max(n, 1))
    for start in range(0, m, per_block):
        block = np.arange(start, min(m, start + per_block), dtype=np.int64)
        ci, lj = all_pairs(n, block)
        proba = model.estimator.predict_proba(build_pair_features(encoded, ci, lj))[:, 1]
        scores[:, block] = proba.reshape(len(block), n).T
    return scores


def score_cases(
    model: TrainedModel,
    cases: Sequence[Case],
    localities: Sequence[Locality],
    on: date | None = None,
) -> NDArray[np.float64]:
    """Score registry cases in every locality: what placement's ``pair_score`` reads."""
    return score_matrix(
        model, build_case_table(cases, on or date.today()), build_locality_table(localities)
    )


def score_pairs_by_id(
    model: TrainedModel,
    cases: Sequence[Case],
    localities: Sequence[Locality],
    on: date | None = None,
) -> dict[tuple[str, str], float]:
    """:func:`score_cases` keyed by (case_id, locality_id), the form placement builds from."""
    matrix = score_cases(model, cases, localities, on)
    return {
        (case.case_id, locality.locality_id): float(matrix[i, j])
        for i, case in enumerate(cases)
        for j, locality in enumerate(localities)
    }


def score_pairs_naively(
    model: TrainedModel, cases: CaseTable, localities: LocalityTable, pairs: NDArray[np.int64]
) -> NDArray[np.float64]:
    """One pair at a time: the baseline the benchmark compares :func:`score_matrix` with."""
    out = np.empty(len(pairs))
    for k, (i, j) in enumerate(pairs.tolist()):
        encoded = encode_tables(
            cases.take(np.array([i])), _one_locality(localities, j), model.locality_ids
        )
        row = build_pair_features(encoded, np.zeros(1, np.int64), np.zeros(1, np.int64))
        out[k] = model.estimator.predict_proba(row)[0, 1]
    return out


def _one_locality(localities: LocalityTable, j: int) -> LocalityTable:
    return LocalityTable(
        locality_ids=(localities.locality_ids[j],),
        countries=(localities.countries[j],),
        languages=(localities.languages[j],),
        urban=localities.urban[j : j + 1],
        services=(localities.services[j],),
        sectors_in_demand=(localities.sectors_in_demand[j],),
        unemployment_rate=localities.unemployment_rate[j : j + 1],
    )
