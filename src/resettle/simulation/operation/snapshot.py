"""From the registry as it stands to the simulation's starting point.

Each workflow status (``core.status``) maps to one stage of the model; the time a case has
stood in its status is carried over, so a delay already partly served is continued, not
restarted. Pledges are consumed by the persons already referred, accepted or departed to
their state, earliest pledge first; a pledge whose period has ended lapses with whatever it
had left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from resettle.core.status import CaseStatus as S
from resettle.simulation.operation.params import CaseStart, PledgeEvent, Stage
from resettle.simulation.operation.ports import CaseSnapshot, OperationStore, PledgeSnapshot

STAGE_OF: Mapping[S, Stage] = MappingProxyType({
    S.REGISTERED: Stage.REGISTRATION, S.NEEDS_ASSESSED: Stage.REGISTRATION,
    S.INTERVIEW_SCHEDULED: Stage.INTERVIEW,
    S.INTERVIEWED: Stage.DECISION, S.ASSESSED: Stage.DECISION,
    S.REJECTED: Stage.APPEAL, S.APPEAL: Stage.APPEAL,
    S.EXCLUSION_REVIEW: Stage.EXCLUSION_REVIEW,
    S.RECOGNIZED: Stage.SUBMISSION, S.SUBMISSION_DRAFTED: Stage.SUBMISSION,
    S.SUBMISSION_REVISE: Stage.SUBMISSION, S.NOT_RECOMMENDED: Stage.SUBMISSION,
    S.READY_FOR_REFERRAL: Stage.PLACEMENT,
    S.REFERRED: Stage.HOST_DECISION, S.MORE_INFORMATION: Stage.HOST_DECISION,
    S.ACCEPTED: Stage.PRE_DEPARTURE, S.PRE_DEPARTURE: Stage.PRE_DEPARTURE,
    S.ON_HOLD: Stage.HOLD,
})
GONE = frozenset({S.DEPARTED, S.ARRIVED})
ENDED = frozenset({S.WITHDRAWN, S.CLOSED, S.EXCLUDED})  # out of the resettlement pipeline
HOLDING_PLACES = frozenset({S.REFERRED, S.MORE_INFORMATION, S.ACCEPTED, S.PRE_DEPARTURE})


@dataclass(frozen=True)
class StartingPoint:
    """Where the operation stands on ``as_of``: cases to simulate, places still to come."""

    as_of: date
    cases: tuple[CaseStart, ...]
    pledges: tuple[PledgeEvent, ...]
    departed_before: int  # persons
    ended_before: int  # persons withdrawn, closed or excluded before ``as_of``

    @property
    def persons_waiting(self) -> int:
        return sum(c.persons for c in self.cases)


def read_starting_point(store: OperationStore, as_of: date | None = None) -> StartingPoint:
    day = as_of or store.latest_activity() or date.today()
    return starting_point(store.case_snapshots(day), store.pledges(), day)


def starting_point(cases: Iterable[CaseSnapshot], pledges: Iterable[PledgeSnapshot],
                   as_of: date) -> StartingPoint:
    starts: list[CaseStart] = []
    used: dict[str, int] = defaultdict(int)
    departed = ended = 0
    for case in cases:
        if case.country and (case.status in GONE or case.status in HOLDING_PLACES):
            used[case.country] += case.persons
        if case.status in GONE:
            departed += case.persons
        elif case.status in ENDED:
            ended += case.persons
        else:
            starts.append(case_start(case))
    return StartingPoint(as_of, tuple(starts), open_pledges(pledges, used, as_of), departed,
                         ended)


def case_start(case: CaseSnapshot) -> CaseStart:
    stage = STAGE_OF[case.status]
    review: bool | None = None  # before recognition: drawn with the scenario's share
    if stage == Stage.EXCLUSION_REVIEW or case.exclusion_review_open:
        review = True
    elif stage >= Stage.SUBMISSION and stage != Stage.HOLD:
        review = False  # reviews open with recognition: a later case has had its review
    resume = STAGE_OF.get(case.held_from) if case.held_from else None
    holds_file = stage in (Stage.HOST_DECISION, Stage.PRE_DEPARTURE)
    return CaseStart(
        persons=case.persons, adults=case.adults, stage=stage,
        days_in_stage=max(case.days_in_status, 0.0),
        adults_to_interview=max(case.adults - case.adults_interviewed, 0),
        needs_exclusion_review=review,
        country=case.country if holds_file else None,
        refused_by=case.refused_by,
        resume_stage=resume if resume is not None and resume != Stage.HOLD else None,
    )


def open_pledges(pledges: Iterable[PledgeSnapshot], used: Mapping[str, int],
                 as_of: date) -> tuple[PledgeEvent, ...]:
    """Places still open per pledge after what was used, earliest pledge first."""
    left = dict(used)
    events: list[PledgeEvent] = []
    for pledge in sorted(pledges, key=lambda p: (p.country, p.starts_on)):
        taken = min(left.get(pledge.country, 0), pledge.persons)
        left[pledge.country] = left.get(pledge.country, 0) - taken
        remaining = pledge.persons - taken
        if remaining <= 0 or pledge.ends_on < as_of:
            continue  # used up, or lapsed before today
        events.append(PledgeEvent(max(pledge.starts_on, as_of), pledge.country, remaining))
    return tuple(sorted(events, key=lambda e: (e.on, e.country)))
