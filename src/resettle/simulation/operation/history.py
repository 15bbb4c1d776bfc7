"""Camp Ashraf / Liberty, 2011–2016, as the simulator's calibration scenario: each fact with its
source (DOMAIN.md's timeline and the figures of issue 13).

Sourced as offers: Albania's 210 places and Germany's ~100 (Mar–Apr 2013). Every later tranche
is *reconstructed* from the departures record (367 by 31 Mar 2014 of which Albania 208 and
Germany 91; over 1,100 by the end of 2015, over three quarters to Albania; 2,901 to Albania in
all, 1,942 of them in 2016): no published source gives their dates. The calibration therefore
shows that the model's processing times are consistent with the record *given* these offers; it
is not an out-of-sample prediction of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import numpy as np

from resettle.simulation.operation.params import (
    CaseStart,
    Delay,
    HostTerms,
    OperationParams,
    PledgeEvent,
    Stage,
)

START = date(2011, 12, 25)  # UN–Iraq memorandum
CLOSURE = date(2016, 9, 9)  # last 280 flown to Albania; camp closed
POPULATION = 3200  # sources differ between 3,200 and 3,400 (DOMAIN.md): a parameter
OTHER = "OTH"  # every state other than Albania and Germany, pooled
SOURCE_DOMAIN = "DOMAIN.md historical timeline"
RECONSTRUCTED = "reconstructed from the departures record (no dated source)"


@dataclass(frozen=True)
class Observation:
    on: date
    departed: int | None  # None: everyone (the camp closed)
    source: str


OBSERVED: tuple[Observation, ...] = (
    Observation(date(2013, 12, 31), 300, "about 300 by the end of 2013 (issue 13)"),
    Observation(date(2014, 3, 31), 367, f"367 departed by 31 Mar 2014 ({SOURCE_DOMAIN})"),
    Observation(date(2015, 12, 31), 1100, f"more than 1,100 by the end of 2015 ({SOURCE_DOMAIN})"),
    Observation(date(2016, 7, 19), 1700, f"more than 1,700 by 19 Jul 2016 ({SOURCE_DOMAIN})"),
    Observation(CLOSURE, None, f"relocation complete, camp closed 9 Sep 2016 ({SOURCE_DOMAIN})"),
)

# Moves from Ashraf to Liberty: (day, persons moved by then).
ARRIVALS: tuple[tuple[date, int, str], ...] = (
    (date(2012, 2, 18), 397, f"first convoy, 397 residents ({SOURCE_DOMAIN})"),
    (date(2012, 8, 1), 1935, f"about 1,935 by 1 Aug 2012 ({SOURCE_DOMAIN})"),
    (date(2012, 9, 16), POPULATION, f"last major convoy 16 Sep 2012 ({SOURCE_DOMAIN})"),
)

_ALBANIA_2015 = f"{RECONSTRUCTED}: Albania 2,901 in all − 1,942 in 2016 = 959 by end 2015"
_OTHERS = f"{RECONSTRUCTED}: under a quarter of departures went elsewhere"
PLEDGES: tuple[PledgeEvent, ...] = (
    PledgeEvent(date(2013, 3, 15), "ALB", 210, f"Albania offers 210 places ({SOURCE_DOMAIN})"),
    PledgeEvent(date(2013, 4, 15), "DEU", 98,
                f"Germany about 100, 98 by 31 Mar 2014 ({SOURCE_DOMAIN})"),
    PledgeEvent(date(2014, 1, 1), OTHER, 70,
                f"{RECONSTRUCTED}: 367 − 208 − 91 = 68 to other states by 31 Mar 2014"),
    PledgeEvent(date(2014, 6, 1), "ALB", 250, _ALBANIA_2015),
    PledgeEvent(date(2014, 6, 1), OTHER, 30, _OTHERS),
    PledgeEvent(date(2015, 1, 1), "ALB", 250, _ALBANIA_2015),
    PledgeEvent(date(2015, 1, 1), OTHER, 30, _OTHERS),
    PledgeEvent(date(2015, 7, 1), "ALB", 249, _ALBANIA_2015),
    PledgeEvent(date(2016, 2, 1), "ALB", 500,
                f"{RECONSTRUCTED}: 1,942 to Albania in 2016, >1,700 in all by 19 Jul"),
    PledgeEvent(date(2016, 2, 1), OTHER, 40, _OTHERS),
    PledgeEvent(date(2016, 6, 15), "ALB", 1500,
                f"{RECONSTRUCTED}: Albania takes every remaining resident (2,901 went in all)"),
)

# Household shapes (share of cases, persons, adults): most residents were single adults.
HOUSEHOLDS = ((0.85, 1, 1), (0.13, 2, 2), (0.015, 4, 2), (0.005, 3, 1))
SCENARIO_SEED = 20111225  # the scenario's cases are data: the same every run


@dataclass(frozen=True)
class FreeParameters:
    """What the record does not say and the calibration fits (``fit_history``)."""

    host_decision_days: float
    pre_departure_days: float
    seats_per_week: float  # Albania's flights

    def as_array(self) -> np.ndarray:
        return np.array([self.host_decision_days, self.pre_departure_days, self.seats_per_week])


# Fitted with `resettle simulate-history --fit` (see docs/simulation.md for the run).
FITTED = FreeParameters(host_decision_days=15.8, pre_departure_days=24.6, seats_per_week=213.8)


def history_params(free: FreeParameters = FITTED) -> OperationParams:
    host = HostTerms(decision=Delay(free.host_decision_days, 0.4), refuse_share=0.0,
                     flight_interval_days=14.0, seats_per_flight=200)
    albania = HostTerms(decision=Delay(free.host_decision_days, 0.4), refuse_share=0.0,
                        flight_interval_days=7.0, seats_per_flight=max(int(free.seats_per_week),
                                                                       1))
    return OperationParams(
        start=START, pledges=PLEDGES, hosts=MappingProxyType({"ALB": albania}),
        default_host=host, pre_departure=Delay(free.pre_departure_days, 0.4),
        reject_share=0.0, exclude_share=0.0,  # in the end every resident was relocated
        attack_rate_per_day=4 / 1720,  # Liberty attacks with deaths: Feb, Jun, Dec 2013; Oct 2015
        kill_share_per_attack=0.004,  # 37 killed in those four
        horizon_days=365.0 * 8)


def history_cases(population: int = POPULATION) -> tuple[CaseStart, ...]:
    """The residents as cases arriving at Liberty over 2012 (the same every run)."""
    rng = np.random.default_rng(SCENARIO_SEED)
    shares = np.array([h[0] for h in HOUSEHOLDS])
    cases: list[CaseStart] = []
    moved = 0
    while moved < population:
        _, persons, adults = HOUSEHOLDS[int(rng.choice(len(HOUSEHOLDS), p=shares / shares.sum()))]
        persons = min(persons, population - moved)
        adults = min(adults, persons)
        cases.append(CaseStart(persons, adults, Stage.REGISTRATION,
                               arrives_day=_arrival_day(moved)))
        moved += persons
    return tuple(cases)


def _arrival_day(moved: int) -> float:
    """Day (from START) by which the ``moved``-th resident had reached Liberty (piecewise
    linear between the sourced convoy figures)."""
    days = [0.0] + [float((d - START).days) for d, _, _ in ARRIVALS]
    counts = [0.0] + [float(n) for _, n, _ in ARRIVALS]
    counts[1] = 0.0  # the first convoy: everyone in it arrives that day
    days.insert(1, days[1])
    counts.insert(2, float(ARRIVALS[0][1]))
    return float(np.interp(moved, counts[1:], days[1:]))
