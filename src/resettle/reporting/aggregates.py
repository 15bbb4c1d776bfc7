"""The aggregates every report, page and export shows, computed in one place from facts.

A report as of a day sees the operation as it was known at the end of that day: a case's status
is the one its last event by then left it in, deadlines run on the clocks of that day, and only
referrals, decisions and departures recorded by then count. Deadlines are screening's rule
(:func:`resettle.screening.deadlines.list_due`), called here and never copied.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from resettle.core.locality import Pledge
from resettle.core.person import Sex
from resettle.core.status import CaseStatus, Priority
from resettle.reporting.records import (
    STATUS_GROUP,
    Aggregates,
    CaseProfile,
    DecisionKind,
    DecisionRow,
    ForecastBand,
    FunnelRow,
    MovementFact,
    MovementKind,
    PledgeRow,
    PopulationColumn,
    ReferralFact,
    StatusChange,
    StatusGroup,
)
from resettle.reporting.stats import AGE_BANDS, age_band
from resettle.screening.deadlines import CaseClock, Deadline, DeadlineTargets, list_due
from resettle.screening.workflow import REFERRAL_STATES

K_ANONYMITY = 5  # no published count between 1 and K-1
OTHER_REASONS = "other reasons (each given for fewer than 5 cases)"
RESERVING = frozenset({CaseStatus.ACCEPTED, CaseStatus.PRE_DEPARTURE})
REASON_LENGTH = 80
ADULT_AGE = 18
ELDERLY_AGE = 60


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


def month_of(moment: datetime | date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


@dataclass(frozen=True)
class Facts:
    """What a store returned for one report, all of it recorded by ``as_of``."""

    cases: Sequence[CaseProfile]
    changes: Sequence[StatusChange]
    referrals: Sequence[ReferralFact]
    movements: Sequence[MovementFact]
    pledges: Sequence[Pledge]
    targets: DeadlineTargets


def statuses_on(cases: Iterable[CaseProfile], changes: Sequence[StatusChange],
                day: date) -> dict[str, CaseStatus]:
    """Each case that existed at the end of ``day`` -> its status then.

    A case's status is the one its last event by then left it in; a case with no later event
    stands as the registry holds it now (so a report as of today equals the registry's counts,
    imported cases without history included). ``changes`` may stop at ``day``.
    """
    until = end_of(day)
    last = {c.case_id: c.to_status for c in changes if c.at <= until}
    result: dict[str, CaseStatus] = {}
    for case in cases:
        if case.case_id not in last and not _registered_by(case, day):
            continue
        current = case.last_change_at is None or case.last_change_at <= until
        result[case.case_id] = case.status if current else last.get(
            case.case_id, CaseStatus.REGISTERED)
    return result


def _registered_by(case: CaseProfile, day: date) -> bool:
    if case.registered_on is not None:
        return case.registered_on <= day
    return case.first_change_at is None or case.first_change_at <= end_of(day)


def _funnel(cases: Sequence[CaseProfile], now: Mapping[str, CaseStatus],
            before: Mapping[str, CaseStatus]) -> tuple[FunnelRow, ...]:
    size = {c.case_id: c.size for c in cases}

    def counts(statuses: Mapping[str, CaseStatus]) -> tuple[Counter[str], Counter[str]]:
        cases_by, persons_by = Counter[str](), Counter[str]()
        for case_id, status in statuses.items():
            cases_by[status] += 1
            persons_by[status] += size[case_id]
        return cases_by, persons_by

    (c_now, p_now), (c_before, p_before) = counts(now), counts(before)
    return tuple(FunnelRow(s, c_now[s], p_now[s], c_now[s] - c_before[s], p_now[s] - p_before[s])
                 for s in CaseStatus)


def _clocks(cases: Sequence[CaseProfile], statuses: Mapping[str, CaseStatus],
            referrals: Sequence[ReferralFact], day: date) -> list[CaseClock]:
    """The clocks screening's deadline rule runs on, as they stood at the end of ``day``
    (the same registration and referral moments the screening store gives)."""
    until = end_of(day)
    refer = {r.case_id: r for r in referrals
             if r.kind == DecisionKind.REFERRED and r.at <= until}
    clocks = []
    for case in cases:
        status = statuses.get(case.case_id)
        if status is None:
            continue
        registered = (datetime.combine(case.registered_on, time()) if case.registered_on
                      else case.first_change_at or datetime(1970, 1, 1))
        referral = refer.get(case.case_id) if status in REFERRAL_STATES else None
        clocks.append(CaseClock(
            case.case_id, status, case.processing_priority, registered,
            (referral.submission_priority or Priority.NORMAL) if referral else None,
            referral.at if referral else None))
    return clocks


def _by_priority(deadlines: Iterable[Deadline]) -> dict[Priority, int]:
    counts = Counter(d.priority for d in deadlines)
    return {p: counts[p] for p in Priority}


def _holders(referrals: Sequence[ReferralFact], until: datetime) -> dict[str, str]:
    """Case -> the state holding its file at ``until`` (referred, not refused or withdrawn)."""
    holder: dict[str, str] = {}
    for fact in referrals:
        if fact.at > until:
            break
        if fact.kind == DecisionKind.REFERRED:
            holder[fact.case_id] = fact.country
        elif fact.kind in (DecisionKind.REFUSED, DecisionKind.WITHDRAWN):
            holder.pop(fact.case_id, None)
    return holder


def _departures(movements: Sequence[MovementFact], size: Mapping[str, int],
                until: datetime) -> dict[tuple[str, str], int]:
    persons: Counter[tuple[str, str]] = Counter()
    for fact in movements:
        if fact.kind == MovementKind.DEPARTED and fact.at <= until:
            persons[(month_of(fact.at), fact.country)] += size.get(fact.case_id, 0)
    return dict(sorted(persons.items()))


def _pledges(pledges: Sequence[Pledge], departures: Mapping[tuple[str, str], int], *,
             statuses: Mapping[str, CaseStatus], holders: Mapping[str, str],
             size: Mapping[str, int], day: date) -> tuple[PledgeRow, ...]:
    made: Counter[str] = Counter()
    for pledge in pledges:
        if pledge.period_start <= day:
            made[pledge.country] += pledge.places_persons
    used: Counter[str] = Counter()
    for (_, country), persons in departures.items():
        used[country] += persons
    reserved: Counter[str] = Counter()
    for case_id, status in statuses.items():
        if status in RESERVING and case_id in holders:
            reserved[holders[case_id]] += size[case_id]
    countries = sorted(set(made) | set(used) | set(reserved))
    return tuple(PledgeRow(c, made[c], used[c], reserved[c]) for c in countries)


def _decisions(referrals: Sequence[ReferralFact], until: datetime) -> tuple[DecisionRow, ...]:
    counts: dict[tuple[str, str], Counter[DecisionKind]] = defaultdict(Counter)
    for fact in referrals:
        if fact.at <= until:
            counts[(month_of(fact.at), fact.country)][fact.kind] += 1
    return tuple(
        DecisionRow(month, country, c[DecisionKind.REFERRED], c[DecisionKind.ACCEPTED],
                    c[DecisionKind.REFUSED], c[DecisionKind.WITHDRAWN])
        for (month, country), c in sorted(counts.items()))


def refusal_reasons(referrals: Iterable[ReferralFact], until: datetime,
                    k: int = K_ANONYMITY) -> dict[str, int]:
    """Refusals by stated reason. A reason given for fewer than k cases is free text that might
    describe one person: it is counted under 'other reasons', never shown."""
    counts = Counter(" ".join(f.reason.split())[:REASON_LENGTH] or "no reason recorded"
                     for f in referrals if f.kind == DecisionKind.REFUSED and f.at <= until)
    shown = {reason: n for reason, n in counts.most_common() if n >= k}
    rest = sum(n for reason, n in counts.items() if reason not in shown)
    return {**shown, OTHER_REASONS: rest} if rest else shown


_COLUMNS = {
    Sex.FEMALE: (PopulationColumn.FEMALE_CHILDREN, PopulationColumn.FEMALE_ADULTS,
                 PopulationColumn.FEMALE_ELDERLY),
    Sex.MALE: (PopulationColumn.MALE_CHILDREN, PopulationColumn.MALE_ADULTS,
               PopulationColumn.MALE_ELDERLY),
}


def _column(sex: Sex, age: int) -> PopulationColumn:
    """UNHCR's broad age groups: children 0-17, adults 18-59, older persons 60+."""
    if sex not in _COLUMNS:
        return PopulationColumn.OTHER_SEX
    return _COLUMNS[sex][(age >= ADULT_AGE) + (age >= ELDERLY_AGE)]


@dataclass
class _People:
    sex: Counter[Sex]
    bands: Counter[str]
    band_sex: Counter[tuple[str, Sex]]
    nationality: Counter[str]
    population: dict[tuple[str, StatusGroup], Counter[PopulationColumn]]


def _people(cases: Sequence[CaseProfile], statuses: Mapping[str, CaseStatus],
            day: date) -> _People:
    people = _People(Counter(), Counter(), Counter(), Counter(), defaultdict(Counter))
    for case in cases:
        status = statuses.get(case.case_id)
        if status is None:
            continue
        group = STATUS_GROUP[status]
        for member in case.members:
            before = (day.month, day.day) < (member.birth_date.month, member.birth_date.day)
            age = max(0, day.year - member.birth_date.year - int(before))
            people.sex[member.sex] += 1
            people.nationality[member.nationality] += 1
            people.bands[age_band(age)] += 1
            people.band_sex[(age_band(age), member.sex)] += 1
            people.population[(member.nationality, group)][_column(member.sex, age)] += 1
    return people


def _row_order(item: tuple[tuple[str, StatusGroup], object]) -> tuple[str, int]:
    (nationality, group), _ = item
    return nationality, list(StatusGroup).index(group)


def compute_aggregates(facts: Facts, *, as_of: date, period_start: date,
                       forecast: ForecastBand | None = None) -> Aggregates:
    """Every aggregate as of the end of ``as_of``; changes count from the end of the day
    before ``period_start``."""
    until = end_of(as_of)
    statuses = statuses_on(facts.cases, facts.changes, as_of)
    before = statuses_on(facts.cases, facts.changes, period_start - timedelta(days=1))
    size = {c.case_id: c.size for c in facts.cases}
    due = list_due(_clocks(facts.cases, statuses, facts.referrals, as_of),
                   facts.targets, as_of)
    departures = _departures(facts.movements, size, until)
    people = _people(facts.cases, statuses, as_of)
    return Aggregates(
        as_of=as_of,
        period_start=period_start,
        funnel=_funnel(facts.cases, statuses, before),
        departures=departures,
        pledges=_pledges(facts.pledges, departures, statuses=statuses,
                         holders=_holders(facts.referrals, until), size=size, day=as_of),
        overdue=_by_priority(due.overdue),
        due_soon=_by_priority(due.due_soon),
        decisions=_decisions(facts.referrals, until),
        refusal_reasons=refusal_reasons(facts.referrals, until),
        persons_by_sex={s: people.sex[s] for s in Sex if people.sex[s]},
        persons_by_age_band={n: people.bands[n] for n, _, _ in AGE_BANDS if people.bands[n]},
        persons_by_nationality=dict(people.nationality.most_common()),
        persons_by_age_sex=dict(people.band_sex),
        population={key: {c: row[c] for c in PopulationColumn}
                    for key, row in sorted(people.population.items(), key=_row_order)},
        forecast=forecast,
    )
