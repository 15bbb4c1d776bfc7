"""Choosing the clustering threshold on a registry the reported figures are not taken from.

Seed 99 (the benchmark reports seed 2013): the model is trained by EM once, the pairs scored
once, and Splink's connected components run at each threshold on the same predictions, so the
rows differ only by the threshold. Pairwise and B-cubed scores against the known truth.

    .venv/bin/python -m bench.dedup_threshold 50000 national
"""

from __future__ import annotations

import logging
import os
import sys

from bench.machine import describe_machine
from resettle.registry.dedup.evaluation import bcubed_scores, pair_recall, pairwise_scores
from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.linkage import make_linker, train, training_sample
from resettle.registry.dedup.settings import DEDUP
from resettle.simulation.duplicates import generate_registry_with_duplicates

SEED = 99
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main(population: int = 20_000, names: str = "camp") -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)
    registry = generate_registry_with_duplicates(SEED, population,
                                                 national_names=names == "national")
    rows = list(registry_rows(registry.cases))
    model = train(make_linker(training_sample(rows), DEDUP.settings()), DEDUP)
    linker = make_linker(rows, model)
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    persian = [(p, registry.truth[p]) for p in registry.persian_script_ids]
    print(f"seed {SEED}, {len(registry.truth)} records ({names} names)")
    print("| threshold | pairwise P | pairwise R | pairwise F1 | B-cubed F1 "
          "| Persian/Latin recall |")
    print("|---|---|---|---|---|---|")
    for threshold in THRESHOLDS:
        frame = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold).as_pandas_dataframe()
        clusters = dict(zip(frame["unique_id"].astype(str), frame["cluster_id"].astype(str),
                            strict=True))
        pairwise = pairwise_scores(clusters, registry.truth)
        bcubed = bcubed_scores(clusters, registry.truth)
        print(f"| {threshold} | {pairwise.precision:.3f} | {pairwise.recall:.3f} | "
              f"{pairwise.f1:.3f} | {bcubed.f1:.3f} | "
              f"{pair_recall(clusters, persian):.3f} |", flush=True)
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000,
         sys.argv[2] if len(sys.argv) > 2 else "camp")
