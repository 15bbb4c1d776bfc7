"""Work queues: each role's kinds of work, counted from the records' day, on a small Ashraf
scenario in the database (SQLite, and PostgreSQL when configured); the queues, the dashboard and
`resettle case due` agree on what is overdue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from typer.testing import CliRunner

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.main import app as cli
from resettle.adapters.cli.scenario import make_ashraf
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.reporting.queue_store import SqlQueueStore
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.simulation.scenario_store import SqlScenarioStore, mark_records_as_of
from resettle.adapters.web.reporting.dashboard import dashboard_figures
from resettle.core import CaseStatus, Pledge, Priority
from resettle.reporting.queue import (
    Kind,
    QueueStore,
    ReferralWaiting,
    ReviewWaiting,
    RunWaiting,
    expiring_pledges,
    kinds_for,
    work_queue,
)
from resettle.screening import service as screening
from resettle.screening.deadlines import CaseClock, DeadlineTargets, deadline_day
from resettle.security.policy import Principal, Role
from resettle.simulation.service import store_scenario

TODAY = date(2026, 12, 7)  # the calendar, long after the scenario's day
AS_OF = DEMO_CONFIG.as_of
SMALL = replace(DEMO_CONFIG, population=400)


def who(role: Role, state: str | None = None) -> Principal:
    return Principal(1, role.value, role, state)


@pytest.fixture
def ashraf(engine: Engine) -> Engine:
    scenario = make_ashraf(2011, SMALL)
    with make_session_factory(engine).begin() as session:
        store_scenario(SqlScenarioStore(session), batch=scenario.batch,
                       history=scenario.history)
        mark_records_as_of(session, scenario.as_of)
    return engine


def test_deadlines_count_from_the_scenarios_day_and_agree_everywhere(
        ashraf: Engine, database_url: str) -> None:
    with make_session_factory(ashraf)() as session:
        store = SqlScreeningStore(session)
        day = screening.due_day(store, TODAY)
        due = screening.list_due(store, day)
        open_cases = sum(n for s, n in store.count_by_status().items()
                         if s not in (CaseStatus.DEPARTED, CaseStatus.ARRIVED,
                                      CaseStatus.CLOSED, CaseStatus.WITHDRAWN,
                                      CaseStatus.EXCLUDED))
        board = dashboard_figures(session, today=TODAY)
        queues = {role: work_queue(SqlQueueStore(session), who(role), TODAY) for role in Role}
    assert day == AS_OF
    # the demo does not call everything overdue: counted on the calendar day, it would
    assert 0 < len(due.overdue) < open_cases
    assert sum(n for _, n in board.overdue) == len(due.overdue)
    late = {Kind.OVERDUE, Kind.REFERRALS_OVERDUE, Kind.DEPARTURES_OVERDUE}
    shown = {s.kind: s.total for q in queues.values() for s in q.sections if s.kind in late}
    assert sum(shown.values()) == len(due.overdue)
    # ...and `resettle case due` without --today says the same, on the same day
    printed = CliRunner().invoke(cli, ["case", "due", "--limit", "1",
                                       "--database-url", database_url], env={"COLUMNS": "200"})
    assert printed.exit_code == 0, printed.output
    assert f"overdue: {len(due.overdue)} case(s)" in printed.output
    assert "30 June 2015" in printed.output
    assert all(q.day == AS_OF and q.counted_from_records for q in queues.values())


def test_each_role_has_its_own_kinds_of_work(ashraf: Engine) -> None:
    with make_session_factory(ashraf)() as session:
        store = SqlQueueStore(session)
        reviews = store.reviews_waiting()
        referrals = store.referrals_waiting(None)
        queues = {role: work_queue(store, who(role, "ALB" if role == Role.HOST_STATE_LIAISON
                                              else None), TODAY) for role in Role}
        other_state = work_queue(store, who(Role.HOST_STATE_LIAISON, "ZZZ"), TODAY)
    kinds = {role: {s.kind for s in q.sections} for role, q in queues.items()}
    assert kinds[Role.ADMINISTRATOR] == kinds[Role.AUDITOR] == set()
    assert kinds[Role.EXCLUSION_REVIEWER] == {Kind.TO_ASSESS, Kind.SECOND_REVIEW}
    assert Kind.NEW_REFERRALS in kinds[Role.HOST_STATE_LIAISON]
    assert Kind.OVERDUE not in kinds[Role.HOST_STATE_LIAISON]
    assert {Kind.MORE_INFORMATION, Kind.SPLIT_DECISIONS} <= kinds[Role.PROTECTION_OFFICER]
    assert {Kind.RUNS_TO_DECIDE, Kind.PLEDGES_EXPIRING} <= kinds[Role.PLACEMENT_OFFICER]
    assert Kind.DEPARTURES_OVERDUE in kinds[Role.MOVEMENT_OFFICER]

    def total(role: Role, kind: Kind) -> int:
        return next(s.total for s in queues[role].sections if s.kind == kind)

    assert total(Role.EXCLUSION_REVIEWER, Kind.SECOND_REVIEW) == sum(r.assessed for r in reviews)
    assert total(Role.EXCLUSION_REVIEWER, Kind.TO_ASSESS) == sum(not r.assessed for r in reviews)
    assert total(Role.HOST_STATE_LIAISON, Kind.NEW_REFERRALS) == sum(
        r.state == "pending" and r.country == "ALB" for r in referrals) > 0
    assert total(Role.PROTECTION_OFFICER, Kind.MORE_INFORMATION) == sum(
        r.state == "more_information" for r in referrals)
    assert other_state.total == 0  # a state sees its own referrals only


@dataclass
class FakeStore:
    """Just enough of a QueueStore to check the rules without a database."""

    clocks: list[CaseClock] = field(default_factory=list)
    latest: date | None = None
    reviews: list[ReviewWaiting] = field(default_factory=list)
    referrals: list[ReferralWaiting] = field(default_factory=list)
    runs: list[RunWaiting] = field(default_factory=list)
    pledge_list: list[Pledge] = field(default_factory=list)
    targets: DeadlineTargets = field(default_factory=DeadlineTargets)

    def case_clocks(self) -> Sequence[CaseClock]:
        return self.clocks

    def deadline_targets(self) -> DeadlineTargets:
        return self.targets

    def latest_activity_day(self) -> date | None:
        return self.latest

    def reviews_waiting(self) -> Sequence[ReviewWaiting]:
        return self.reviews

    def referrals_waiting(self, state: str | None) -> Sequence[ReferralWaiting]:
        return [r for r in self.referrals if state is None or r.country == state]

    def runs_waiting(self) -> Sequence[RunWaiting]:
        return self.runs

    def pledges(self) -> Sequence[Pledge]:
        return self.pledge_list


def test_runs_pledges_and_deadlines_in_order() -> None:
    day = date(2024, 5, 1)
    store: QueueStore = FakeStore(
        clocks=[CaseClock("N", CaseStatus.REGISTERED, Priority.NORMAL, datetime(2023, 1, 1)),
                CaseClock("E", CaseStatus.REGISTERED, Priority.EMERGENCY, datetime(2024, 4, 1)),
                CaseClock("S", CaseStatus.ASSESSED, Priority.URGENT, datetime(2024, 4, 20))],
        latest=day,
        runs=[RunWaiting("r1", "May", datetime(2024, 4, 30), 10, 4),
              RunWaiting("r0", "April", datetime(2024, 4, 1), 10, 0)],
        pledge_list=[Pledge("P-soon", "ALB", date(2024, 1, 1), date(2024, 5, 20), 30),
                     Pledge("P-later", "DEU", date(2024, 1, 1), date(2024, 12, 31), 30),
                     Pledge("P-past", "USA", date(2023, 1, 1), date(2024, 4, 30), 30)])
    officer = work_queue(store, who(Role.PROTECTION_OFFICER), day)
    sections = {s.kind: s for s in officer.sections}
    assert [i.ref for i in sections[Kind.OVERDUE].items] == ["E", "N"]  # emergency first
    assert [i.ref for i in sections[Kind.DUE_SOON].items] == []
    assert officer.day == day and not officer.counted_from_records
    placement = {s.kind: s for s in work_queue(store, who(Role.PLACEMENT_OFFICER), day).sections}
    assert [i.ref for i in placement[Kind.RUNS_TO_DECIDE].items] == ["r1"]
    assert placement[Kind.RUNS_TO_DECIDE].items[0].count == 4
    assert [i.ref for i in placement[Kind.PLEDGES_EXPIRING].items] == ["P-soon"]
    assert expiring_pledges(store.pledges(), day, within_days=400)[0].ref == "P-soon"


def test_roles_without_work_have_no_queue() -> None:
    idle = (Role.AUDITOR, Role.ADMINISTRATOR, Role.ANALYST)  # no case work: aggregates only
    assert all(kinds_for(who(role)) == () for role in idle)
    assert all(kinds_for(who(role)) for role in Role if role not in idle)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1))


@given(latest=st.none() | days, clock=days, snapshot=st.none() | days)
def test_deadline_day_never_runs_ahead_of_the_clock(latest: date | None, clock: date,
                                                    snapshot: date | None) -> None:
    day = deadline_day(latest, clock, snapshot)
    assert day <= clock
    assert day in {clock, latest, snapshot}
    if snapshot is None and latest is not None and latest >= clock - timedelta(days=29):
        assert day == clock  # a live operation: the calendar
    if snapshot is not None and snapshot < clock:
        assert day == snapshot


def test_the_shown_items_are_capped_but_the_count_is_not() -> None:
    clocks = [CaseClock(f"C{n:03}", CaseStatus.REGISTERED, Priority.NORMAL, datetime(2020, 1, 1))
              for n in range(25)]
    queue = work_queue(FakeStore(clocks=clocks, latest=date(2021, 1, 1)),
                       who(Role.REGISTRATION_OFFICER), date(2021, 1, 5), shown=10)
    overdue = next(s for s in queue.sections if s.kind == Kind.OVERDUE)
    assert overdue.total == 25 and len(overdue.items) == 10 and overdue.urgent
    assert not re.search(r"\D", str(queue.total))
