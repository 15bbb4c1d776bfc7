"""Checking one new person against the registry's index: Python scoring vs Splink's, same run.

Both paths read the registry's deduplication index in SQLite (``dedup_keys``/``dedup_features``,
migration 1100): the persons sharing a blocking key with the new one
(``registry.dedup.service.check_new_person``). They differ in how the pairs are scored with
the trained model:

- ``python``: ``registry.dedup.scoring`` applies the model's Bayes factors in Python (what
  `resettle dedup check` and imports use);
- ``splink`` (the baseline): Splink's real-time API, the model's SQL in an embedded DuckDB
  (``registry.dedup.realtime``), what they used before.

Each probe is checked by both paths, one after the other (which goes first alternates: the
second finds the probe's term counts cached), so machine load falls on both alike; the
matches found must be the same (same ids, same probabilities).

The registry is synthetic (``simulation.duplicates``, seed 2013); each check is a known
re-registration (so its original is in the registry) and the time covers everything the
check does: features, index lookup, term frequencies, scoring. Past the generated registry the
index is grown to ``--index-size`` by copying the generated rows under new ids: the generator's
name list does not grow with the population, so the copies give the block sizes a generated
registry of that size would (the latency is about block sizes, not about which names).

    .venv/bin/python -m bench.dedup_check 100000 1000000

(The older baseline, Splink's ``find_matches_to_new_records`` over every registry row, took
12 s a check on 21,837 persons: bench/RESULTS.md; it is no longer run.)
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench.machine import describe_machine
from resettle.adapters.db.bulk import insert_rows
from resettle.adapters.db.engine import make_session_factory, open_database
from resettle.adapters.db.registry.dedup_keys import SqlCandidateSource, _features, _keys
from resettle.registry.dedup import find_duplicates
from resettle.registry.dedup.blocking import blocking_keys, frequency_keys
from resettle.registry.dedup.features import FeatureRow, registry_rows
from resettle.registry.dedup.realtime import score_pairs as splink_scores
from resettle.registry.dedup.scoring import score_pairs as python_scores
from resettle.registry.dedup.service import check_new_person
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates

SEED = 2013
CHECKS = 200
TRAIN_POPULATION = 3000
CHUNK = 20_000


def main(population: int = 100_000, index_size: int = 1_000_000) -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)
    started = time.perf_counter()
    model = find_duplicates(generate_registry_with_duplicates(SEED + 1, TRAIN_POPULATION).cases,
                            seed=1).model
    registry = generate_registry_with_duplicates(SEED, population)
    rows = list(registry_rows(registry.cases))
    print(f"registry: {len(rows):,} generated records; model trained on another seed's "
          f"{TRAIN_POPULATION:,} registrations; {time.perf_counter() - started:.0f} s")
    copies = [pid for pid, first in sorted(registry.truth.items()) if pid != first]
    probes = copies[:: max(1, len(copies) // CHECKS)][:CHECKS]
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'index.db'}")
        with make_session_factory(engine)() as session:
            built = time.perf_counter()
            indexed = _fill(session, rows, index_size)
            session.commit()
            print(f"index: {indexed:,} persons in {time.perf_counter() - built:.0f} s")
            load = os.getloadavg()[0]
            results = _run(session, model, indexed, probes, registry)
        engine.dispose()
    print("| scoring | registry | checks | p50 ms | p95 ms | max ms | original found |")
    print("|---|---|---|---|---|---|---|")
    for line in results:
        print(line)
    print(f"load average {load:.1f} before the checks")
    print(f"machine: {describe_machine()}; load average {os.getloadavg()[0]:.1f}")


def _fill(session: Session, rows: list[FeatureRow], size: int) -> int:
    """The generated rows, then copies under new ids until ``size`` persons are indexed."""
    count, copy = 0, 0
    while count < size:
        batch = rows[: size - count]
        suffix = f"~{copy}" if copy else ""
        for start in range(0, len(batch), CHUNK):
            _insert(session, batch[start:start + CHUNK], suffix)
        count += len(batch)
        copy += 1
        print(f"  {count:,} persons indexed", flush=True)
    return count


def _insert(session: Session, rows: list[FeatureRow], suffix: str) -> None:

    renamed = [{**row, "unique_id": row["unique_id"] + suffix} for row in rows]
    insert_rows(session, _features, [
        {"person_id": r["unique_id"], "case_id": r["case_id"] + suffix,
         "features": json.dumps(r, ensure_ascii=False)} for r in renamed])
    insert_rows(session, _keys, [
        {"rule": rule, "key": key, "person_id": r["unique_id"]} for r in renamed
        for rule, key in (*blocking_keys(r), *frequency_keys(r))])


def _run(session: Session, model: dict[str, Any], size: int, probes: list[str],
         registry: SyntheticRegistry) -> list[str]:
    persons = {p.person_id: p for p in registry.persons}
    scorers = {"python (registry.dedup.scoring)": python_scores,
               "splink real-time (baseline)": splink_scores}
    times: dict[str, list[float]] = {name: [] for name in scorers}
    found = dict.fromkeys(scorers, 0)
    for number, person_id in enumerate(probes):
        answers = {}
        # Alternately first: the second check of a probe finds its term counts cached.
        for name, scorer in sorted(scorers.items(), reverse=bool(number % 2)):
            began = time.perf_counter()
            matches = check_new_person(SqlCandidateSource(session), persons[person_id], model,
                                       scorer=scorer)
            times[name].append(1000 * (time.perf_counter() - began))
            found[name] += registry.truth[person_id] in {m.right_id for m in matches}
            answers[name] = [(m.right_id, round(m.match_probability, 9)) for m in matches]
        if len({repr(answer) for answer in answers.values()}) != 1:
            raise AssertionError(f"the two scorers disagree on {person_id}")
    return [_line(name, size, sorted(times[name]), found[name]) for name in scorers]


def _line(name: str, size: int, times: list[float], found: int) -> str:
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (f"| {name} | {size:,} | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} "
            f"| {times[-1]:.0f} | {found}/{len(times)} |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
