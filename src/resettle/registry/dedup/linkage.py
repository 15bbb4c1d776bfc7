"""Run the Splink model: train it with EM, score pairs, cluster, check one new record.

Everything statistical is Splink's: blocking, the Fellegi-Sunter model trained by random
sampling (u) and expectation maximisation (m), prediction and connected-components clustering.
This module only chooses the backend, feeds the feature rows and turns Splink's output into
``MatchPair`` records with the reasons an officer reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from resettle.registry.dedup.features import FeatureRow
from resettle.registry.dedup.records import Agreement, Backend, DedupResult, MatchPair
from resettle.registry.dedup.settings import DEDUP, PREDICTION_BLOCKING, ModelSpec

PAIR_THRESHOLD = 0.5  # pairs below this probability are not worth an officer's time
CLUSTER_THRESHOLD = 0.8  # chosen on a registry of another seed (bench RESULTS: F1 by threshold)
U_SAMPLE_PAIRS = 1_000_000
# Persons EM trains on, drawn at random past this size. A uniform sample of persons keeps a
# true pair with the same chance as a stranger pair (both need their two records drawn), so
# the share of matches in every block, and the m and u learned from them, stay what the whole
# registry would give, for a fraction of the pairs (EM on 1,000,000 persons ran out of 24 GiB).
TRAINING_SAMPLE = 200_000
TRUTH_COLUMN = "true_person"  # only a benchmark's rows carry it


def make_linker(rows: Sequence[FeatureRow], settings: SettingsCreator | dict[str, Any],
                *, backend: Backend = Backend.DUCKDB, spark: Any = None) -> Linker:
    """A Splink linker on ``rows`` for the chosen backend (Spark needs its session)."""
    frame = pd.DataFrame(list(rows))
    if backend is Backend.SPARK:
        from splink.backends.spark import SparkAPI  # noqa: PLC0415 (optional, heavy)

        if isinstance(settings, dict):
            settings = in_dialect(settings, DEDUP, "spark")
        return Linker(spark.createDataFrame(frame), settings, db_api=SparkAPI(
            spark_session=spark, num_partitions_on_repartition=2))
    from splink.backends.duckdb import DuckDBAPI  # noqa: PLC0415

    return Linker(frame, settings, db_api=DuckDBAPI())


def in_dialect(model: dict[str, Any], spec: ModelSpec, dialect: str) -> dict[str, Any]:
    """A trained model's probabilities on the spec's settings written for another SQL dialect.

    A saved model holds SQL in the dialect it was trained in (DuckDB quotes names with double
    quotes, which Spark reads as strings), so the settings are rebuilt from the spec and the
    learned probabilities copied level by level.
    """
    fresh: dict[str, Any] = spec.settings().get_settings(dialect).as_dict()
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for new, learned in zip(fresh["comparisons"], model["comparisons"], strict=True):
        for new_level, learned_level in zip(new["comparison_levels"],
                                            learned["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in learned_level:
                    new_level[key] = learned_level[key]
    return fresh


def train(linker: Linker, spec: ModelSpec = DEDUP, *, seed: int = 0) -> dict[str, Any]:
    """Learn the model's probabilities from the data itself; returns the model as JSON data."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*cols) for cols in spec.deterministic_rules], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    if spec.m_from_truth:
        linker.training.estimate_m_from_label_column(TRUTH_COLUMN)
    for block in spec.training_blocking:
        rule = (CustomRule(block, sql_dialect="duckdb") if isinstance(block, str)
                else block_on(*block))
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def deduplicate(rows: Sequence[FeatureRow], *, model: dict[str, Any] | None = None,
                spec: ModelSpec = DEDUP, backend: Backend = Backend.DUCKDB, spark: Any = None,
                seed: int = 0,
                pair_threshold: float = PAIR_THRESHOLD,
                cluster_threshold: float = CLUSTER_THRESHOLD,
                on_phase: Callable[[str], None] | None = None) -> DedupResult:
    """Score and cluster the registry; trains a model first unless one is given.
    ``on_phase`` hears the name of each phase as it starts (training, scoring, clustering,
    collecting), for a progress display or a benchmark's split of the time."""
    phase = on_phase or (lambda _name: None)
    if model is None:
        phase("training")
        sample = training_sample(rows, seed=seed)
        model = train(make_linker(sample, spec.settings(), backend=backend, spark=spark), spec,
                      seed=seed)
    linker = make_linker(rows, model, backend=backend, spark=spark)
    phase("scoring")
    predictions = linker.inference.predict(threshold_match_probability=pair_threshold)
    phase("clustering")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=cluster_threshold)
    phase("collecting")
    pairs = pairs_from_frame(predictions.as_pandas_dataframe(), model)
    cluster_frame = clustered.as_pandas_dataframe()
    clusters = dict(zip(cluster_frame["unique_id"].astype(str),
                        cluster_frame["cluster_id"].astype(str), strict=True))
    return DedupResult(pairs=pairs, clusters=clusters, model=model)


def training_sample(rows: Sequence[FeatureRow], *, seed: int = 0,
                    size: int = TRAINING_SAMPLE) -> Sequence[FeatureRow]:
    """``rows`` themselves up to ``size``; past it, ``size`` of them drawn at random."""
    if len(rows) <= size:
        return rows
    chosen = sorted(random.Random(seed).sample(range(len(rows)), size))
    return [rows[index] for index in chosen]


def find_matches(registry_rows: Sequence[FeatureRow], new_row: FeatureRow,
                 model: dict[str, Any], *, threshold: float = PAIR_THRESHOLD,
                 ) -> tuple[MatchPair, ...]:
    """Likely matches of one new record among ``registry_rows`` (the candidates its keys find)."""
    if not registry_rows:
        return ()
    linker = make_linker(registry_rows, model)
    found = linker.inference.find_matches_to_new_records(
        [new_row], blocking_rules=[block_on(*cols) for cols in PREDICTION_BLOCKING],
        match_weight_threshold=-10).as_pandas_dataframe()
    found = found[found["match_probability"] >= threshold]
    pairs = pairs_from_frame(found, model)
    # Splink numbers the sides by table: make the registry's person the right-hand one.
    return tuple(sorted(
        (MatchPair(new_row["unique_id"], p.right_id if p.left_id == new_row["unique_id"]
                   else p.left_id, p.match_probability, p.match_weight, p.agreements)
         for p in pairs), key=lambda p: -p.match_probability))


def pairs_from_frame(frame: pd.DataFrame, model: dict[str, Any]) -> tuple[MatchPair, ...]:
    """Splink's prediction rows as ``MatchPair`` records, with each field's level label."""
    return pairs_from_records(frame.to_dict("records"), model)


def pairs_from_records(rows: Iterable[Mapping[str, Any]], model: dict[str, Any],
                       ) -> tuple[MatchPair, ...]:
    """Prediction rows (column -> value) as ``MatchPair`` records with their level labels."""
    levels = _level_labels(model)
    pairs = []
    for record in rows:
        agreements = tuple(
            Agreement(field_name, label_of[int(record[f"gamma_{field_name}"])],
                      float(record.get(f"bf_{field_name}", 1.0) or 1.0))
            for field_name, label_of in levels.items()
            if f"gamma_{field_name}" in record and int(record[f"gamma_{field_name}"]) >= 0
        )
        pairs.append(MatchPair(str(record["unique_id_l"]), str(record["unique_id_r"]),
                               float(record["match_probability"]),
                               float(record["match_weight"]), _as_weights(agreements)))
    return tuple(pairs)


def _as_weights(agreements: tuple[Agreement, ...]) -> tuple[Agreement, ...]:
    """Bayes factors to match weights (log2), the scale Splink's charts use."""
    from math import log2  # noqa: PLC0415

    return tuple(Agreement(a.field, a.level, round(log2(a.weight), 2) if a.weight > 0 else 0.0)
                 for a in agreements)


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """For each comparison, gamma value -> level label (Splink numbers levels from the bottom)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        labels[comparison["output_column_name"]] = {
            len(levels) - 1 - index: level.get("label_for_charts", "")
            for index, level in enumerate(levels)
        }
    return labels
