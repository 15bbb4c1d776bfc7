"""What reporting reads and what it returns: facts about cases, and aggregates of them.

The facts carry case ids because aggregates are computed per case (a case counts once, its
persons together); the aggregates carry none. Nothing here holds a name, a birth date or an id
once it is an aggregate: :class:`Aggregates` is what every page, report and export shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from resettle.core.person import Sex
from resettle.core.status import CaseStatus, Priority


@dataclass(frozen=True)
class MemberProfile:
    sex: Sex
    birth_date: date
    nationality: str


@dataclass(frozen=True)
class CaseProfile:
    """A case as the registry holds it now; its status on an earlier day comes from events."""

    case_id: str
    processing_priority: Priority
    status: CaseStatus
    members: tuple[MemberProfile, ...]
    registered_on: date | None = None
    first_change_at: datetime | None = None  # the case's first and last status events, if any
    last_change_at: datetime | None = None

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class StatusChange:
    """One step of a case's history that changed (or kept) its status."""

    case_id: str
    at: datetime
    to_status: CaseStatus


class DecisionKind(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the operation took the file back from the state


@dataclass(frozen=True)
class ReferralFact:
    """A referral to a host state or that state's answer (today from the case events; the
    referral stage's own table can feed the same record later)."""

    case_id: str
    at: datetime
    country: str
    kind: DecisionKind
    reason: str = ""  # for refusals: the stated reason (a code, or the officer's words)
    submission_priority: Priority | None = None


class MovementKind(StrEnum):
    PREPARED = "prepared"  # pre-departure started
    DEPARTED = "departed"
    ARRIVED = "arrived"


@dataclass(frozen=True)
class MovementFact:
    case_id: str
    at: datetime
    country: str  # the host state the case travels to
    kind: MovementKind


@dataclass(frozen=True)
class ForecastBand:
    """The simulator's band for the operation's end, as of a day (quantiles over runs)."""

    as_of: date  # the registry day the forecast starts from
    last_departure_low: date
    last_departure_median: date
    last_departure_high: date
    # (month, low, median, high) persons still in the camp at the end of each month
    remaining: tuple[tuple[str, int, int, int], ...] = ()
    runs: int = 0
    coverage: int = 90  # percent of the runs between low and high
    # Share of runs in which everyone left; below 1, the dates are the last departure on the
    # pledges known, and ``left_behind`` persons (median) find no place in them.
    everyone_left_share: float = 1.0
    left_behind: int = 0
    source: str = ""  # which stored run, with its seed: how to draw it again


class StatusGroup(StrEnum):
    """Where persons stand, in the words of a public table (HXL ``#status``)."""

    SCREENING = "in_screening"
    SUBMISSION = "submission"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DEPARTED = "departed"
    EXCLUDED = "excluded"
    ENDED = "ended"  # withdrawn or closed


_S = CaseStatus
STATUS_GROUP: Mapping[CaseStatus, StatusGroup] = {
    **{s: StatusGroup.SCREENING for s in (
        _S.REGISTERED, _S.NEEDS_ASSESSED, _S.INTERVIEW_SCHEDULED, _S.INTERVIEWED, _S.ASSESSED,
        _S.RECOGNIZED, _S.REJECTED, _S.APPEAL, _S.EXCLUSION_REVIEW, _S.ON_HOLD)},
    **{s: StatusGroup.SUBMISSION for s in (
        _S.SUBMISSION_DRAFTED, _S.SUBMISSION_REVISE, _S.NOT_RECOMMENDED,
        _S.READY_FOR_REFERRAL)},
    _S.REFERRED: StatusGroup.REFERRED, _S.MORE_INFORMATION: StatusGroup.REFERRED,
    _S.ACCEPTED: StatusGroup.ACCEPTED, _S.PRE_DEPARTURE: StatusGroup.ACCEPTED,
    _S.DEPARTED: StatusGroup.DEPARTED, _S.ARRIVED: StatusGroup.DEPARTED,
    _S.EXCLUDED: StatusGroup.EXCLUDED,
    _S.WITHDRAWN: StatusGroup.ENDED, _S.CLOSED: StatusGroup.ENDED,
}


class PopulationColumn(StrEnum):
    """The person counts of one row of the public table; they add up to its total."""

    FEMALE_CHILDREN = "female_children"  # 0-17
    FEMALE_ADULTS = "female_adults"  # 18-59
    FEMALE_ELDERLY = "female_elderly"  # 60 and over
    MALE_CHILDREN = "male_children"
    MALE_ADULTS = "male_adults"
    MALE_ELDERLY = "male_elderly"
    OTHER_SEX = "other_sex"  # another or unrecorded sex, all ages


# ---- aggregates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    status: CaseStatus
    cases: int
    persons: int
    cases_change: int  # over the reporting period (month)
    persons_change: int


@dataclass(frozen=True)
class PledgeRow:
    """Places per host state: made (pledged so far), used (departed), reserved (accepted,
    not yet departed) and open (made minus used minus reserved; negative means over-used)."""

    country: str
    made: int
    used: int
    reserved: int

    @property
    def open(self) -> int:
        return self.made - self.used - self.reserved


@dataclass(frozen=True)
class DecisionRow:
    month: str  # YYYY-MM
    country: str
    referred: int
    accepted: int
    refused: int
    withdrawn: int


@dataclass(frozen=True)
class Aggregates:
    """Everything a report, the dashboard and the HXL export show: counts only."""

    as_of: date
    period_start: date  # the change columns count from the end of the day before this
    funnel: tuple[FunnelRow, ...]
    departures: Mapping[tuple[str, str], int]  # (month, country) -> persons departed
    pledges: tuple[PledgeRow, ...]
    overdue: Mapping[Priority, int]  # open cases past their deadline, by the clock's priority
    due_soon: Mapping[Priority, int]
    decisions: tuple[DecisionRow, ...]  # referrals and decisions per month and state (cases)
    refusal_reasons: Mapping[str, int]  # reason -> cases refused (rare reasons grouped)
    persons_by_sex: Mapping[Sex, int]
    persons_by_age_band: Mapping[str, int]
    persons_by_nationality: Mapping[str, int]
    persons_by_age_sex: Mapping[tuple[str, Sex], int]
    # (nationality, status group) -> persons per column (exact; suppressed when published)
    population: Mapping[tuple[str, StatusGroup], Mapping[PopulationColumn, int]] = field(
        default_factory=dict)
    forecast: ForecastBand | None = None

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.funnel)

    @property
    def persons(self) -> int:
        return sum(r.persons for r in self.funnel)

    @property
    def persons_departed(self) -> int:
        return sum(self.departures.values())

    def funnel_counts(self) -> dict[CaseStatus, int]:
        return {r.status: r.cases for r in self.funnel}
