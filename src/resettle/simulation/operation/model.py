"""The operation as a SimPy discrete-event model: one process per case, shared capacities.

registration → interviews (each adult alone with one of ``interviewers``) → status decision
(→ appeal) → exclusion review (an assessor and a second reviewer) → submission → placement
(waits for a state with open places it has not been refused by) → host decision (refusal
releases the places and sends the case back to placement, never towards return) →
pre-departure → a seat on one of the state's flights → departure. Pledges add places on their
day; attacks strike at random, killing a share of the persons present.

Cheap events (a replication is tens of thousands of them): a case's consecutive delays that
touch nothing shared are waited as one timeout (every draw is made in advance, so a refusal or
an appeal's outcome is known when its wait begins); interviewers and reviewers are FIFO pools
whose service times are known on arrival, so a turn is one timeout, not a request, a timeout
and a release; a state's flights sleep while nobody is waiting for a seat; a case is placed at
once when a state has room. The order of things, and so the results' meaning, is unchanged.
"""

from __future__ import annotations

import gc
import heapq
import math
from bisect import bisect_right
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import simpy

from resettle.simulation.operation import streams as col
from resettle.simulation.operation.params import CaseStart, Delay, OperationParams, Stage
from resettle.simulation.operation.streams import Streams

Steps = Generator[simpy.Event, Any, None]
Boards = Generator[simpy.Event, Any, bool]  # True: the case boarded (it leaves with its flight)


class Outcome(StrEnum):
    DEPARTED = "departed"
    DIED = "died"  # every member killed in attacks
    ENDED = "ended"  # rejected on appeal or excluded: leaves the resettlement pipeline
    IN_CAMP = "in_camp"  # still waiting when the horizon is reached


@dataclass(slots=True)
class CaseState:
    index: int
    start: CaseStart
    persons: int
    reserved: int = 0  # places held with a state
    country: str | None = None
    refused_by: set[str] = field(default_factory=set)
    outcome: Outcome = Outcome.IN_CAMP


@dataclass(frozen=True)
class Replication:
    """What one run produced. Times are days from ``params.start``."""

    departures: np.ndarray  # (day, persons) per departing case, in time order
    population_days: np.ndarray  # days at which the population present changed
    population: np.ndarray  # persons present from that day on
    persons_in: int
    departed: int
    died: int
    ended: int
    in_camp: int
    attacks: int
    end_day: float  # the last departure, or the horizon when some never left
    refused_where_room: int = 0  # of in_camp: waiting though a state they may not go to has room

    @property
    def last_flight_day(self) -> float:
        """The last departure that happened (NaN if none), whether or not everyone left."""
        return float(self.departures[-1, 0]) if len(self.departures) else float("nan")

    @property
    def everyone_left(self) -> bool:
        return self.in_camp == 0

    def person_days(self) -> float:
        """Persons present integrated over time until the end of the run."""
        widths = np.diff(np.append(self.population_days, self.end_day))
        return float(np.sum(self.population * np.clip(widths, 0.0, None)))


class Servers:
    """``capacity`` interchangeable people serving first come, first served.

    A turn's length is known when it is asked for, so its end is known then too: the turn
    starts when the earliest of the servers is free (Kiefer-Wolfowitz). The same order as a
    ``simpy.Resource``, at one timeout a turn.
    """

    def __init__(self, capacity: int) -> None:
        self.free_at = [0.0] * max(capacity, 1)  # a heap: when each server is free again

    def turn_ends(self, now: float, days: float) -> float:
        ends = max(now, self.free_at[0]) + days
        heapq.heapreplace(self.free_at, ends)
        return ends


class Operation:
    """One replication of the pipeline; ``env`` is injected so callers can step or extend it."""

    def __init__(self, env: simpy.Environment, params: OperationParams,
                 cases: Sequence[CaseStart], streams: Streams) -> None:
        self.env, self.params, self.streams = env, params, streams
        self.interviewers = Servers(params.interviewers)
        self.reviewers = Servers(max(params.exclusion_reviewers, 2))
        self.places: dict[str, int] = {}
        self.waiting: list[tuple[CaseState, simpy.Event]] = []
        self.boarding: dict[str, list[CaseState]] = {}
        self.asleep: dict[str, simpy.Event] = {}  # flights of a state with nobody to fly
        self.present: dict[int, CaseState] = {}
        self.changes: list[tuple[float, int]] = []
        self.departures: list[tuple[float, int]] = []
        self.counts = dict.fromkeys(Outcome, 0)
        self.attacks = 0
        self.open_cases = len(cases)
        self.all_done = env.event()
        self.states = [CaseState(i, c, c.persons) for i, c in enumerate(cases)]
        for state in self.states:
            env.process(self._case(state))
        if params.pledges:
            env.process(self._pledges())
        if params.attack_rate_per_day > 0:
            env.process(self._attacks())
        if not cases:
            self.all_done.succeed()

    def run(self) -> Replication:
        horizon = self.env.timeout(self.params.horizon_days)
        with _no_cyclic_gc():
            self.env.run(until=self.env.any_of([self.all_done, horizon]))
        return self._result()

    # -- a case ------------------------------------------------------------------------------
    def _case(self, case: CaseState) -> Steps:
        start = case.start
        if start.arrives_day > 0:
            yield self.env.timeout(start.arrives_day)
        self.present[case.index] = case
        self.changes.append((self.env.now, case.persons))
        boarded = yield from self._pipeline(case)
        if not boarded:
            self._leave(case)

    def _pipeline(self, case: CaseState) -> Boards:
        start, p = case.start, self.params
        stage, served = start.stage, start.days_in_stage
        due = 0.0  # days of delays that touch nothing shared, waited as one
        if stage == Stage.HOLD:
            due = self._delay(case, col.Z_HOLD, p.hold, served)
            stage, served = start.resume_stage or Stage.REGISTRATION, 0.0
        due = yield from self._screening(case, stage, served, due)
        if case.outcome == Outcome.ENDED:
            yield from self._after(due)
            return False
        if stage <= Stage.SUBMISSION:
            due += self._delay(case, col.Z_SUBMISSION, p.submission,
                               served if stage == Stage.SUBMISSION else 0.0)
        yield from self._after(due)
        due = yield from self._placed_and_accepted(case, stage, served)
        if stage <= Stage.PRE_DEPARTURE:
            due += self._delay(case, col.Z_PRE_DEPARTURE, p.pre_departure,
                               served if stage == Stage.PRE_DEPARTURE else 0.0)
        yield from self._after(due)
        return case.persons > 0 and self._board(case)

    def _screening(self, case: CaseState, stage: Stage, served: float,
                   due: float) -> Generator[simpy.Event, Any, float]:
        """Registration to exclusion review; a case rejected on appeal or excluded ends.
        Returns the days still to wait after what it waited itself."""
        p, i, s = self.params, case.index, self.streams
        if stage <= Stage.REGISTRATION:
            due += self._delay(case, col.Z_REGISTRATION, p.registration, served)
        if stage <= Stage.INTERVIEW:
            yield from self._after(due)
            due = 0.0
            yield from self._interviews(case, case.start.adults_to_interview
                                        if stage == Stage.INTERVIEW else None)
        if stage <= Stage.APPEAL:
            rejected = stage == Stage.APPEAL
            if stage <= Stage.DECISION:
                due += self._delay(case, col.Z_DECISION, p.decision,
                                   served if stage == Stage.DECISION else 0.0)
                rejected = s.chance(i, col.U_REJECT, p.reject_share)
            if rejected:
                due += self._delay(case, col.Z_APPEAL, p.appeal,
                                   served if stage == Stage.APPEAL else 0.0)
                if not s.chance(i, col.U_APPEAL, p.appeal_grant_share):
                    case.outcome = Outcome.ENDED
                    return due
        if stage <= Stage.EXCLUSION_REVIEW and self._needs_review(case):
            due += self._delay(case, col.Z_VETTING, p.vetting_wait,
                               served if stage == Stage.EXCLUSION_REVIEW else 0.0)
            yield from self._after(due)
            due = 0.0
            for _person in ("assessor", "reviewer"):  # two people; the pool holds >= 2
                yield from self._turn(self.reviewers, p.exclusion_review_days)
            if s.chance(i, col.U_EXCLUDE, p.exclude_share):
                case.outcome = Outcome.ENDED
        return due

    def _delay(self, case: CaseState, column: int, delay: Delay, served: float) -> float:
        return self.streams.delay(case.index, column, delay, served)

    def _after(self, days: float) -> Steps:
        if days > 0:
            yield self.env.timeout(days)

    def _turn(self, servers: Servers, days: float) -> Steps:
        now = self.env.now
        yield from self._after(servers.turn_ends(now, days) - now)

    def _interviews(self, case: CaseState, pending: int | None) -> Steps:
        adults = case.start.adults if pending is None else pending
        days = self.params.interview_days_per_adult * math.exp(
            0.3 * self.streams.normal(case.index, col.Z_INTERVIEW))
        for _ in range(max(adults, 0)):  # each adult alone, in private, one after another
            if case.persons == 0:
                return
            yield from self._turn(self.interviewers, days)

    def _needs_review(self, case: CaseState) -> bool:
        known = case.start.needs_exclusion_review
        if known is not None:
            return known
        return self.streams.chance(case.index, col.U_REVIEW, self.params.exclusion_review_share)

    # -- placement, host decision, flights --------------------------------------------------
    def _placed_and_accepted(self, case: CaseState, stage: Stage,
                             served: float) -> Generator[simpy.Event, Any, float]:
        """Placed, referred, refused and placed again until a state accepts; returns the
        days of the accepting state's decision, still to wait."""
        if stage >= Stage.HOST_DECISION and case.start.country is not None:
            case.country, case.reserved = case.start.country, case.persons
        case.refused_by.update(case.start.refused_by)
        if stage >= Stage.PRE_DEPARTURE and case.country is not None:
            return 0.0
        attempt = 0
        while case.persons > 0:
            if case.country is None:
                if case.persons > self._largest_room() or not self._place(case):
                    ready = self.env.event()
                    self.waiting.append((case, ready))
                    yield ready
                served = 0.0
            country = case.country
            if country is None:  # every member was killed while the case waited
                return 0.0
            terms, slot = self.params.host(country), attempt % col.ATTEMPTS
            due = self._delay(case, col.Z_HOST + slot, terms.decision, served)
            if not self.streams.chance(case.index, col.U_REFUSE + slot, terms.refuse_share):
                return due  # accepted: the decision's wait runs on into pre-departure
            yield from self._after(due)
            # Refused: never towards return; the places go back and the case is placed again.
            case.refused_by.add(country)
            self._release(case)
            attempt += 1
        return 0.0

    def _largest_room(self) -> int:
        return max(self.places.values(), default=0)

    def _serve_waiting(self) -> None:
        """Places opened: give waiting cases, first come first served, a state with room."""
        largest, still = self._largest_room(), []
        for at, (case, ready) in enumerate(self.waiting):
            if largest <= 0:
                still.extend(self.waiting[at:])
                break
            if case.persons > largest or not self._place(case):
                still.append((case, ready))
                continue
            ready.succeed()
            largest = self._largest_room()
        self.waiting = still

    def _place(self, case: CaseState) -> bool:
        """Reserve places for ``case`` in a state that may take it; False if none has room."""
        if case.persons > 0:
            country = self._choose_state(case)
            if country is None:
                return False
            self.places[country] -= case.persons
            case.country, case.reserved = country, case.persons
        return True

    def _choose_state(self, case: CaseState) -> str | None:
        room = [(c, n) for c, n in self.places.items()
                if n >= case.persons and c not in case.refused_by]
        if not room:
            return None
        # A state is chosen with probability proportional to its open places.
        total, bounds = 0, []
        for _, n in room:
            total += n
            bounds.append(total)
        draw = self.streams.uniform(case.index, col.U_CHOICE + len(case.refused_by) % col.ATTEMPTS)
        return room[min(bisect_right(bounds, draw * total), len(room) - 1)][0]

    def _release(self, case: CaseState) -> None:
        if case.country is not None and case.reserved:
            self.places[case.country] = self.places.get(case.country, 0) + case.reserved
        case.country, case.reserved = None, 0
        self._serve_waiting()

    def _pledges(self) -> Steps:
        start = self.params.start
        for pledge in sorted(self.params.pledges, key=lambda e: e.on):
            yield from self._after((pledge.on - start).days - self.env.now)
            self.places[pledge.country] = self.places.get(pledge.country, 0) + pledge.persons
            self._serve_waiting()

    def _board(self, case: CaseState) -> bool:
        """Ready to fly: on the next flight of its state with a seat (or at once if flights
        are not modelled). The case leaves with that flight."""
        country = case.country
        assert country is not None
        if self.params.host(country).flight_interval_days <= 0:
            self._depart(case)
            return True
        if country not in self.boarding:
            self.boarding[country] = []
            self.env.process(self._flights(country))
        self.boarding[country].append(case)
        sleeping = self.asleep.pop(country, None)
        if sleeping is not None:
            sleeping.succeed()
        return True

    def _flights(self, country: str) -> Steps:
        """A flight every ``flight_interval_days`` from the state's first boarding on; while
        nobody waits, no flight is simulated (the next one after a wake-up is on the grid)."""
        terms = self.params.host(country)
        interval, next_flight = terms.flight_interval_days, self.env.now
        while True:
            if not self.boarding[country]:
                self.asleep[country] = wake = self.env.event()
                yield wake
            next_flight += interval
            while next_flight < self.env.now:
                next_flight += interval
            yield from self._after(next_flight - self.env.now)
            seats, left = terms.seats_per_flight, []
            for case in self.boarding[country]:
                whole_flight = seats == terms.seats_per_flight  # a case bigger than a plane
                if case.persons <= seats or whole_flight:
                    seats -= case.persons
                    self._depart(case)
                else:
                    left.append(case)
            self.boarding[country] = left

    def _depart(self, case: CaseState) -> None:
        if case.persons > 0:  # not killed while waiting for a seat
            case.outcome = Outcome.DEPARTED
            self.departures.append((self.env.now, case.persons))
        self._leave(case)

    # -- attacks and bookkeeping ------------------------------------------------------------
    def _attacks(self) -> Steps:
        times, rng = self.streams.attacks()
        p = self.params
        while True:
            yield self.env.timeout(float(times.exponential(1.0 / p.attack_rate_per_day)))
            self.attacks += 1
            cases = [c for c in self.present.values() if c.persons > 0]
            sizes = np.array([c.persons for c in cases], dtype=np.int64)
            killed = int(rng.binomial(int(sizes.sum()), p.kill_share_per_attack))
            if killed == 0:
                continue
            owners = np.repeat(np.arange(len(cases)), sizes)
            for victim in rng.choice(owners, size=killed, replace=False):
                cases[int(victim)].persons -= 1
            self.counts[Outcome.DIED] += killed
            self.changes.append((self.env.now, -killed))
            self._end_emptied_waits()

    def _end_emptied_waits(self) -> None:
        """A waiting case whose every member was killed stops waiting (and ends)."""
        for case, ready in self.waiting:
            if case.persons == 0:
                ready.succeed()
        self.waiting = [(case, ready) for case, ready in self.waiting if case.persons > 0]

    def _leave(self, case: CaseState) -> None:
        self.present.pop(case.index, None)
        if case.persons > 0 and case.outcome != Outcome.IN_CAMP:
            self.counts[case.outcome] += case.persons
            self.changes.append((self.env.now, -case.persons))
        if case.reserved > case.persons and case.country is not None:
            self.places[case.country] = (self.places.get(case.country, 0)  # places of the dead
                                         + case.reserved - case.persons)
            case.reserved = case.persons
        self.open_cases -= 1
        if self.open_cases == 0 and not self.all_done.triggered:
            self.all_done.succeed()

    def _result(self) -> Replication:
        persons_in = sum(c.persons for c in self.states) + self.counts[Outcome.DIED]
        in_camp = sum(c.persons for c in self.states if c.outcome == Outcome.IN_CAMP)
        departures = np.array(self.departures, dtype=float).reshape(-1, 2)
        changes = np.array(sorted(self.changes), dtype=float).reshape(-1, 2)
        days, index = np.unique(changes[:, 0], return_inverse=True)
        deltas = np.bincount(index, weights=changes[:, 1], minlength=len(days))
        everyone = in_camp == 0 and len(departures)
        end = float(departures[-1, 0]) if everyone else float(self.env.now)
        # Why those still waiting for places wait: no room anywhere, or room only in states
        # that refused them.
        refused = sum(case.persons for case, _ in self.waiting
                      if any(n >= case.persons for n in self.places.values()))
        return Replication(departures, days, np.cumsum(deltas), persons_in,
                           self.counts[Outcome.DEPARTED], self.counts[Outcome.DIED],
                           self.counts[Outcome.ENDED], in_camp, self.attacks, end, refused)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A replication allocates tens of thousands of short-lived objects (events, generators)
    and frees them all at its end: the cyclic collector, run meanwhile over every live one,
    costs a fifth of the time and frees nothing. Reference counting still frees at once."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_replication(params: OperationParams, cases: Sequence[CaseStart],
                    seed: np.random.SeedSequence) -> Replication:
    """One replication on a fresh environment (the unit joblib and Dask run in parallel)."""
    env = simpy.Environment()
    return Operation(env, params, cases, Streams.of(seed, len(cases))).run()
