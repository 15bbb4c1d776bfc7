"""Scenario generation speed.

1. Random scale instance (30,000 cases, ~100,000 persons): the vectorised generator against a
   baseline that makes the same kind of persons with per-person scalar draws.
2. Camp Ashraf (3,400 residents): generation, screening replay, load into SQLite with history.
Times are wall clock and CPU (process) time; the machine is shared, so CPU time is the fairer
figure.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import describe_machine
from resettle.core import Case, CaseStatus, LanguageSkill, Person, Proficiency, Sex
from resettle.simulation import random_instances as ri

CASES = 30_000


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def per_person_baseline(n_cases: int, seed: int) -> tuple[Case, ...]:
    """Baseline: the same persons drawn one scalar call at a time (no vectorisation)."""
    rng = np.random.default_rng(seed)
    as_of = date(2024, 1, 1)
    cases = []
    for c in range(n_cases):
        case_id = f"RC{c + 1:07d}"
        size = min(1 + int(rng.poisson(2.3)), 12)
        nationality, language = ri.ORIGINS[int(rng.choice(len(ri.ORIGINS), p=ri.ORIGIN_WEIGHTS))]
        principal_age = float(np.clip(rng.normal(37, 11), 18, 85))
        members = []
        for k in range(size):
            age = principal_age if k == 0 else float(rng.uniform(0, max(principal_age - 16, 1)))
            male = bool(rng.random() < 0.5)
            medical = int(rng.choice(len(ri.CONDITIONS), p=ri.CONDITION_WEIGHTS)) \
                if rng.random() < 0.06 else -1
            members.append(Person(
                person_id=f"{case_id}-{k + 1}", case_id=case_id,
                given_name=str(rng.choice(ri.GIVEN_MALE if male else ri.GIVEN_FEMALE)),
                family_name=str(rng.choice(ri.FAMILY)), sex=Sex.MALE if male else Sex.FEMALE,
                birth_date=as_of - timedelta(days=int(age * 365.25)), nationality=nationality,
                relationship="principal" if k == 0 else "child",
                languages=(LanguageSkill(language, Proficiency.NATIVE),),
                medical_conditions=() if medical < 0 else (ri.CONDITIONS[medical],),
                specific_needs=("wheelchair_user",) if rng.random() < 0.01 else (),
            ))
        cases.append(Case(case_id, members[0].person_id, tuple(members),
                          status=CaseStatus.READY_FOR_REFERRAL))
    return tuple(cases)


def bench_random() -> None:
    batch, wall, cpu = timed(lambda: ri.generate_random(CASES, 100, seed=1))
    base, base_wall, base_cpu = timed(lambda: per_person_baseline(CASES, 1))
    persons = batch.persons_count
    base_persons = sum(c.size for c in base)
    print(f"random {CASES:,} cases / {persons:,} persons: {wall:.2f} s wall, {cpu:.2f} s CPU "
          f"({persons / cpu:,.0f} persons/s CPU)")
    print(f"baseline per-person draws, {base_persons:,} persons: {base_wall:.2f} s wall, "
          f"{base_cpu:.2f} s CPU ({base_persons / base_cpu:,.0f} persons/s CPU)")
    print(f"ratio (CPU per person, baseline / vectorised): "
          f"{(base_cpu / base_persons) / (cpu / persons):.1f}x")


def bench_ashraf() -> None:
    from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
    from resettle.adapters.cli.scenario import load_scenario, make_ashraf
    from resettle.simulation.ashraf import generate_ashraf

    _, wall, cpu = timed(lambda: generate_ashraf(2011, DEMO_CONFIG))
    print(f"ashraf generate 3,400 persons: {wall:.2f} s wall, {cpu:.2f} s CPU")
    scenario, wall, cpu = timed(lambda: make_ashraf(2011, DEMO_CONFIG))
    events = len(scenario.history.all_events())
    print(f"ashraf generate + screening replay ({events:,} events): {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        _, wall, cpu = timed(lambda: load_scenario(scenario, url))
        print(f"ashraf load into SQLite with history: {wall:.2f} s wall, {cpu:.2f} s CPU")
        _, wall, cpu = timed(lambda: load_scenario(scenario, url))
        print(f"ashraf reload (idempotent, nothing written): {wall:.2f} s wall, {cpu:.2f} s CPU")


def main() -> None:
    print(describe_machine())
    bench_random()
    bench_ashraf()
