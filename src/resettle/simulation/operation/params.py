"""The operation simulator's parameters: one frozen dataclass, so a scenario is data.

Times are in days. Delays are log-normal, given by their median and the sigma of their log
(a sigma of 0 makes a delay exact). Every figure is a configurable default; the Camp Ashraf
calibration (``calibration.py``) says where each one comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum
from types import MappingProxyType


class Stage(IntEnum):
    """Where a case stands in the simulated pipeline, in pipeline order."""

    REGISTRATION = 0
    INTERVIEW = 1
    DECISION = 2
    APPEAL = 3
    EXCLUSION_REVIEW = 4
    SUBMISSION = 5
    PLACEMENT = 6  # recognised and submitted, waiting for a state with open places
    HOST_DECISION = 7  # referred to one state, waiting for its decision
    PRE_DEPARTURE = 8  # accepted: medical, exit permit, travel documents
    FLIGHT = 9  # ready, waiting for a seat
    HOLD = 10


@dataclass(frozen=True)
class Delay:
    """A log-normal delay in days: ``median`` and the sigma of its logarithm."""

    median_days: float
    sigma: float = 0.5

    def scaled(self, factor: float) -> Delay:
        return Delay(self.median_days * factor, self.sigma)

    def shortened(self, days: float) -> Delay:
        return Delay(max(self.median_days - days, 0.0), self.sigma)


@dataclass(frozen=True)
class HostTerms:
    """How one host state answers and flies: decision time, refusals, flights."""

    decision: Delay = Delay(120.0, 0.5)  # security and medical vetting included
    refuse_share: float = 0.02
    flight_interval_days: float = 14.0
    seats_per_flight: int = 150


@dataclass(frozen=True)
class PledgeEvent:
    """Places a host state offers from a given day on (the offer timeline is an input)."""

    on: date
    country: str  # ISO 3166-1 alpha-3
    persons: int
    source: str = ""  # where the figure comes from, for calibration scenarios


@dataclass(frozen=True)
class CaseStart:
    """One case as the simulation starts: its people, where it stands and for how long.

    ``days_in_stage`` lets a delay already partly served be continued (the remaining delay is
    drawn conditionally on having lasted that long). ``arrives_day`` > 0 registers the case
    later (the moves to Camp Liberty in 2012).
    """

    persons: int
    adults: int
    stage: Stage
    days_in_stage: float = 0.0
    adults_to_interview: int | None = None  # None: every adult
    needs_exclusion_review: bool | None = None  # None: drawn with the scenario's share
    country: str | None = None  # the state holding the file (referred, accepted)
    refused_by: tuple[str, ...] = ()
    resume_stage: Stage | None = None  # for a case on hold
    arrives_day: float = 0.0


DEFAULT_HOST = HostTerms()


@dataclass(frozen=True)
class OperationParams:
    """Every parameter of the pipeline model. Levers return a changed copy."""

    start: date
    pledges: tuple[PledgeEvent, ...] = ()
    hosts: Mapping[str, HostTerms] = field(default_factory=lambda: MappingProxyType({}))
    default_host: HostTerms = DEFAULT_HOST
    registration: Delay = Delay(30.0, 0.5)  # registration and needs assessment
    interviewers: int = 8
    interview_days_per_adult: float = 1.0  # interviewer-days per adult, write-up included
    decision: Delay = Delay(45.0, 0.5)  # status decision with written reasons
    reject_share: float = 0.03
    appeal: Delay = Delay(60.0, 0.4)  # at least 30 days to lodge, then a second officer
    appeal_grant_share: float = 0.5
    exclusion_review_share: float = 0.2  # cases with a trigger profile (former combatants)
    exclusion_reviewers: int = 4  # assessor and reviewer must be two different people
    exclusion_review_days: float = 5.0  # reviewer-days for each of the two people
    vetting_wait: Delay = Delay(30.0, 0.5)  # gathering evidence before the review
    exclude_share: float = 0.02
    submission: Delay = Delay(30.0, 0.5)  # drafting the RRF and its review
    pre_departure: Delay = Delay(45.0, 0.4)
    hold: Delay = Delay(60.0, 0.6)
    attack_rate_per_day: float = 6 / 1720  # Liberty and Ashraf attacks with deaths, 2011-2016
    kill_share_per_attack: float = 0.005  # of the persons present
    # About 90 residents killed 2011-2016 over ~3.9 million person-days (the replay): 2.3.
    risk_deaths_per_100k_person_days: float = 2.3
    horizon_days: float = 365.0 * 10

    def host(self, country: str) -> HostTerms:
        return self.hosts.get(country, self.default_host)


def with_host(params: OperationParams, country: str, terms: HostTerms) -> OperationParams:
    """A copy of ``params`` in which ``country`` answers and flies by ``terms``."""
    hosts = dict(params.hosts)
    hosts[country] = terms
    return replace(params, hosts=MappingProxyType(hosts))
