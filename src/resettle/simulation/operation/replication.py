"""What one replication of the operation model holds and returns, and two cheap helpers the
model runs on: FIFO server pools whose turns are one timeout each, and a run without the cyclic
garbage collector."""

from __future__ import annotations

import gc
import heapq
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from resettle.simulation.operation.params import CaseStart, Stage


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
    stage: Stage = Stage.REGISTRATION  # where the case (re)started: a hold resumes elsewhere
    served: float = 0.0  # days it had already spent there
    attempts: int = 0  # referrals refused so far
    turns_left: int = 0  # interviews (one per adult) or reviews (two people) still to come
    turn_days: float = 0.0  # the length of each of those turns


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



@contextmanager
def no_cyclic_gc() -> Iterator[None]:
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
