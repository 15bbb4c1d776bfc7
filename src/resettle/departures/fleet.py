"""The fewest flights that move everyone: which candidate flights to charter at all.

An integer program (HiGHS): a binary per candidate flight (chartered or not) and per (case,
flight) where the case may fly; every case on exactly one chartered flight (whole), seats and
the host state's arrival caps per day respected; minimise the flights chartered, then, with
that many, the person-days waiting (a second solve). Infeasible (not enough candidate seats
or days) is a result that says so.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from resettle.departures.planner import PlanInput
from resettle.placement.quiet_highs import new_highs


@dataclass(frozen=True)
class FleetResult:
    feasible: bool
    flights: tuple[str, ...]  # the candidate flights to charter
    bookings: dict[str, str]
    seconds: float
    message: str = ""


def fewest_flights(plan_input: PlanInput) -> FleetResult:
    """Charter as few of ``plan_input.flights`` as possible so that every case flies."""
    started = time.perf_counter()
    flights = list(plan_input.flights)
    index = {f.flight_id: j for j, f in enumerate(flights)}
    pairs = [(i, index[f]) for i, c in enumerate(plan_input.cases) for f in sorted(c.eligible)
             if f in index and flights[index[f]].destination == c.destination]
    covered = {i for i, _ in pairs}
    stranded = {c.case_id for i, c in enumerate(plan_input.cases) if i not in covered}
    if stranded:
        return FleetResult(False, (), {}, time.perf_counter() - started,
                           f"{len(stranded)} case(s) have no candidate flight they may take")
    highs = new_highs()
    highs.setOptionValue("time_limit", plan_input.time_limit)
    n_y, n_x = len(flights), len(pairs)
    inf = highspy.kHighsInf
    highs.addVars(n_y + n_x, np.zeros(n_y + n_x), np.ones(n_y + n_x))
    highs.changeColsIntegrality(n_y + n_x, np.arange(n_y + n_x, dtype=np.int32),
                                np.full(n_y + n_x, highspy.HighsVarType.kInteger))
    persons = [float(plan_input.cases[i].persons) for i, _ in pairs]
    by_case: dict[int, list[int]] = defaultdict(list)
    by_flight: dict[int, list[int]] = defaultdict(list)
    for k, (i, j) in enumerate(pairs):
        by_case[i].append(n_y + k)
        by_flight[j].append(k)
    for cols in by_case.values():
        highs.addRow(1.0, 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))
    for j, flight in enumerate(flights):
        ks = by_flight[j]
        seat_cols = np.array([j, *(n_y + k for k in ks)], dtype=np.int32)
        vals = np.array([-float(flight.seats), *(persons[k] for k in ks)])
        highs.addRow(-inf, 0.0, len(seat_cols), seat_cols, vals)
    for (state, day), cap in plan_input.caps.items():
        ks = [k for k, (_, j) in enumerate(pairs)
              if flights[j].destination == state and flights[j].day == day]
        if ks:
            highs.addRow(-inf, float(cap), len(ks), np.array([n_y + k for k in ks],
                                                             dtype=np.int32),
                         np.array([persons[k] for k in ks]))
    all_cols = np.arange(n_y + n_x, dtype=np.int32)
    # Tier 1: the fewest flights. Tier 2: with that many, the fewest person-days waiting.
    highs.changeColsCost(n_y + n_x, all_cols, np.array([1.0] * n_y + [0.0] * n_x))
    highs.run()
    solution = highs.getSolution()
    if not solution.value_valid:
        return FleetResult(False, (), {}, time.perf_counter() - started,
                           "no way to move everyone on these flights under the caps")
    x = np.round(np.asarray(solution.col_value))
    fleet = float(x[:n_y].sum())
    highs.addRow(-inf, fleet, n_y, all_cols[:n_y], np.ones(n_y))
    wait = [persons[k] * (flights[j].day - plan_input.start).days for k, (_, j) in
            enumerate(pairs)]
    highs.changeColsCost(n_y + n_x, all_cols, np.array([0.0] * n_y + wait))
    highs.run()
    if (second := highs.getSolution()).value_valid:
        x = np.round(np.asarray(second.col_value))
    chosen = tuple(flights[j].flight_id for j in range(n_y) if x[j] > 0.5)
    bookings = {plan_input.cases[i].case_id: flights[j].flight_id
                for k, (i, j) in enumerate(pairs) if x[n_y + k] > 0.5}
    return FleetResult(True, chosen, bookings, time.perf_counter() - started)
