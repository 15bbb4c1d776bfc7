"""Flight planning as an integer program solved by HiGHS, with an independent check.

One binary variable per (case, flight) where the case may fly: the flight goes to the state
that accepted the case, and every member's checklist items are valid at its departure time.
A case is one variable per flight, so a family is never split (a split goes through the
workflow and gives two cases). Rows: each case on at most one flight; the seats of each flight;
the host state's arrival cap per day; escorts (persons needing an escort at most the flight's
escorts times the state's ratio).

The objective is lexicographic, solved as tiers: first the emergency cases, then the urgent,
then everyone else, each tier maximising its persons x days gained, where a case on a flight
``d`` days after the plan's start gains ``horizon + 1 - d`` days per person: that is the same
as minimising person-days waiting in the camp, counting a case left unbooked as waiting the
whole horizon. Each tier's optimum is kept as a row before the next tier. When cases already
hold bookings (a re-plan), a tier keeps as many of them as possible, giving up at most
``keep_tolerance`` of the normal tier's gain for stability, and a last tier books whoever
else still fits (everyone's gain, with that many bookings kept).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.core.issues import Issue
from resettle.core.status import Priority
from resettle.departures.records import Flight
from resettle.errors import ValidationError
from resettle.placement.quiet_highs import new_highs


@dataclass(frozen=True)
class CaseToFly:
    case_id: str
    persons: int
    priority: Priority
    destination: str
    escort_persons: int = 0
    eligible: frozenset[str] = frozenset()  # flights on whose departure every item is valid
    blockers: tuple[str, ...] = ()  # why the case cannot take the flights it is not eligible for
    current_flight: str | None = None  # its booking before this plan, if any


@dataclass(frozen=True)
class PlanInput:
    start: date
    cases: tuple[CaseToFly, ...]
    flights: tuple[Flight, ...]  # planned flights only
    caps: Mapping[tuple[str, date], int] = field(default_factory=dict)  # (state, day) -> persons
    escort_ratio: Mapping[str, int] = field(default_factory=dict)  # state -> persons per escort
    keep_tolerance: float = 0.01
    time_limit: float = 30.0


class PlanStatus(StrEnum):
    COMPLETE = "complete"  # every case booked
    PARTIAL = "partial"  # some cases booked, the others with their reasons
    NOTHING = "nothing"  # no case could be booked: see the reasons
    FAILED = "failed"  # the solver stopped without a solution (time limit)


@dataclass(frozen=True)
class FlightPlan:
    status: PlanStatus
    bookings: Mapping[str, str]  # case -> flight
    unbooked: Mapping[str, tuple[str, ...]]  # case -> what blocks it, in words
    persons_booked: int
    person_days_waiting: int
    kept: int = 0  # bookings held before the plan and kept
    moved: int = 0  # bookings held before and changed (another flight or none)
    seconds: float = 0.0


TIERS = (Priority.EMERGENCY, Priority.URGENT, Priority.NORMAL)


def horizon_days(plan_input: PlanInput) -> int:
    last = max((f.day for f in plan_input.flights), default=plan_input.start)
    return max((last - plan_input.start).days, 0) + 1


def waiting_days(plan_input: PlanInput, bookings: Mapping[str, str]) -> int:
    """Person-days in the camp from the start: to the flight's day, or the whole horizon."""
    day = {f.flight_id: f.day for f in plan_input.flights}
    unbooked_days = horizon_days(plan_input)
    return sum(c.persons * ((day[bookings[c.case_id]] - plan_input.start).days
                            if c.case_id in bookings else unbooked_days)
               for c in plan_input.cases)


@dataclass
class _Model:
    pairs: list[tuple[int, int]]  # (case index, flight index) per column
    matrix: sparse.csc_matrix
    upper: NDArray[np.float64]
    gain: NDArray[np.float64]  # person-days gained per column


def _build(plan_input: PlanInput) -> _Model:
    flights = {f.flight_id: j for j, f in enumerate(plan_input.flights)}
    horizon = horizon_days(plan_input)
    pairs = [(i, flights[f]) for i, c in enumerate(plan_input.cases)
             for f in sorted(c.eligible) if f in flights
             and plan_input.flights[flights[f]].destination == c.destination]
    rows: list[tuple[list[int], list[float], float]] = []
    by_case: dict[int, list[int]] = defaultdict(list)
    by_flight: dict[int, list[int]] = defaultdict(list)
    by_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    for k, (i, j) in enumerate(pairs):
        by_case[i].append(k)
        by_flight[j].append(k)
        flight = plan_input.flights[j]
        by_day[(flight.destination, flight.day)].append(k)
    persons = [float(plan_input.cases[i].persons) for i, _ in pairs]
    escorts = [float(plan_input.cases[i].escort_persons) for i, _ in pairs]
    rows.extend((ks, [1.0] * len(ks), 1.0) for ks in by_case.values())
    for j, ks in by_flight.items():
        flight = plan_input.flights[j]
        rows.append((ks, [persons[k] for k in ks], float(flight.seats)))
        if any(escorts[k] for k in ks):
            ratio = plan_input.escort_ratio.get(flight.destination, 4)
            rows.append((ks, [escorts[k] for k in ks], float(flight.escorts * ratio)))
    for key, ks in by_day.items():
        if key in plan_input.caps:
            rows.append((ks, [persons[k] for k in ks], float(plan_input.caps[key])))
    r = [n for n, (ks, _, _) in enumerate(rows) for _ in ks]
    c = [k for ks, _, _ in rows for k in ks]
    v = [x for _, vals, _ in rows for x in vals]
    matrix = sparse.csc_matrix((v, (r, c)), shape=(len(rows), len(pairs)))
    gain = np.array([persons[k] * (horizon - (plan_input.flights[j].day
                                              - plan_input.start).days)
                     for k, (_, j) in enumerate(pairs)], dtype=np.float64)
    return _Model(pairs, matrix, np.array([u for _, _, u in rows]), gain)


def _highs(model: _Model, time_limit: float) -> highspy.Highs:
    highs = new_highs()
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("random_seed", 0)
    lp = highspy.HighsLp()
    n = len(model.pairs)
    lp.num_col_, lp.num_row_ = n, model.matrix.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_ = np.full(model.matrix.shape[0], -highspy.kHighsInf)
    lp.row_upper_ = model.upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = model.matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = model.matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = model.matrix.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    highs.passModel(lp)
    return highs


def _solve_tier(highs: highspy.Highs, cost: NDArray[np.float64]) -> NDArray[np.float64] | None:
    n = len(cost)
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    highs.run()
    solution = highs.getSolution()
    if not solution.value_valid:
        return None
    return np.asarray(solution.col_value)


def solve_plan(plan_input: PlanInput) -> FlightPlan:
    """Assign cases to flights; the result names what blocks every case left unbooked."""
    started = time.perf_counter()
    model = _build(plan_input)
    x = np.zeros(len(model.pairs))
    failed = False
    if model.pairs:
        x, failed = _solve_tiers(plan_input, model)
    bookings = {plan_input.cases[i].case_id: plan_input.flights[j].flight_id
                for k, (i, j) in enumerate(model.pairs) if x[k] > 0.5}
    return _result(plan_input, model, bookings, failed, time.perf_counter() - started)


def _solve_tiers(plan_input: PlanInput, model: _Model) -> tuple[NDArray[np.float64], bool]:
    highs = _highs(model, plan_input.time_limit)
    priority = np.array([plan_input.cases[i].priority for i, _ in model.pairs])
    current = np.array([plan_input.cases[i].current_flight == plan_input.flights[j].flight_id
                        for i, j in model.pairs])
    tiers: list[tuple[NDArray[np.float64], float]] = [
        (np.where(priority == tier, model.gain, 0.0),
         plan_input.keep_tolerance if tier == Priority.NORMAL else 0.0)
        for tier in TIERS if (priority == tier).any()]
    if current.any():
        # Keep what can be kept; then, with that many kept, book whoever else fits (the
        # keeping tier alone is indifferent to cases it does not keep).
        tiers.append((current.astype(np.float64), 0.0))
        tiers.append((model.gain, 0.0))
    x = np.zeros(len(model.pairs))
    for n, (cost, tolerance) in enumerate(tiers):
        found = _solve_tier(highs, cost)
        if found is None:
            return x, True
        x = np.round(found)
        if n + 1 < len(tiers):
            achieved = float(cost @ x)
            floor = achieved * (1.0 - (tolerance if current.any() else 0.0)) - 1e-6
            nz = np.flatnonzero(cost)
            highs.addRow(floor, highspy.kHighsInf, len(nz), nz.astype(np.int32), cost[nz])
    return x, False


def _result(plan_input: PlanInput, model: _Model, bookings: dict[str, str], failed: bool,
            seconds: float) -> FlightPlan:
    unbooked = {c.case_id: explain_unbooked(plan_input, c, bookings)
                for c in plan_input.cases if c.case_id not in bookings}
    before = {c.case_id: c.current_flight for c in plan_input.cases if c.current_flight}
    kept = sum(1 for case_id, f in before.items() if bookings.get(case_id) == f)
    persons = sum(c.persons for c in plan_input.cases if c.case_id in bookings)
    if failed:
        status = PlanStatus.FAILED
    elif not unbooked:
        status = PlanStatus.COMPLETE
    else:
        status = PlanStatus.PARTIAL if bookings else PlanStatus.NOTHING
    return FlightPlan(status, bookings, unbooked, persons,
                      waiting_days(plan_input, bookings), kept, len(before) - kept, seconds)


def _loads(plan_input: PlanInput, bookings: Mapping[str, str]
           ) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, date], int]]:
    flights = {f.flight_id: f for f in plan_input.flights}
    seats: dict[str, int] = defaultdict(int)
    escorted: dict[str, int] = defaultdict(int)
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    for case in plan_input.cases:
        if (f := bookings.get(case.case_id)) is not None:
            seats[f] += case.persons
            escorted[f] += case.escort_persons
            per_day[(flights[f].destination, flights[f].day)] += case.persons
    return seats, escorted, per_day


def explain_unbooked(plan_input: PlanInput, case: CaseToFly,
                     bookings: Mapping[str, str]) -> tuple[str, ...]:
    """What blocks ``case``, in words: no flight, its documents, or every flight full."""
    to_state = [f for f in plan_input.flights if f.destination == case.destination]
    if not to_state:
        return (f"no flight to {case.destination} is planned; add one",)
    usable = [f for f in to_state if f.flight_id in case.eligible]
    if not usable:
        return case.blockers or ("no flight on which every member's items are valid",)
    seats, escorted, per_day = _loads(plan_input, bookings)
    ratio = plan_input.escort_ratio.get(case.destination, 4)
    reasons = []
    for f in usable:
        cap = plan_input.caps.get((f.destination, f.day))
        if seats[f.flight_id] + case.persons > f.seats:
            reasons.append(f"{f.flight_id}: no seats ({f.seats - seats[f.flight_id]} free "
                           f"for {case.persons})")
        elif cap is not None and per_day[(f.destination, f.day)] + case.persons > cap:
            reasons.append(f"{f.flight_id}: arrival cap of {f.destination} on {f.day} "
                           f"reached ({cap} persons)")
        elif escorted[f.flight_id] + case.escort_persons > f.escorts * ratio:
            reasons.append(f"{f.flight_id}: not enough escorts ({f.escorts} aboard)")
        else:
            reasons.append(f"{f.flight_id}: seats left to earlier or more urgent cases")
    return tuple(reasons)


def check_plan(plan_input: PlanInput, bookings: Mapping[str, str]) -> None:
    """The plan's guarantees, checked apart from the solver: raise listing every breach."""
    flights = {f.flight_id: f for f in plan_input.flights}
    cases = {c.case_id: c for c in plan_input.cases}
    found: list[Issue] = []
    for case_id, flight_id in bookings.items():
        case, flight = cases.get(case_id), flights.get(flight_id)
        if case is None or flight is None:
            found.append(Issue("unknown_booking", f"{case_id} on {flight_id}: not in the input"))
            continue
        if flight.destination != case.destination:
            found.append(Issue("wrong_state", f"{case_id} accepted by {case.destination} is "
                               f"on a flight to {flight.destination}", record=case_id))
        if flight_id not in case.eligible:
            found.append(Issue("not_ready", f"{case_id} is not travel-ready for {flight_id}",
                               record=case_id))
    seats, escorted, per_day = _loads(plan_input, {c: f for c, f in bookings.items()
                                                   if c in cases and f in flights})
    for flight_id, used in seats.items():
        flight = flights[flight_id]
        if used > flight.seats:
            found.append(Issue("seats", f"{flight_id}: {used} persons on {flight.seats} seats"))
        ratio = plan_input.escort_ratio.get(flight.destination, 4)
        if escorted[flight_id] > flight.escorts * ratio:
            found.append(Issue("escorts", f"{flight_id}: {escorted[flight_id]} persons need "
                               f"an escort, {flight.escorts} escorts aboard"))
    for key, used in per_day.items():
        if key in plan_input.caps and used > plan_input.caps[key]:
            found.append(Issue("arrival_cap", f"{key[0]} on {key[1]}: {used} arrivals, cap "
                               f"{plan_input.caps[key]}"))
    if found:
        raise ValidationError(found, "the flight plan breaks a rule (a planner bug)")


def first_come_first_served(plan_input: PlanInput) -> dict[str, str]:
    """The baseline the benchmark compares with (how spreadsheets are run): each case in
    turn, by priority then as listed, takes the earliest flight that still has room."""
    flights = sorted(plan_input.flights, key=lambda f: f.departs_at)
    seats: dict[str, int] = defaultdict(int)
    escorted: dict[str, int] = defaultdict(int)
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    bookings: dict[str, str] = {}
    for case in sorted(plan_input.cases, key=lambda c: c.priority.rank):
        for f in flights:
            key = (f.destination, f.day)
            ratio = plan_input.escort_ratio.get(f.destination, 4)
            if (f.flight_id in case.eligible and f.destination == case.destination
                    and seats[f.flight_id] + case.persons <= f.seats
                    and per_day[key] + case.persons <= plan_input.caps.get(key, 10**9)
                    and escorted[f.flight_id] + case.escort_persons <= f.escorts * ratio):
                bookings[case.case_id] = f.flight_id
                seats[f.flight_id] += case.persons
                escorted[f.flight_id] += case.escort_persons
                per_day[key] += case.persons
                break
    return bookings
