"""Scoring: the vectorized matrix equals pair-by-pair scoring; registry cases score too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from registry_samples import make_batch
from resettle.core import Locality
from resettle.prediction.artifacts import load_model, save_artifacts, train_and_assess
from resettle.prediction.scoring import (
    score_cases,
    score_matrix,
    score_pairs_by_id,
    score_pairs_naively,
    train_model,
)
from resettle.simulation.worlds import (
    WorldSpec,
    draw_cohort,
    history_of,
    make_world,
    simulate_history,
    world_over,
)


@pytest.fixture(scope="module")
def world_and_history():  # type: ignore[no-untyped-def]
    world = make_world(WorldSpec(n_localities=5), seed=7)
    return world, history_of(world, simulate_history(world, n=1500, seed=7))


@pytest.mark.parametrize("kind", ["pooled", "per-locality"])
def test_matrix_equals_naive(world_and_history, kind: str) -> None:  # type: ignore[no-untyped-def]
    world, history = world_and_history
    model = train_model(history, kind, max_iter=30)
    cohort = draw_cohort(world, 40, np.random.default_rng(0))
    matrix = score_matrix(model, cohort.cases, world.localities)
    assert matrix.shape == (40, 5)
    pairs = np.array([[i, j] for i in range(0, 40, 7) for j in range(5)])
    naive = score_pairs_naively(model, cohort.cases, world.localities, pairs)
    assert np.allclose(matrix[pairs[:, 0], pairs[:, 1]], naive)


def test_registry_cases_score_in_real_localities() -> None:
    batch = make_batch()
    world = world_over(batch.localities, WorldSpec(), seed=1)
    model = train_model(history_of(world, simulate_history(world, n=800, seed=1)), max_iter=30)
    scores = score_cases(model, batch.cases, batch.localities, on=date(2015, 6, 30))
    assert scores.shape == (len(batch.cases), len(batch.localities))
    assert ((scores > 0) & (scores < 1)).all()
    unseen = Locality("NOR-OSL", "NOR", "Oslo", languages=("nor",))
    more = score_cases(model, batch.cases, (*batch.localities, unseen), on=date(2015, 6, 30))
    assert np.allclose(more[:, :-1], scores)  # an unseen locality changes nothing else
    by_id = score_pairs_by_id(model, batch.cases, batch.localities, on=date(2015, 6, 30))
    assert len(by_id) == scores.size
    for i, case in enumerate(batch.cases):
        for j, locality in enumerate(batch.localities):
            assert by_id[case.case_id, locality.locality_id] == pytest.approx(scores[i, j])


def test_artifacts_round_trip(world_and_history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    world, history = world_and_history
    report = train_and_assess(history, "pooled", seed=0)
    card = save_artifacts(report, tmp_path)
    text = card.read_text(encoding="utf-8")
    assert "Per locality" in text and "AUC" in text and "Brier" in text and "sex=F" in text
    assert (tmp_path / "outcome-model-calibration.png").stat().st_size > 1000
    loaded = load_model(tmp_path)
    assert loaded.metadata["training_data_sha256"] == report.model.metadata[
        "training_data_sha256"]
    assert set(loaded.metadata["metrics"]) == {"rows", "positives", "auc", "brier"}
    cohort = draw_cohort(world, 20, np.random.default_rng(1))
    assert np.allclose(
        score_matrix(loaded, cohort.cases, world.localities),
        score_matrix(report.model, cohort.cases, world.localities),
    )
    assert report.overall.auc is not None and report.overall.auc > 0.6
