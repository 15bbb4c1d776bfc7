"""Levers: named changes to the parameters, compared with the baseline on common random numbers.

Each lever is a function from parameters to parameters, so a scenario stays data. Every lever
runs with the baseline's seed: replication r of the lever and of the baseline share their random
numbers, and the comparison is on paired differences (days saved on the last departure,
person-days at risk saved), each with a 95% t-interval.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from types import MappingProxyType

import numpy as np
from scipy import stats

from resettle.simulation.operation.forecast import Metrics, Progress, simulate_replications
from resettle.simulation.operation.params import CaseStart, OperationParams, PledgeEvent


@dataclass(frozen=True)
class Lever:
    name: str
    change: Callable[[OperationParams], OperationParams]


@dataclass(frozen=True)
class Difference:
    """A paired difference (baseline minus lever: positive means the lever helps)."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, saved: np.ndarray) -> Difference:
        mean = float(np.mean(saved))
        if len(saved) < 2 or float(np.std(saved)) == 0.0:
            return cls(mean, mean, mean)
        half = float(stats.t.ppf(0.975, len(saved) - 1) * stats.sem(saved))
        return cls(mean, mean - half, mean + half)


@dataclass(frozen=True)
class LeverEffect:
    name: str
    days_saved: Difference  # on the last departure (a run where someone never left: horizon)
    person_days_saved: Difference
    left_behind_saved: Difference  # persons who, with the lever, do find a place
    share_everyone_left: float


def more_interviewers(extra: int = 2) -> Lever:
    return Lever(f"{extra} more interviewers",
                 lambda p: replace(p, interviewers=p.interviewers + extra))


def more_places(persons: int = 500, country: str | None = None) -> Lever:
    """Extra places from the start in ``country`` (default: the state that pledged most)."""
    def change(p: OperationParams) -> OperationParams:
        where = country or largest_host(p)
        return replace(p, pledges=(*p.pledges, PledgeEvent(p.start, where, persons,
                                                           "lever")))
    return Lever(f"{persons} more places in {country or 'the largest host'}", change)


def faster_vetting(days: float = 30.0) -> Lever:
    """Every host state's decision (security vetting included) ``days`` faster."""
    def change(p: OperationParams) -> OperationParams:
        hosts = {c: replace(t, decision=t.decision.shortened(days)) for c, t in p.hosts.items()}
        return replace(p, hosts=MappingProxyType(hosts), default_host=replace(
            p.default_host, decision=p.default_host.decision.shortened(days)))
    return Lever(f"host vetting {days:g} days faster", change)


def pledges_earlier(days: int = 90) -> Lever:
    def change(p: OperationParams) -> OperationParams:
        moved = tuple(replace(e, on=max(e.on - timedelta(days=days), p.start))
                      for e in p.pledges)
        return replace(p, pledges=moved)
    return Lever(f"future pledges {days} days earlier", change)


def more_flights(factor: float = 2.0) -> Lever:
    def change(p: OperationParams) -> OperationParams:
        hosts = {c: replace(t, flight_interval_days=t.flight_interval_days / factor)
                 for c, t in p.hosts.items()}
        default = replace(p.default_host,
                          flight_interval_days=p.default_host.flight_interval_days / factor)
        return replace(p, hosts=MappingProxyType(hosts), default_host=default)
    return Lever(f"flights {factor:g} times as often", change)


def standard_levers(params: OperationParams,
                    places_in: str | None = None) -> tuple[Lever, ...]:
    """The questions the mandating body asks every month; the 500 places go to ``places_in``
    (default: the state that pledged most)."""
    return (more_interviewers(2), more_places(500, places_in or largest_host(params)),
            faster_vetting(30), pledges_earlier(90), more_flights(2.0))


def largest_host(params: OperationParams) -> str:
    pledged: Counter[str] = Counter()
    for event in params.pledges:
        pledged[event.country] += event.persons
    return pledged.most_common(1)[0][0] if pledged else "any"


def effect(name: str, base: Metrics, lever: Metrics) -> LeverEffect:
    return LeverEffect(name, Difference.of(base.end_day - lever.end_day),
                       Difference.of(base.person_days - lever.person_days),
                       Difference.of(base.left_behind - lever.left_behind),
                       float(np.mean(lever.everyone_left)))


def compare_levers(params: OperationParams, cases: Sequence[CaseStart],
                   levers: Sequence[Lever], *, replications: int, seed: int, jobs: int = 1,
                   progress: Progress | None = None,
                   base: Metrics | None = None,
                   scheduler: str | None = None) -> tuple[Metrics, list[LeverEffect]]:
    """The baseline's metrics and each lever's effect, most helpful first.

    ``base``: the baseline's metrics if already run with the same seed and replications.
    """
    def metrics(p: OperationParams) -> Metrics:
        return Metrics.of(simulate_replications(p, cases, replications, seed, jobs=jobs,
                                                progress=progress, scheduler=scheduler))
    if base is None:
        base = metrics(params)
    effects = [effect(lever.name, base, metrics(lever.change(params))) for lever in levers]
    return base, rank(effects, by_days=bool(base.everyone_left.all()))


def rank(effects: Sequence[LeverEffect], *, by_days: bool = True) -> list[LeverEffect]:
    """Most helpful first: by days saved on the last departure, then person-days at risk.

    When some baseline replication never empties the camp, its last departure is only the
    horizon, so days saved would measure the horizon: then person-days at risk decide.
    """
    if by_days:
        return sorted(effects, key=lambda e: (-e.days_saved.mean, -e.person_days_saved.mean))
    return sorted(effects, key=lambda e: -e.person_days_saved.mean)
