"""Checking one new person against the registry: the index path vs the current path, same run.

- ``index``: the registry's deduplication index in SQLite (``dedup_keys``/``dedup_features``,
  migration 1100): the persons sharing a blocking key with the new one, scored by the trained
  model with Splink's real-time API (``registry.dedup.service.check_new_person``);
- ``current``: Splink's ``find_matches_to_new_records`` over every registry row in memory, a
  new DuckDB linker per check (``registry.dedup.service.check_person``), what `resettle dedup
  check` did before.

The registry is synthetic (``simulation.duplicates``, seed 2013); each check is a known
re-registration (so its original is in the registry) and the time covers everything the
check does: features, index lookup, term frequencies, scoring. Past the generated registry the
index is grown to ``--index-size`` by copying the generated rows under new ids: the generator's
name list does not grow with the population, so the copies give the block sizes a generated
registry of that size would (the latency is about block sizes, not about which names).

    .venv/bin/python -m bench.dedup_check 100000 1000000
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
from resettle.registry.dedup.service import check_new_person, check_person
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates

SEED = 2013
CHECKS = 200
CURRENT_CHECKS = 5  # the current path takes seconds a check: a few say enough
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
            print("| path | registry | checks | p50 ms | p95 ms | max ms | original found |")
            print("|---|---|---|---|---|---|---|")
            print(_run("index (SQLite keys + real-time scoring)", indexed, probes, registry,
                       lambda person: check_new_person(SqlCandidateSource(session), person,
                                                       model)))
        engine.dispose()
    print(_run("current (Splink linker over every row)", len(rows), probes[:CURRENT_CHECKS],
               registry, lambda person: check_person(person, _without(registry, person),
                                                     model)))
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


def _without(registry: SyntheticRegistry, person: Any) -> list[Any]:
    return [case for case in registry.cases if case.case_id != person.case_id]


def _run(name: str, size: int, probes: list[str], registry: SyntheticRegistry,
         check: Any) -> str:
    persons = {p.person_id: p for p in registry.persons}
    times, found = [], 0
    for person_id in probes:
        began = time.perf_counter()
        matches = check(persons[person_id])
        times.append(1000 * (time.perf_counter() - began))
        found += registry.truth[person_id] in {m.right_id for m in matches}
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (f"| {name} | {size:,} | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} "
            f"| {times[-1]:.0f} | {found}/{len(times)} |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
