"""Small worlds for the operation simulator's tests (fast: a few hundred events)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from resettle.simulation.operation.params import (
    CaseStart,
    Delay,
    HostTerms,
    OperationParams,
    PledgeEvent,
    Stage,
)

START = date(2020, 1, 1)


def cases(count: int, stage: Stage = Stage.REGISTRATION, persons: int = 1) -> tuple[CaseStart,
                                                                                     ...]:
    return tuple(CaseStart(persons, persons, stage) for _ in range(count))


def params(places: int = 100, **changes: object) -> OperationParams:
    base = OperationParams(start=START, pledges=(PledgeEvent(START, "ALB", places),),
                           default_host=HostTerms(refuse_share=0.0), horizon_days=3650.0)
    return replace(base, **changes)  # type: ignore[arg-type]


def instant(pledges: tuple[PledgeEvent, ...]) -> OperationParams:
    """Every capacity unlimited and every time zero: only the offers pace departures."""
    zero = Delay(0.0, 0.0)
    return OperationParams(
        start=START, pledges=pledges, default_host=HostTerms(zero, 0.0, 0.0, 10**6),
        registration=zero, interviewers=10**6, interview_days_per_adult=0.0, decision=zero,
        reject_share=0.0, exclusion_review_share=0.0, exclusion_review_days=0.0,
        vetting_wait=zero, submission=zero, pre_departure=zero, attack_rate_per_day=0.0)
