"""Aggregates against counts worked out by hand (reporting_world's docstring tells the story)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reporting_world import world
from resettle.core import CaseStatus, Priority, Sex
from resettle.errors import ValidationError
from resettle.reporting.aggregates import OTHER_REASONS, refusal_reasons
from resettle.reporting.memory import MemoryReportingStore
from resettle.reporting.records import (
    DecisionRow,
    PledgeRow,
    PopulationColumn,
    StatusGroup,
)
from resettle.reporting.service import build_aggregates, parse_month
from resettle.screening.deadlines import DeadlineTargets

S = CaseStatus


@pytest.fixture
def store() -> MemoryReportingStore:
    cases, events, pledges = world()
    return MemoryReportingStore(cases, events, pledges)


def nonzero(funnel: dict[CaseStatus, int]) -> dict[CaseStatus, int]:
    return {s: n for s, n in funnel.items() if n}


def test_april_2013_sees_only_what_was_known_then(store: MemoryReportingStore) -> None:
    a = build_aggregates(store, date(2013, 4, 30))
    # CHARLIE is registered in June: not there yet. DELTA has no history: as imported.
    assert nonzero(a.funnel_counts()) == {S.ACCEPTED: 1, S.READY_FOR_REFERRAL: 1, S.CLOSED: 1}
    assert a.persons == 4
    change = {r.status: r.cases_change for r in a.funnel if r.cases_change}
    assert change == {S.REFERRED: -2, S.ACCEPTED: 1, S.READY_FOR_REFERRAL: 1}
    assert a.departures == {}
    assert a.pledges == (PledgeRow("ALB", 10, 0, 2), PledgeRow("DEU", 5, 0, 0))
    # ALPHA was referred as urgent on 5 March: 42 days to departure, due 16 April.
    assert a.overdue == {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.NORMAL: 0}


def test_june_2013(store: MemoryReportingStore) -> None:
    a = build_aggregates(store, date(2013, 6, 30))
    assert nonzero(a.funnel_counts()) == {S.DEPARTED: 1, S.ACCEPTED: 1, S.REGISTERED: 1,
                                          S.CLOSED: 1}
    assert (a.cases, a.persons, a.persons_departed) == (4, 7, 2)
    assert a.departures == {("2013-05", "ALB"): 2}
    # BRAVO's accepted place is ALB's now (DEU refused it); USA pledged from July only.
    assert a.pledges == (PledgeRow("ALB", 10, 2, 1), PledgeRow("DEU", 5, 0, 0))
    assert a.pledges[0].open == 7
    # CHARLIE: emergency, 3 days from registration on 20 June.
    assert a.overdue == {Priority.EMERGENCY: 1, Priority.URGENT: 0, Priority.NORMAL: 0}
    assert a.decisions == (
        DecisionRow("2013-03", "ALB", 1, 0, 0, 0), DecisionRow("2013-03", "DEU", 1, 0, 0, 0),
        DecisionRow("2013-04", "ALB", 0, 1, 0, 0), DecisionRow("2013-04", "DEU", 0, 0, 1, 0),
        DecisionRow("2013-05", "ALB", 1, 0, 0, 0), DecisionRow("2013-06", "ALB", 0, 1, 0, 0))
    assert a.persons_by_sex == {Sex.FEMALE: 3, Sex.MALE: 4}
    assert a.population[("IRN", StatusGroup.DEPARTED)][PopulationColumn.FEMALE_ADULTS] == 1
    assert a.population[("IRN", StatusGroup.SCREENING)][PopulationColumn.FEMALE_CHILDREN] == 1


def test_refusal_reasons_come_from_the_event_and_rare_ones_are_grouped(
        store: MemoryReportingStore) -> None:
    until = date(2013, 6, 30)
    a = build_aggregates(store, until)
    assert a.refusal_reasons == {OTHER_REASONS: 1}  # one case: never quoted
    moment = datetime(2013, 6, 30, 23)
    assert refusal_reasons(store.referral_facts(moment), moment, k=1) == {
        "security vetting": 1}


def test_a_report_as_of_today_equals_the_registry() -> None:
    cases, events, pledges = world()
    a = build_aggregates(MemoryReportingStore(cases, events, pledges), date(2026, 1, 1))
    assert nonzero(a.funnel_counts()) == {c.status: 1 for c in cases}
    assert a.persons == sum(c.size for c in cases)


def test_deadlines_follow_the_operation_settings() -> None:
    cases, events, pledges = world()
    targets = DeadlineTargets(submission_days={Priority.EMERGENCY: 7, Priority.URGENT: 60,
                                               Priority.NORMAL: 365})
    a = build_aggregates(MemoryReportingStore(cases, events, pledges, targets), date(2013, 4, 30))
    assert a.overdue[Priority.URGENT] == 0  # 60 days from 5 March: not yet


def test_a_month_is_parsed_or_refused_clearly() -> None:
    assert parse_month("2016-02") == (date(2016, 2, 1), date(2016, 2, 29))
    with pytest.raises(ValidationError, match="YYYY-MM"):
        parse_month("June 2016")
