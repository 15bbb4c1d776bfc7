"""From registry statuses to the model's starting point; pledges used and open."""

from __future__ import annotations

from datetime import date

import pytest

from resettle.core.status import CaseStatus as S
from resettle.simulation.operation.params import Stage
from resettle.simulation.operation.ports import (
    CaseSnapshot,
    MemoryOperationStore,
    PledgeSnapshot,
)
from resettle.simulation.operation.snapshot import (
    ENDED,
    GONE,
    STAGE_OF,
    open_pledges,
    read_starting_point,
    starting_point,
)

TODAY = date(2015, 6, 30)


@pytest.mark.parametrize("status", list(S))
def test_every_workflow_status_has_one_place_in_the_model(status: S) -> None:
    assert (status in STAGE_OF) + (status in GONE) + (status in ENDED) == 1


def test_cases_start_where_the_registry_says_with_the_time_already_spent() -> None:
    cases = [
        CaseSnapshot(S.INTERVIEW_SCHEDULED, 3, 2, 12.0, adults_interviewed=1),
        CaseSnapshot(S.REFERRED, 1, 1, 40.0, country="ALB", refused_by=("DEU",)),
        CaseSnapshot(S.ON_HOLD, 1, 1, 5.0, held_from=S.READY_FOR_REFERRAL),
        CaseSnapshot(S.EXCLUSION_REVIEW, 1, 1, 3.0, exclusion_review_open=True),
        CaseSnapshot(S.DEPARTED, 2, 2, 100.0, country="ALB"),
        CaseSnapshot(S.CLOSED, 4, 4, 100.0),
    ]
    point = starting_point(cases, [PledgeSnapshot("ALB", date(2014, 1, 1), date(2016, 12, 31),
                                                  10)], TODAY)
    interview, referred, held, review = point.cases
    assert (interview.stage, interview.adults_to_interview, interview.days_in_stage) == (
        Stage.INTERVIEW, 1, 12.0)
    assert (referred.stage, referred.country, referred.refused_by) == (
        Stage.HOST_DECISION, "ALB", ("DEU",))
    assert (held.stage, held.resume_stage) == (Stage.HOLD, Stage.PLACEMENT)
    assert review.needs_exclusion_review is True
    assert (point.departed_before, point.ended_before, point.persons_waiting) == (2, 4, 6)
    # 10 pledged to Albania, 2 departed and 1 referred there: 7 still open.
    assert [(e.country, e.persons, e.on) for e in point.pledges] == [("ALB", 7, TODAY)]


def test_pledges_are_used_earliest_first_and_lapse_at_their_end() -> None:
    pledges = [
        PledgeSnapshot("ALB", date(2013, 1, 1), date(2013, 12, 31), 100),  # lapsed
        PledgeSnapshot("ALB", date(2015, 1, 1), date(2015, 12, 31), 50),
        PledgeSnapshot("ALB", date(2016, 1, 1), date(2016, 12, 31), 500),  # future
        PledgeSnapshot("DEU", date(2015, 1, 1), date(2015, 12, 31), 30),
    ]
    events = open_pledges(pledges, {"ALB": 120, "DEU": 30}, TODAY)
    # 120 used: 100 from 2013, 20 from 2015; Germany's 30 all used.
    assert [(e.on, e.country, e.persons) for e in events] == [
        (TODAY, "ALB", 30), (date(2016, 1, 1), "ALB", 500)]


def test_the_store_is_read_on_its_latest_activity_by_default() -> None:
    store = MemoryOperationStore((CaseSnapshot(S.REGISTERED, 1, 1, 0.0),), (), TODAY)
    assert read_starting_point(store).as_of == TODAY
    assert read_starting_point(store, date(2016, 1, 1)).as_of == date(2016, 1, 1)
