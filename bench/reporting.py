"""Reporting speed and memory.

1. The monthly report of the Camp Ashraf scenario (December 2014, in-memory store built from
   the replayed history): aggregates, figures, HTML and PDF/A. Baseline: the same report
   without the PDF (what the web page's HTML view costs). Target: under 15 s, peak memory
   under 500 MB.
2. The HXL aggregate export of a 100,000-case random registry: aggregates, suppression,
   libhxl validation. Baseline: counting the same table with one Counter over the persons
   (no history, no suppression, no validation). Target: under 10 s.
Times are wall clock and CPU (process) time; peak memory is the process's maximum resident
set size, read after each part.
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.machine import describe_machine
from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.scenario import make_ashraf
from resettle.reporting.memory import MemoryReportingStore
from resettle.reporting.service import build_report, export_aggregates
from resettle.simulation.random_instances import generate_random

MONTH = "2014-12"
HXL_CASES = 100_000


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def monthly_report() -> None:
    scenario = make_ashraf(2011, DEMO_CONFIG)
    events = [e for history in scenario.history.events.values() for e in history]
    store = MemoryReportingStore(scenario.batch.cases, events, scenario.batch.pledges)
    print(f"Ashraf: {len(scenario.batch.cases):,} cases, {len(events):,} events; "
          f"memory before the report {peak_mb():.0f} MB")
    _, wall_html, cpu_html = timed(lambda: build_report(store, MONTH, generated=date.today(),
                                                        pdf=False))
    report, wall, cpu = timed(lambda: build_report(store, MONTH, generated=date.today()))
    print(f"baseline, HTML only:   {wall_html:6.2f} s wall, {cpu_html:6.2f} s CPU")
    print(f"report with PDF/A:     {wall:6.2f} s wall, {cpu:6.2f} s CPU "
          f"({len(report.pdf) / 1024:.0f} KiB, {len(report.figures)} figures); "
          f"PDF/HTML CPU ratio {cpu / cpu_html:.2f}")
    print(f"peak resident memory:  {peak_mb():.0f} MB")


def hxl_export() -> None:
    cases = generate_random(HXL_CASES, 10, 7).cases
    persons = sum(c.size for c in cases)
    store = MemoryReportingStore(cases, [], [])
    day = date(2024, 1, 1)

    def baseline() -> Counter[tuple[str, str, str]]:
        return Counter((m.nationality, str(c.status), str(m.sex)) for c in cases
                       for m in c.members)

    _, wall_base, cpu_base = timed(baseline)
    table, wall, cpu = timed(lambda: export_aggregates(store, day, asylum_country="IRQ"))
    print(f"{len(cases):,} cases, {persons:,} persons")
    print(f"baseline, one Counter: {wall_base:6.2f} s wall, {cpu_base:6.2f} s CPU")
    print(f"HXL export:            {wall:6.2f} s wall, {cpu:6.2f} s CPU ({table.rows} rows, "
          f"{len(table.suppression.hidden)} cells hidden); CPU ratio {cpu / cpu_base:.1f}")
    print(f"peak resident memory:  {peak_mb():.0f} MB")


def main() -> None:
    print(describe_machine())
    monthly_report()
    hxl_export()


if __name__ == "__main__":
    main()
