"""Deduplication quality against a known truth: this pipeline vs a plain baseline, same run.

A synthetic Ashraf registry with re-registrations (Persian script, other spelling conventions,
compound names split, typos, hand-converted Persian dates, 1 January placeholders, day/month
swaps, families in pieces; ``simulation.duplicates``) is deduplicated twice with Splink on
DuckDB, each model trained by EM on the data itself:
- ``dedup``: romanized names, consonant skeletons, date variants, relatives (``DEDUP``);
- ``baseline``: Jaro-Winkler on ASCII-folded Latin names plus exact date of birth; its EM
  collapses on this population, so its m probabilities are taken from the truth (a stronger
  baseline than the field could have).
Reports pairwise and B-cubed precision/recall/F1 of the clusters, recall on pairs where one
record is in Persian script, and time. Targets (issue 15): F1 >= 0.95; Persian/Latin recall
>= 0.95.

    .venv/bin/python -m bench dedup               # 20,000 first registrations
    .venv/bin/python -m bench.dedup 3000          # a quicker run
    .venv/bin/python -m bench.dedup 1000000 national   # the issue's scale, national names

``national``: names drawn as a national registry holds them (``simulation/national_names.py``)
instead of the camp's few dozen; ``OUR_MODEL_ONLY=1`` skips the baseline (for the long runs).
Each row also splits our model's wall time into its phases (features, training, scoring,
clustering, collecting the pairs).
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time

from bench.machine import describe_machine
from resettle.registry.dedup.evaluation import bcubed_scores, pair_recall, pairwise_scores
from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.linkage import TRUTH_COLUMN, deduplicate
from resettle.registry.dedup.settings import BASELINE, DEDUP, ModelSpec
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates

POPULATION = 20_000
SEED = 2013


def main(population: int = POPULATION, names: str = "camp") -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)
    started = time.perf_counter()
    registry = generate_registry_with_duplicates(SEED, population,
                                                 national_names=names == "national")
    records = len(registry.truth)
    duplicates = records - len(set(registry.truth.values()))
    print(f"registry ({names} names): {records} records, {duplicates} re-registrations "
          f"({len(registry.persian_script_ids)} in Persian script), generated in "
          f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    print("| model | pairwise P | pairwise R | pairwise F1 | B-cubed P | B-cubed R | B-cubed F1 "
          "| Persian/Latin recall | wall s | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    specs = (DEDUP,) if os.environ.get("OUR_MODEL_ONLY") else (DEDUP, BASELINE)
    for spec in specs:
        print(_run(spec, registry), flush=True)
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")


def _run(spec: ModelSpec, registry: SyntheticRegistry) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    phases: list[tuple[str, float]] = [("features", wall)]
    rows = list(registry_rows(registry.cases))
    if spec.m_from_truth:
        rows = [{**row, TRUTH_COLUMN: registry.truth[row["unique_id"]]} for row in rows]
    result = deduplicate(rows, spec=spec,
                         on_phase=lambda name: phases.append((name, time.perf_counter())))
    phases.append(("end", time.perf_counter()))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("phases (wall s): " + ", ".join(
        f"{name} {end - start:.1f}" for (name, start), (_, end) in itertools.pairwise(phases)),
        file=sys.stderr, flush=True)
    pairwise = pairwise_scores(result.clusters, registry.truth)
    bcubed = bcubed_scores(result.clusters, registry.truth)
    persian = pair_recall(result.clusters,
                          [(p, registry.truth[p]) for p in registry.persian_script_ids])
    return (f"| {spec.name} | {pairwise.precision:.3f} | {pairwise.recall:.3f} | "
            f"**{pairwise.f1:.3f}** | {bcubed.precision:.3f} | {bcubed.recall:.3f} | "
            f"{bcubed.f1:.3f} | {persian:.3f} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else POPULATION,
         sys.argv[2] if len(sys.argv) > 2 else "camp")
