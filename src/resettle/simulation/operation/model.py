"""The operation as a SimPy discrete-event model: one process per case, shared resources.

registration → interviews (each adult alone with one of ``interviewers``) → status decision
(→ appeal) → exclusion review (an assessor and a second reviewer) → submission → placement
(waits for a state with open places it has not been refused by) → host decision (refusal
releases the places and sends the case back to placement, never towards return) →
pre-departure → a seat on one of the state's flights → departure. Pledges add places on their
day; attacks strike at random, killing a share of the persons present.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import simpy

from resettle.simulation.operation import streams as col
from resettle.simulation.operation.params import CaseStart, OperationParams, Stage
from resettle.simulation.operation.streams import Streams

Steps = Generator[simpy.Event, Any, None]


class Outcome(StrEnum):
    DEPARTED = "departed"
    DIED = "died"  # every member killed in attacks
    ENDED = "ended"  # rejected on appeal or excluded: leaves the resettlement pipeline
    IN_CAMP = "in_camp"  # still waiting when the horizon is reached


@dataclass
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


class Operation:
    """One replication of the pipeline; ``env`` is injected so callers can step or extend it."""

    def __init__(self, env: simpy.Environment, params: OperationParams,
                 cases: Sequence[CaseStart], streams: Streams) -> None:
        self.env, self.params, self.streams = env, params, streams
        self.interviewers = simpy.Resource(env, capacity=max(params.interviewers, 1))
        self.reviewers = simpy.Resource(env, capacity=max(params.exclusion_reviewers, 2))
        self.places: dict[str, int] = {}
        self.waiting: list[tuple[CaseState, simpy.Event]] = []
        self.boarding: dict[str, list[tuple[CaseState, simpy.Event]]] = {}
        self.present: dict[int, CaseState] = {}
        self.changes: list[tuple[float, int]] = []
        self.departures: list[tuple[float, int]] = []
        self.counts = {outcome: 0 for outcome in Outcome}
        self.attacks = 0
        self.open_cases = len(cases)
        self.all_done = env.event()
        self.states = [CaseState(i, c, c.persons) for i, c in enumerate(cases)]
        for state in self.states:
            env.process(self._case(state))
        for pledge in params.pledges:
            env.process(self._pledge((pledge.on - params.start).days, pledge.country,
                                     pledge.persons))
        if params.attack_rate_per_day > 0:
            env.process(self._attacks())
        if not cases:
            self.all_done.succeed()

    def run(self) -> Replication:
        horizon = self.env.timeout(self.params.horizon_days)
        self.env.run(until=self.env.any_of([self.all_done, horizon]))
        return self._result()

    # -- a case ------------------------------------------------------------------------------
    def _case(self, case: CaseState) -> Steps:
        start = case.start
        if start.arrives_day > 0:
            yield self.env.timeout(start.arrives_day)
        self.present[case.index] = case
        self.changes.append((self.env.now, case.persons))
        yield from self._pipeline(case)
        self._leave(case)

    def _pipeline(self, case: CaseState) -> Steps:
        start, p = case.start, self.params
        stage, served = start.stage, start.days_in_stage
        if stage == Stage.HOLD:
            yield self.env.timeout(self.streams.delay(case.index, col.Z_HOLD, p.hold, served))
            stage, served = start.resume_stage or Stage.REGISTRATION, 0.0
        yield from self._screening(case, stage, served)
        if case.outcome == Outcome.ENDED:
            return
        if stage <= Stage.SUBMISSION:
            yield from self._wait(case, col.Z_SUBMISSION, p.submission,
                                  served if stage == Stage.SUBMISSION else 0.0)
        yield from self._placed_and_accepted(case, stage, served)
        if stage <= Stage.PRE_DEPARTURE:
            yield from self._wait(case, col.Z_PRE_DEPARTURE, p.pre_departure,
                                  served if stage == Stage.PRE_DEPARTURE else 0.0)
        if case.persons > 0:
            yield from self._fly(case)

    def _screening(self, case: CaseState, stage: Stage, served: float) -> Steps:
        """Registration to exclusion review; a case rejected on appeal or excluded ends."""
        p, i = self.params, case.index
        if stage <= Stage.REGISTRATION:
            yield from self._wait(case, col.Z_REGISTRATION, p.registration, served)
        if stage <= Stage.INTERVIEW:
            yield from self._interviews(case, case.start.adults_to_interview
                                        if stage == Stage.INTERVIEW else None)
        if stage <= Stage.APPEAL:
            rejected = stage == Stage.APPEAL
            if stage <= Stage.DECISION:
                yield from self._wait(case, col.Z_DECISION, p.decision,
                                      served if stage == Stage.DECISION else 0.0)
                rejected = self.streams.chance(i, col.U_REJECT, p.reject_share)
            if rejected:
                yield from self._wait(case, col.Z_APPEAL, p.appeal,
                                      served if stage == Stage.APPEAL else 0.0)
                if not self.streams.chance(i, col.U_APPEAL, p.appeal_grant_share):
                    case.outcome = Outcome.ENDED
                    return
        if stage <= Stage.EXCLUSION_REVIEW and self._needs_review(case):
            yield from self._exclusion_review(case, served if stage == Stage.EXCLUSION_REVIEW
                                              else 0.0)

    def _wait(self, case: CaseState, column: int, delay: Any, served: float) -> Steps:
        days = self.streams.delay(case.index, column, delay, served)
        if days > 0:
            yield self.env.timeout(days)

    def _interviews(self, case: CaseState, pending: int | None) -> Steps:
        adults = case.start.adults if pending is None else pending
        days = self.params.interview_days_per_adult * math.exp(
            0.3 * self.streams.normal(case.index, col.Z_INTERVIEW))
        for _ in range(max(adults, 0)):  # each adult alone, in private, one after another
            if case.persons == 0:
                return
            with self.interviewers.request() as turn:
                yield turn
                yield self.env.timeout(days)

    def _needs_review(self, case: CaseState) -> bool:
        known = case.start.needs_exclusion_review
        if known is not None:
            return known
        return self.streams.chance(case.index, col.U_REVIEW, self.params.exclusion_review_share)

    def _exclusion_review(self, case: CaseState, served: float) -> Steps:
        p = self.params
        yield from self._wait(case, col.Z_VETTING, p.vetting_wait, served)
        for _person in ("assessor", "reviewer"):  # two people; the resource holds >= 2
            with self.reviewers.request() as turn:
                yield turn
                yield self.env.timeout(p.exclusion_review_days)
        if self.streams.chance(case.index, col.U_EXCLUDE, p.exclude_share):
            case.outcome = Outcome.ENDED

    # -- placement, host decision, flights --------------------------------------------------
    def _placed_and_accepted(self, case: CaseState, stage: Stage, served: float) -> Steps:
        if stage >= Stage.HOST_DECISION and case.start.country is not None:
            case.country, case.reserved = case.start.country, case.persons
        case.refused_by.update(case.start.refused_by)
        if stage >= Stage.PRE_DEPARTURE and case.country is not None:
            return
        attempt = 0
        while case.persons > 0:
            if case.country is None:
                ready = self.env.event()
                if not self._place(case, ready):
                    self.waiting.append((case, ready))
                yield ready
                served = 0.0
            country = case.country
            if country is None:  # every member was killed while the case waited
                return
            terms = self.params.host(country)
            slot = attempt % col.ATTEMPTS
            yield from self._wait(case, col.Z_HOST + slot, terms.decision, served)
            if not self.streams.chance(case.index, col.U_REFUSE + slot, terms.refuse_share):
                return
            # Refused: never towards return; the places go back and the case is placed again.
            case.refused_by.add(country)
            self._release(case)
            attempt += 1

    def _serve_waiting(self) -> None:
        """Places opened: give waiting cases, first come first served, a state with room."""
        still: list[tuple[CaseState, simpy.Event]] = []
        for at, (case, ready) in enumerate(self.waiting):
            if not any(self.places.values()):
                still.extend(self.waiting[at:])
                break
            if not self._place(case, ready):
                still.append((case, ready))
        self.waiting = still

    def _place(self, case: CaseState, ready: simpy.Event) -> bool:
        """Reserve places for ``case`` in a state that may take it; False if none has room."""
        if case.persons > 0:
            country = self._choose_state(case)
            if country is None:
                return False
            self.places[country] -= case.persons
            case.country, case.reserved = country, case.persons
        ready.succeed()
        return True

    def _choose_state(self, case: CaseState) -> str | None:
        room = [(c, n) for c, n in self.places.items()
                if n >= case.persons and c not in case.refused_by]
        if not room:
            return None
        # A state is chosen with probability proportional to its open places.
        weights = np.cumsum([n for _, n in room], dtype=float)
        draw = self.streams.uniform(case.index, col.U_CHOICE + len(case.refused_by) % col.ATTEMPTS)
        at = int(np.searchsorted(weights, draw * weights[-1], side="right"))
        return room[min(at, len(room) - 1)][0]

    def _release(self, case: CaseState) -> None:
        if case.country is not None and case.reserved:
            self.places[case.country] = self.places.get(case.country, 0) + case.reserved
        case.country, case.reserved = None, 0
        self._serve_waiting()

    def _pledge(self, day: float, country: str, persons: int) -> Steps:
        if day > 0:
            yield self.env.timeout(day)
        self.places[country] = self.places.get(country, 0) + persons
        self._serve_waiting()

    def _fly(self, case: CaseState) -> Steps:
        country = case.country
        assert country is not None
        seat = self.env.event()
        if self.params.host(country).flight_interval_days <= 0:
            seat.succeed()  # flights not modelled: a ready case leaves at once
        elif country not in self.boarding:
            self.boarding[country] = []
            self.env.process(self._flights(country))
        if not seat.triggered:
            self.boarding[country].append((case, seat))
        yield seat
        if case.persons > 0:  # not killed while waiting for a seat
            case.outcome = Outcome.DEPARTED
            self.departures.append((self.env.now, case.persons))

    def _flights(self, country: str) -> Steps:
        terms = self.params.host(country)
        while True:
            yield self.env.timeout(terms.flight_interval_days)
            seats, queue, left = terms.seats_per_flight, self.boarding[country], []
            for case, seat in queue:
                whole_flight = seats == terms.seats_per_flight  # a case bigger than a plane
                if case.persons <= seats or whole_flight:
                    seats -= case.persons
                    seat.succeed()
                else:
                    left.append((case, seat))
            self.boarding[country] = left

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


def run_replication(params: OperationParams, cases: Sequence[CaseStart],
                    seed: np.random.SeedSequence) -> Replication:
    """One replication on a fresh environment (the unit joblib and Dask run in parallel)."""
    env = simpy.Environment()
    return Operation(env, params, cases, Streams.of(seed, len(cases))).run()
