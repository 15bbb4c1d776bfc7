"""Parse + validate + assemble 100,000 persons (~30,000 cases) from CSV, JSON and XLSX.

Persons come in two shapes: random scale instances (few attributes each) and Ashraf-like
residents (languages, conditions, relatives, Persian names: twice the bytes per person).
Baseline, same run, same files: the bare reader of each format (``csv.reader``, ``json.loads``,
openpyxl's read-only row iterator) producing nothing but strings. The ratio says what our
columns, codes, dates, domain rules and case assembly cost on top of merely reading the bytes.
XLSX runs on a tenth of the persons: openpyxl itself is the slow part there.

    .venv/bin/python -m bench registry_io           # 30,000 cases
    .venv/bin/python -m bench.registry_io 3000      # a quick, smaller run
"""

from __future__ import annotations

import csv
import io
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import describe_machine

CASES = 30_000
SEED = 2016


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _raw_csv(path: Path) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _raw_json(path: Path) -> int:
    return len(json.loads(path.read_text(encoding="utf-8"))["records"])


def _raw_xlsx(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _batch(cases: int, rich: bool) -> Any:
    """Random scale instances (few attributes each), or Ashraf-like persons (languages,
    conditions, relatives, Persian names): about 100,000 persons either way at 30,000 cases."""
    if rich:
        from resettle.simulation.ashraf import generate_ashraf
        from resettle.simulation.ashraf_config import AshrafConfig

        return generate_ashraf(SEED, AshrafConfig(population=round(cases * 3.33)))
    from resettle.simulation.random_instances import generate_random

    return generate_random(cases, 60, SEED)


def _write(folder: Path, cases: int, suffix: str, rich: bool) -> tuple[list[Path], int, float]:
    from resettle.registry import RecordKind, write_records

    batch = _batch(cases, rich)
    paths = [folder / f"{kind.value}.{suffix}" for kind in (RecordKind.PERSONS, RecordKind.CASES)]
    started = time.process_time()
    for path, kind in zip(paths, (RecordKind.PERSONS, RecordKind.CASES), strict=True):
        write_records(path, kind, batch)
    return paths, batch.persons_count, time.process_time() - started


def _measure(folder: Path, cases: int, suffix: str, raw: Callable[[Path], int],
             rich: bool = False) -> dict[str, Any]:
    from resettle.registry import assemble_batch, read_records

    paths, persons, write_cpu = _write(folder, cases, suffix, rich)
    _, raw_wall, raw_cpu = _timed(lambda: [raw(p) for p in paths])
    parsed, read_wall, read_cpu = _timed(lambda: [read_records(p) for p in paths])
    assert not any(p.issues for p in parsed), [p.issues[:3] for p in parsed]
    _, join_wall, join_cpu = _timed(lambda: assemble_batch(parsed))
    return {
        "format": suffix + (" (Ashraf-like)" if rich else " (random)"), "persons": persons,
        "mb": round(sum(p.stat().st_size for p in paths) / 2**20, 1),
        "raw_cpu": raw_cpu, "read_cpu": read_cpu, "join_cpu": join_cpu,
        "total_wall": read_wall + join_wall, "total_cpu": read_cpu + join_cpu,
        "raw_wall": raw_wall, "write_cpu": write_cpu,
    }


def main(cases: int = CASES) -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="resettle-bench-") as tmp:
        runs = (("csv", _raw_csv, cases, False), ("csv", _raw_csv, cases, True),
                ("json", _raw_json, cases, True), ("xlsx", _raw_xlsx, cases // 10, True))
        for number, (suffix, raw, size, rich) in enumerate(runs):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            rows.append(_measure(folder, size, suffix, raw, rich))
            print(f"{rows[-1]['format']}: done", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmachine: {describe_machine()}")
    print("| format | persons | MB | baseline: bare reader CPU s | read_records CPU s "
          "| assemble_batch CPU s | ours total CPU s (wall s) | ratio to baseline "
          "| persons/s (CPU) | write_records CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['format']} | {r['persons']:,} | {r['mb']} | {r['raw_cpu']:.2f} "
              f"| {r['read_cpu']:.2f} | {r['join_cpu']:.2f} "
              f"| {r['total_cpu']:.2f} ({r['total_wall']:.2f}) "
              f"| {r['total_cpu'] / r['raw_cpu']:.1f}× "
              f"| {r['persons'] / r['total_cpu']:,.0f} | {r['write_cpu']:.2f} |")
    print(f"peak RSS of the whole run: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else CASES)
