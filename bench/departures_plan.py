"""Flight planning: the HiGHS planner against first-come-first-served, a re-plan after one
cancellation, and the 2016 end-game (fewest flights for about 1,300 persons).

A seeded instance: about 600 accepted cases (about 2,000 persons; 3% emergency, 15% urgent),
two host states (ALB about 75%), eight weeks of charters of 150-180 seats (ALB two a week,
DEU one), arrival caps per state and day (170 a day), 5% of persons needing an escort (two
escorts a flight, four persons each). Seats are short at first: two cases in three are
travel-ready in the first three weeks (a backlog), the others over the eight weeks; one in
eight has a document (an exit permit) that expires 5-14 days after it becomes ready: it must
fly in that window. Baseline: first-come-first-served by priority then registration, each case on
the earliest flight with room (the spreadsheet habit). Both are checked by the planner's
independent check (seats, caps, escorts, documents valid, whole families).
Run: ``python -m bench departures_plan``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np

from bench.machine import describe_machine

START = datetime(2016, 5, 1, 6, 0)
WEEKS = 8


def instance(seed: int = 0, n_cases: int = 600):  # type: ignore[no-untyped-def]
    from resettle.core.status import Priority
    from resettle.departures.planner import CaseToFly, PlanInput
    from resettle.departures.records import Flight

    rng = np.random.default_rng(seed)
    flights = []
    for week in range(WEEKS):
        for n, weekday in enumerate((0, 4)):
            flights.append(Flight(f"ALB-{week}-{n}", START + timedelta(days=7 * week + weekday),
                                  "BGW", "ALB", int(rng.integers(150, 181)), escorts=2))
        flights.append(Flight(f"DEU-{week}", START + timedelta(days=7 * week + 2, hours=3),
                              "BGW", "DEU", int(rng.integers(150, 181)), escorts=2))
    cases = []
    for c in range(n_cases):
        persons = int(rng.choice([1, 1, 2, 3, 4, 5, 6, 7]))
        priority = rng.choice([Priority.EMERGENCY, Priority.URGENT, Priority.NORMAL],
                              p=[0.03, 0.15, 0.82])
        state = "ALB" if rng.random() < 0.75 else "DEU"
        ready_day = int(rng.integers(0, 21) if rng.random() < 2 / 3
                        else rng.integers(0, 7 * WEEKS - 3))
        expires = ready_day + int(rng.integers(5, 15)) if rng.random() < 0.125 else 10**6
        eligible = frozenset(f.flight_id for f in flights if f.destination == state
                             and ready_day <= (f.day - START.date()).days <= expires)
        escort = int(rng.binomial(persons, 0.05))
        cases.append(CaseToFly(f"C{c:04d}", persons, Priority(priority), state, escort,
                               eligible, ("documents not valid yet or expired",)))
    caps = {(f.destination, f.day): 170 for f in flights}
    return PlanInput(START.date(), tuple(cases), tuple(flights), caps, {"ALB": 4, "DEU": 4},
                     keep_tolerance=0.01, time_limit=60.0)


def _weekly(plan_input, bookings) -> list[int]:  # type: ignore[no-untyped-def]
    day = {f.flight_id: f.day for f in plan_input.flights}
    persons = {c.case_id: c.persons for c in plan_input.cases}
    per_week = Counter((day[f] - plan_input.start).days // 7 for f in bookings.values())
    weeks = Counter()
    for case_id, f in bookings.items():
        weeks[(day[f] - plan_input.start).days // 7] += persons[case_id]
    return [weeks[w] for w in range(WEEKS)] if per_week else [0] * WEEKS


def _row(name: str, plan_input, bookings, seconds: float) -> str:  # type: ignore[no-untyped-def]
    from resettle.core.status import Priority
    from resettle.departures.planner import check_plan, waiting_days

    check_plan(plan_input, bookings)  # zero splits, zero expired documents, or it raises
    persons = sum(c.persons for c in plan_input.cases if c.case_id in bookings)
    urgent = [c for c in plan_input.cases if c.priority != Priority.NORMAL]
    urgent_moved = sum(c.persons for c in urgent if c.case_id in bookings)
    weekly = " / ".join(str(w) for w in _weekly(plan_input, bookings))
    return (f"| {name} | {persons} | {urgent_moved} of {sum(c.persons for c in urgent)} | "
            f"{waiting_days(plan_input, bookings):,} | {weekly} | {seconds:.2f} |")


def compare(plan_input) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from resettle.departures.planner import first_come_first_served, solve_plan

    started = time.perf_counter()
    fcfs = first_come_first_served(plan_input)
    fcfs_s = time.perf_counter() - started
    cpu = time.process_time()
    plan = solve_plan(plan_input)
    cpu = time.process_time() - cpu
    print("| planner | persons moved | emergency+urgent persons moved | person-days waiting "
          "| persons per week (1..8) | s |")
    print("|---|---|---|---|---|---|")
    print(_row("first come, first served", plan_input, fcfs, fcfs_s))
    print(_row(f"HiGHS tiers ({plan.status})", plan_input, plan.bookings, plan.seconds))
    print(f"\nHiGHS plan: {plan.seconds:.2f} s wall, {cpu:.2f} s CPU")
    return dict(plan.bookings)


def replan(plan_input, bookings: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    from resettle.departures.planner import check_plan, solve_plan

    loads = Counter(bookings.values())
    week2 = [f for f in plan_input.flights if 7 <= (f.day - plan_input.start).days < 14]
    cancelled = max(week2, key=lambda f: loads[f.flight_id])
    on_it = {c for c, f in bookings.items() if f == cancelled.flight_id}
    after = replace(plan_input,
                    flights=tuple(f for f in plan_input.flights if f is not cancelled),
                    cases=tuple(replace(c, current_flight=bookings.get(c.case_id))
                                for c in plan_input.cases))
    cpu = time.process_time()
    plan = solve_plan(after)
    cpu = time.process_time() - cpu
    check_plan(after, plan.bookings)
    collateral = plan.moved - len(on_it)
    print(f"\nRe-plan after cancelling {cancelled.flight_id} ({len(on_it)} cases, "
          f"{sum(c.persons for c in plan_input.cases if c.case_id in on_it)} persons on it): "
          f"{plan.seconds:.2f} s wall, {cpu:.2f} s CPU; bookings kept {plan.kept} of "
          f"{len(bookings)}; moved {plan.moved} ({100 * plan.moved / len(bookings):.1f}%), "
          f"of which {collateral} "
          f"({100 * collateral / len(bookings):.1f}%) were not on the cancelled flight; "
          f"person-days waiting {plan.person_days_waiting:,}")


def end_game(seed: int = 1) -> None:
    """2016: about 1,300 persons still in Liberty on 19 July, the last flown on 9 September.
    Candidate charters of 180 seats every day to ALB; Albania receives at most 300 persons a
    day (an assumption: the sources give no figure). Everyone is ready from 19 July."""
    from resettle.core.status import Priority
    from resettle.departures.fleet import fewest_flights
    from resettle.departures.planner import CaseToFly, PlanInput
    from resettle.departures.records import Flight

    rng = np.random.default_rng(seed)
    first, last = date(2016, 7, 19), date(2016, 9, 9)
    days = (last - first).days + 1
    flights = [Flight(f"ALB-{d:02d}", datetime.combine(first + timedelta(days=d),
                                                       datetime.min.time()) + timedelta(hours=8),
                      "BGW", "ALB", 180) for d in range(days)]
    cases, total, n = [], 0, 0
    while total < 1300:  # most members single adults: many cases of 1
        size = int(min(rng.choice([1, 1, 1, 1, 1, 2, 2, 3, 4]), 1300 - total))
        cases.append(CaseToFly(f"L{n:04d}", size, Priority.NORMAL, "ALB", 0,
                               frozenset(f.flight_id for f in flights)))
        total, n = total + size, n + 1
    caps = {("ALB", f.day): 300 for f in flights}
    cpu = time.process_time()
    result = fewest_flights(PlanInput(first, tuple(cases), tuple(flights), caps, {},
                                      time_limit=60.0))
    cpu = time.process_time() - cpu
    print(f"\n2016 end-game: {total} persons in {len(cases)} cases, candidate daily charters "
          f"of 180 seats from {first} to {last} ({days} days), cap 300 a day: "
          f"{len(result.flights)} flights (lower bound {-(-total // 180)}), "
          f"{'feasible' if result.feasible else result.message}, {result.seconds:.2f} s wall, "
          f"{cpu:.2f} s CPU; "
          f"chartered on {', '.join(sorted(f[-2:] for f in result.flights))} "
          f"(days after 19 July)")


def main() -> None:
    print(describe_machine())
    plan_input = instance()
    print(f"{len(plan_input.cases)} cases, {sum(c.persons for c in plan_input.cases)} persons, "
          f"{len(plan_input.flights)} flights, "
          f"{sum(f.seats for f in plan_input.flights)} seats over {WEEKS} weeks\n")
    bookings = compare(plan_input)
    replan(plan_input, bookings)
    end_game()
