"""Why deduplication quality fell with the registry's size: EM's training blocks, same run.

The same synthetic registry (``simulation.duplicates``, seed 2013) deduplicated twice, the
model trained by EM on it each time, differing only in the second EM pass's blocking rule:
- ``family_key + sex`` (before): with the scenario's ~70 family names, a block holds hundreds
  of strangers per true pair, so EM's "match" class drowns as the registry grows;
- ``family_key + birth_year`` (now, ``settings.TRAINING_BLOCKING``): blocks ~60 times smaller
  with almost every re-registration still inside (a Jalali slip or placeholder keeps the year).

    .venv/bin/python -m bench.dedup_training 50000
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import replace

from bench.machine import describe_machine
from resettle.registry.dedup.evaluation import bcubed_scores, pair_recall, pairwise_scores
from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.linkage import deduplicate
from resettle.registry.dedup.settings import DEDUP
from resettle.simulation.duplicates import generate_registry_with_duplicates

SEED = 2013
VARIANTS = {
    "family_key + sex (before)": replace(DEDUP, training_blocking=(("dob",),
                                                                   ("family_key", "sex"))),
    "the passes of settings.TRAINING_BLOCKING (now)": DEDUP,
}


def main(population: int = 50_000) -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)
    registry = generate_registry_with_duplicates(SEED, population)
    rows = list(registry_rows(registry.cases))
    persian = [(p, registry.truth[p]) for p in registry.persian_script_ids]
    print(f"registry: {len(rows):,} records")
    print("| second EM pass blocked on | pairwise P | pairwise R | pairwise F1 | B-cubed F1 "
          "| Persian/Latin recall | wall s |")
    print("|---|---|---|---|---|---|---|")
    for name, spec in VARIANTS.items():
        began = time.perf_counter()
        result = deduplicate(rows, spec=spec)
        pairwise = pairwise_scores(result.clusters, registry.truth)
        print(f"| {name} | {pairwise.precision:.3f} | {pairwise.recall:.3f} | "
              f"**{pairwise.f1:.3f}** | {bcubed_scores(result.clusters, registry.truth).f1:.3f} "
              f"| {pair_recall(result.clusters, persian):.3f} | "
              f"{time.perf_counter() - began:.0f} |", flush=True)
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
