"""The operation as a SimPy discrete-event model: each case a chain of SimPy timeouts with
callbacks, shared capacities, and processes for pledges, flights and attacks.

registration → interviews (each adult alone with one of ``interviewers``) → status decision
(→ appeal) → exclusion review (an assessor and a second reviewer) → submission → placement
(waits for a state with open places it has not been refused by) → host decision (refusal
releases the places and sends the case back to placement, never towards return) →
pre-departure → a seat on one of the state's flights → departure. Pledges add places on their
day; attacks strike at random, killing a share of the persons present.

Cheap events (a replication was 20,000–40,000 of them): a case's consecutive delays that touch
nothing shared are waited as one timeout (every draw is made in advance, so a rejection or a
refusal is known when its wait begins); interviewers and reviewers are FIFO pools whose turns'
ends are known on arrival, so a turn is one timeout, not a request, a timeout and a release; a
case is a chain of timeouts carrying it to its next step, not a generator process (no start,
end or waiting events: a placed case's decision is scheduled at once); a state's flights sleep
while nobody waits for a seat. SimPy keeps the clock and the order of events. The order of
things is unchanged: the same seed gives the same replication as the plain
one-process-per-case model did (``tests/simulation/operation/test_operation_equivalence.py``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Generator, Sequence
from typing import Any

import numpy as np
import simpy

from resettle.simulation.operation import streams as col
from resettle.simulation.operation.params import CaseStart, Delay, OperationParams, Stage
from resettle.simulation.operation.replication import (
    CaseState,
    Outcome,
    Replication,
    Servers,
    no_cyclic_gc,
)
from resettle.simulation.operation.streams import Streams

__all__ = ["Operation", "Outcome", "Replication", "run_replication"]

Steps = Generator[simpy.Event, Any, None]
Then = Callable[[CaseState], None]


class Operation:
    """One replication of the pipeline; ``env`` is injected so callers can step or extend it."""

    def __init__(self, env: simpy.Environment, params: OperationParams,
                 cases: Sequence[CaseStart], streams: Streams) -> None:
        self.env, self.params, self.streams = env, params, streams
        self.interviewers = Servers(params.interviewers)
        self.reviewers = Servers(max(params.exclusion_reviewers, 2))
        self.places: dict[str, int] = {}
        self.waiting: list[CaseState] = []  # for places, first come first served
        self.boarding: dict[str, list[CaseState]] = {}
        self.asleep: dict[str, simpy.Event] = {}  # flights of a state with nobody to fly
        self.present: dict[int, CaseState] = {}
        self.changes: list[tuple[float, int]] = []
        self.departures: list[tuple[float, int]] = []
        self.counts = dict.fromkeys(Outcome, 0)
        self.attacks = 0
        self.open_cases = len(cases)
        self.all_done = env.event()
        self.states = [CaseState(i, c, c.persons, stage=c.stage, served=c.days_in_stage)
                       for i, c in enumerate(cases)]
        for state in self.states:  # those present now, then later arrivals, in case order
            self._after(state.start.arrives_day, state, self._arrive)
        if params.pledges:
            env.process(self._pledges())
        if params.attack_rate_per_day > 0:
            env.process(self._attacks())
        if not cases:
            self.all_done.succeed()

    def run(self) -> Replication:
        horizon = self.env.timeout(self.params.horizon_days)
        with no_cyclic_gc():
            self.env.run(until=self.env.any_of([self.all_done, horizon]))
        return self._result()

    def _after(self, days: float, case: CaseState, then: Then) -> None:
        """``then(case)`` in ``days`` (at once if none): a timeout carrying the case."""
        if days > 0:
            self.env.timeout(days, case).callbacks.append(lambda event: then(event.value))
        else:
            then(case)

    def _delay(self, case: CaseState, column: int, delay: Delay, served: float = 0.0) -> float:
        return self.streams.delay(case.index, column, delay, served)

    # -- screening ----------------------------------------------------------------------
    def _screen(self, case: CaseState) -> None:
        """Registration, then each adult's interview (a queue), at the case's arrival."""
        start, p = case.start, self.params
        due = 0.0  # days of delays that touch nothing shared, waited as one
        if case.stage == Stage.HOLD:
            due = self._delay(case, col.Z_HOLD, p.hold, case.served)
            case.stage, case.served = start.resume_stage or Stage.REGISTRATION, 0.0
        if case.stage <= Stage.REGISTRATION:
            due += self._delay(case, col.Z_REGISTRATION, p.registration, case.served)
        if case.stage <= Stage.INTERVIEW:
            pending = start.adults_to_interview if case.stage == Stage.INTERVIEW else None
            case.turns_left = max(start.adults if pending is None else pending, 0)
            case.turn_days = p.interview_days_per_adult * math.exp(
                0.3 * self.streams.normal(case.index, col.Z_INTERVIEW))
            self._after(due, case, self._interview)
        else:
            self._status_decision(case, due)

    def _interview(self, case: CaseState) -> None:
        """Each adult alone, in private, one after another (each turn queues anew)."""
        if case.turns_left <= 0 or case.persons == 0:
            self._status_decision(case, 0.0)
            return
        case.turns_left -= 1
        self._turn(self.interviewers, case, self._interview)

    def _turn(self, servers: Servers, case: CaseState, then: Then) -> None:
        now = self.env.now
        self._after(servers.turn_ends(now, case.turn_days) - now, case, then)

    def _status_decision(self, case: CaseState, due: float) -> None:
        """Decision (and appeal), then the exclusion review if the case needs one; a case
        rejected on appeal ends after its appeal's wait."""
        p, i, s, stage = self.params, case.index, self.streams, case.stage
        if stage <= Stage.APPEAL:
            rejected = stage == Stage.APPEAL
            if stage <= Stage.DECISION:
                due += self._delay(case, col.Z_DECISION, p.decision,
                                   self._served(case, Stage.DECISION))
                rejected = s.chance(i, col.U_REJECT, p.reject_share)
            if rejected:
                due += self._delay(case, col.Z_APPEAL, p.appeal, self._served(case, Stage.APPEAL))
                if not s.chance(i, col.U_APPEAL, p.appeal_grant_share):
                    case.outcome = Outcome.ENDED
                    self._after(due, case, self._leave)
                    return
        if stage <= Stage.EXCLUSION_REVIEW and self._needs_review(case):
            due += self._delay(case, col.Z_VETTING, p.vetting_wait,
                               self._served(case, Stage.EXCLUSION_REVIEW))
            case.turns_left, case.turn_days = 2, p.exclusion_review_days  # two people
            self._after(due, case, self._review)
        else:
            self._submit(case, due)

    def _review(self, case: CaseState) -> None:
        """The assessor's turn, then the second reviewer's (the pool holds >= 2)."""
        if case.turns_left > 0:
            case.turns_left -= 1
            self._turn(self.reviewers, case, self._review)
        elif self.streams.chance(case.index, col.U_EXCLUDE, self.params.exclude_share):
            case.outcome = Outcome.ENDED
            self._leave(case)
        else:
            self._submit(case, 0.0)

    def _submit(self, case: CaseState, due: float) -> None:
        if case.stage <= Stage.SUBMISSION:
            due += self._delay(case, col.Z_SUBMISSION, self.params.submission,
                               self._served(case, Stage.SUBMISSION))
        self._after(due, case, self._enter_placement)

    def _served(self, case: CaseState, stage: Stage) -> float:
        """Days already spent in ``stage``: only in the stage the case started in."""
        return case.served if case.stage == stage else 0.0

    def _needs_review(self, case: CaseState) -> bool:
        known = case.start.needs_exclusion_review
        if known is not None:
            return known
        return self.streams.chance(case.index, col.U_REVIEW, self.params.exclusion_review_share)

    # -- placement, host decision, pre-departure ------------------------------------------
    def _arrive(self, case: CaseState) -> None:
        self.present[case.index] = case
        self.changes.append((self.env.now, case.persons))
        if case.stage == Stage.HOLD or case.stage <= Stage.SUBMISSION:
            self._screen(case)
        else:
            self._enter_placement(case)

    def _enter_placement(self, case: CaseState) -> None:
        """Screened and submitted (or further on when the run began)."""
        if case.stage >= Stage.HOST_DECISION and case.start.country is not None:
            case.country, case.reserved = case.start.country, case.persons
        case.refused_by.update(case.start.refused_by)
        if case.stage >= Stage.PRE_DEPARTURE and case.country is not None:
            self._after(self._pre_departure(case), case, self._ready)
        elif case.persons > 0 and case.country is not None:  # referred: its decision runs on
            self._decide(case, self._served(case, Stage.HOST_DECISION))
        else:
            self._place_or_wait(case)

    def _place_or_wait(self, case: CaseState) -> None:
        if case.persons == 0:  # every member was killed: the case ends
            self._after(self._pre_departure(case), case, self._ready)
        elif case.persons <= self._largest_room() and self._place(case):
            self._decide(case)
        else:
            self.waiting.append(case)

    def _decide(self, case: CaseState, served: float = 0.0) -> None:
        """The host state's decision: a refusal sends the case back to placement, an
        acceptance on to pre-departure (the decision's wait runs on into it)."""
        assert case.country is not None
        terms, slot = self.params.host(case.country), case.attempts % col.ATTEMPTS
        due = self._delay(case, col.Z_HOST + slot, terms.decision, served)
        if self.streams.chance(case.index, col.U_REFUSE + slot, terms.refuse_share):
            self._after(due, case, self._refused)
        else:
            self._after(due + self._pre_departure(case), case, self._ready)

    def _refused(self, case: CaseState) -> None:
        """Never towards return: the places go back and the case is placed again."""
        assert case.country is not None
        case.refused_by.add(case.country)
        self._release(case)
        case.attempts += 1
        self._place_or_wait(case)

    def _pre_departure(self, case: CaseState) -> float:
        if case.stage > Stage.PRE_DEPARTURE:
            return 0.0
        return self._delay(case, col.Z_PRE_DEPARTURE, self.params.pre_departure,
                           self._served(case, Stage.PRE_DEPARTURE))

    def _ready(self, case: CaseState) -> None:
        if case.persons > 0:
            self._board(case)
        else:
            self._leave(case)

    def _largest_room(self) -> int:
        return max(self.places.values(), default=0)

    def _serve_waiting(self) -> None:
        """Places opened: give waiting cases, first come first served, a state with room."""
        largest, still, placed = self._largest_room(), [], []
        for at, case in enumerate(self.waiting):
            if largest <= 0:
                still.extend(self.waiting[at:])
                break
            if case.persons > largest or not self._place(case):
                still.append(case)
                continue
            placed.append(case)
            largest = self._largest_room()
        self.waiting = still
        for case in placed:  # after the list is settled: a decision may release places
            self._decide(case)

    def _place(self, case: CaseState) -> bool:
        """Reserve places for ``case`` in a state that may take it; False if none has room."""
        room = [(c, n) for c, n in self.places.items()
                if n >= case.persons and c not in case.refused_by]
        if not room:
            return False
        # A state is chosen with probability proportional to its open places.
        total, bounds = 0, []
        for _, n in room:
            total += n
            bounds.append(total)
        draw = self.streams.uniform(case.index, col.U_CHOICE + len(case.refused_by) % col.ATTEMPTS)
        country = room[min(bisect_right(bounds, draw * total), len(room) - 1)][0]
        self.places[country] -= case.persons
        case.country, case.reserved = country, case.persons
        return True

    def _release(self, case: CaseState) -> None:
        if case.country is not None and case.reserved:
            self.places[case.country] = self.places.get(case.country, 0) + case.reserved
        case.country, case.reserved = None, 0
        self._serve_waiting()

    def _pledges(self) -> Steps:
        start = self.params.start
        for pledge in sorted(self.params.pledges, key=lambda e: e.on):
            wait = (pledge.on - start).days - self.env.now
            if wait > 0:
                yield self.env.timeout(wait)
            self.places[pledge.country] = self.places.get(pledge.country, 0) + pledge.persons
            self._serve_waiting()

    # -- flights ----------------------------------------------------------------------------
    def _board(self, case: CaseState) -> None:
        """Ready to fly: on the next flight of its state with a seat (or at once if flights
        are not modelled). The case leaves with that flight."""
        country = case.country
        assert country is not None
        if self.params.host(country).flight_interval_days <= 0:
            self._depart(case)
            return
        if country not in self.boarding:
            self.boarding[country] = []
            self.env.process(self._flights(country))
        self.boarding[country].append(case)
        sleeping = self.asleep.pop(country, None)
        if sleeping is not None:
            sleeping.succeed()

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
            if next_flight > self.env.now:
                yield self.env.timeout(next_flight - self.env.now)
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
        emptied = [case for case in self.waiting if case.persons == 0]
        if emptied:
            self.waiting = [case for case in self.waiting if case.persons > 0]
            for case in emptied:
                self._place_or_wait(case)

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
        refused = sum(case.persons for case in self.waiting
                      if any(n >= case.persons for n in self.places.values()))
        return Replication(departures, days, np.cumsum(deltas), persons_in,
                           self.counts[Outcome.DEPARTED], self.counts[Outcome.DIED],
                           self.counts[Outcome.ENDED], in_camp, self.attacks, end, refused)


def run_replication(params: OperationParams, cases: Sequence[CaseStart],
                    seed: np.random.SeedSequence) -> Replication:
    """One replication on a fresh environment (the unit joblib and Dask run in parallel)."""
    env = simpy.Environment()
    return Operation(env, params, cases, Streams.of(seed, len(cases))).run()
