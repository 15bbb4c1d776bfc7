"""Random sequences of screening actions through the service on the real database.

Hypothesis drives officers who try anything (legal or not) on a few fresh cases; after every
step the invariants must hold: no case a host state holds has an open exclusion review, an
excluded member or an adult without current consent; no destination is on a no-return list;
every second-person decision was taken by a second person; every history is complete and in
order and ends where the case stands; every person is in exactly one case and each case's
size equals its members.

Size: ``RESETTLE_STATEFUL_EXAMPLES`` sequences (default 100) of up to
``RESETTLE_STATEFUL_STEPS`` steps (default 30), on each configured database.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select
from sqlalchemy import event as sa_event

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.tables import PersonRow
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core.case import Case
from resettle.core.protection import ProtectionSettings
from resettle.core.status import CaseStatus as S
from resettle.errors import (
    IllegalTransitionError,
    PermissionDeniedError,
    RefoulementError,
    ValidationError,
)
from resettle.screening import service
from resettle.screening.exclusion import (
    ASHRAF_TRIGGERS,
    Assessment,
    Clause,
    Recommendation,
    ReviewDecision,
)
from resettle.screening.ports import ScreeningSettings
from resettle.screening.records import Attendee, AttendeeKind, Interview
from resettle.screening.workflow import (
    FOUR_EYES,
    REFERRAL_STATES,
    SUBMISSION_STATES,
    Action,
    CaseEvent,
    ClosureReason,
    allowed_actions,
    referral_country,
)
from screening_helpers import Clock, family_case, load_cases, run

EXAMPLES = int(os.environ.get("RESETTLE_STATEFUL_EXAMPLES", "100"))
STEPS = int(os.environ.get("RESETTLE_STATEFUL_STEPS", "30"))
OFFICERS = ("officer-a", "officer-b", "officer-c")
COUNTRIES = ("ALB", "DEU", "CAN", "IRN", "IRQ", "TUR")
# What an officer may be refused for; anything else (a conflict, a crash) fails the test.
REFUSALS = (IllegalTransitionError, PermissionDeniedError, RefoulementError, ValidationError)
_numbers = itertools.count()
# status -> the next action of the happy path and who usually takes it
HAPPY_PATH = {
    S.REGISTERED: (Action.ASSESS_NEEDS, "officer-a"),
    S.NEEDS_ASSESSED: (Action.SCHEDULE_INTERVIEW, "officer-a"),
    S.INTERVIEW_SCHEDULED: (Action.COMPLETE_INTERVIEWS, "officer-a"),
    S.INTERVIEWED: (Action.ASSESS_CLAIM, "officer-a"),
    S.ASSESSED: (Action.RECOGNIZE, "officer-a"),
    S.REJECTED: (Action.LODGE_APPEAL, "officer-a"),
    S.APPEAL: (Action.GRANT_APPEAL, "officer-b"),
    S.RECOGNIZED: (Action.DRAFT_SUBMISSION, "officer-a"),
    S.SUBMISSION_DRAFTED: (Action.RECOMMEND, "officer-b"),
    S.SUBMISSION_REVISE: (Action.REVISE_SUBMISSION, "officer-a"),
    S.NOT_RECOMMENDED: (Action.RECONSIDER, "officer-a"),
    S.EXCLUSION_REVIEW: (Action.CLEAR_EXCLUSION, "officer-a"),
    S.READY_FOR_REFERRAL: (Action.REFER, "officer-c"),
    S.REFERRED: (Action.ACCEPT, "officer-c"),
    S.MORE_INFORMATION: (Action.PROVIDE_INFORMATION, "officer-c"),
    S.ACCEPTED: (Action.PREPARE_DEPARTURE, "officer-c"),
    S.PRE_DEPARTURE: (Action.DEPART, "officer-c"),
    S.DEPARTED: (Action.REPORT_ARRIVAL, "officer-c"),
    S.ON_HOLD: (Action.RESUME, "officer-a"),
}
REACHED: collections.Counter[str] = collections.Counter()  # statuses seen, over all sequences


class ScreeningMachine(RuleBasedStateMachine):
    engine: Engine

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(datetime(2012, 2, 17, 9, 0))
        self.case_ids: list[str] = []
        self.person_ids: set[str] = set()
        self.review_ids: list[str] = []
        self.cases: dict[str, Case] = {}  # as of the last invariant check (after every step)

    @initialize(shapes=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 2)), min_size=2,
                                max_size=3))
    def load(self, shapes: list[tuple[int, int]]) -> None:
        prefix = f"S{os.getpid()}x{next(_numbers)}"
        cases = [family_case(f"{prefix}-{i}", adults, children)
                 for i, (adults, children) in enumerate(shapes)]
        with make_session_factory(self.engine)() as session:
            load_cases(session, *cases)
        self.case_ids = [c.case_id for c in cases]
        self.person_ids = {m.person_id for c in cases for m in c.members}

    def attempt(self, work) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(*REFUSALS):
            run(self.engine, work)

    def member(self, data: st.DataObject, case_id: str) -> str | None:
        case = self.cases[case_id]
        if not case.members:
            return None
        return data.draw(st.sampled_from([m.person_id for m in case.members]))

    # rules -------------------------------------------------------------------------------
    @rule(data=st.data(), actor=st.sampled_from(OFFICERS), country=st.sampled_from(COUNTRIES),
          priority=st.sampled_from(["emergency", "urgent", "normal"]),
          closure=st.sampled_from(list(ClosureReason)))
    def advance(self, data: st.DataObject, actor: str, country: str, priority: str,
                closure: str) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        status = self.cases[case_id].status
        actions = allowed_actions(status)
        if not actions:
            return
        # Mostly forward: side exits (hold, withdraw, close) would end sequences too early.
        side = {Action.HOLD, Action.WITHDRAW, Action.CLOSE}
        forward = [a for a in actions if a not in side] or actions
        action = data.draw(st.sampled_from(forward if data.draw(st.integers(0, 9)) else actions))
        hypothesis_event(f"tried {action} from {status}")
        payload = {"country": country, "submission_priority": priority, "closure": closure}
        self.attempt(lambda s: service.advance_case(
            s, case_id, action, actor=actor, reason="step", at=self.clock.tick(), data=payload))

    @rule(data=st.data(), steps=st.integers(1, 8), country=st.sampled_from(COUNTRIES))
    def push(self, data: st.DataObject, steps: int, country: str) -> None:
        """A diligent team: the next steps of the happy path, prerequisites included."""
        case_id = data.draw(st.sampled_from(self.case_ids))
        for _ in range(steps):
            self.attempt(lambda s: self.next_step(s, case_id, country))

    def next_step(self, store: SqlScreeningStore, case_id: str, country: str) -> None:
        case = store.get_case(case_id)
        if case.status == S.INTERVIEW_SCHEDULED:
            for m in case.members:
                if m.is_adult_on(self.clock.now.date()):
                    interview = Interview(f"I{next(_numbers)}", case_id, m.person_id,
                                          "officer-a", self.clock.tick(), "fas")
                    service.record_interview(store, interview)
                    service.record_consent(store, case_id, m.person_id,
                                           recorded_by="officer-a", at=self.clock.tick())
        if case.status == S.EXCLUSION_REVIEW:
            for review in store.reviews_of(m.person_id for m in case.members):
                if review.is_open:
                    self.conclude(store, review.review_id)
        if case.status == S.RECOGNIZED:
            service.set_categories(store, case_id, primary="LEGAL_PHYSICAL",
                                   secondary="NO_ALTERNATIVE_SOLUTION", actor="officer-a",
                                   reason="assessed", at=self.clock.tick())
        action, actor = HAPPY_PATH.get(case.status, (None, ""))
        if action is not None:
            payload = {"country": country, "submission_priority": "urgent"}
            service.advance_case(store, case_id, action, actor=actor, reason="next",
                                 at=self.clock.tick(), data=payload)

    def conclude(self, store: SqlScreeningStore, review_id: str) -> None:
        if store.get_review(review_id).state == "open":
            service.assess_exclusion(store, review_id, Assessment(
                "officer-a", self.clock.tick(), Recommendation.INCLUDE))
        service.review_exclusion(store, review_id, reviewer="officer-b",
                                 decision=ReviewDecision.CONFIRM, reason="no serious reasons",
                                 at=self.clock.tick())

    @rule(data=st.data(), private=st.booleans())
    def interview_everyone(self, data: st.DataObject, private: bool) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))

        def work(store: SqlScreeningStore) -> None:
            case = store.get_case(case_id)
            for m in case.members:
                present = () if private else (Attendee(AttendeeKind.ORGANISATION),)
                interview = Interview(f"I{next(_numbers)}", case_id, m.person_id, "officer-a",
                                      self.clock.tick(), "fas", present)
                service.record_interview(store, interview)
                service.record_consent(store, case_id, m.person_id, recorded_by="officer-a",
                                       at=self.clock.tick(), private=private)

        self.attempt(work)

    @rule(data=st.data(), given=st.booleans())
    def consent(self, data: st.DataObject, given: bool) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        person = self.member(data, case_id)
        if person is None:
            return
        record = service.record_consent if given else service.withdraw_consent
        self.attempt(lambda s: record(s, case_id, person, recorded_by="officer-b",
                                      at=self.clock.tick()))

    @rule(data=st.data())
    def set_categories(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        self.attempt(lambda s: service.set_categories(
            s, case_id, primary="LEGAL_PHYSICAL", secondary="NO_ALTERNATIVE_SOLUTION",
            actor="officer-a", reason="assessed", at=self.clock.tick()))

    @rule(data=st.data(), country=st.sampled_from(COUNTRIES))
    def declare_no_return(self, data: st.DataObject, country: str) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        person = self.member(data, case_id)
        if person is None:
            return
        self.attempt(lambda s: service.declare_no_return(
            s, case_id, person, country, actor="officer-a", reason="fear", at=self.clock.tick()))

    @rule(data=st.data())
    def open_review(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        person = self.member(data, case_id)
        if person is None:
            return

        def work(store: SqlScreeningStore) -> None:
            review = service.open_exclusion_review(
                store, case_id, person, actor="officer-a", reason="trigger",
                triggers=("armed_unit:NLA",), at=self.clock.tick())
            self.review_ids.append(review.review_id)

        self.attempt(work)

    @precondition(lambda self: bool(self.review_ids))
    @rule(data=st.data(), assessor=st.sampled_from(OFFICERS), exclude=st.booleans())
    def assess(self, data: st.DataObject, assessor: str, exclude: bool) -> None:
        review_id = data.draw(st.sampled_from(self.review_ids))
        assessment = Assessment(
            assessor, self.clock.tick(),
            Recommendation.EXCLUDE if exclude else Recommendation.INCLUDE,
            acts="acts", clause=Clause.A, individual_responsibility=True,
            responsibility_reasons="reasons", defences="none", proportionality="weighed")
        self.attempt(lambda s: service.assess_exclusion(s, review_id, assessment))

    @precondition(lambda self: bool(self.review_ids))
    @rule(data=st.data(), reviewer=st.sampled_from(OFFICERS),
          decision=st.sampled_from(list(ReviewDecision)))
    def review(self, data: st.DataObject, reviewer: str, decision: ReviewDecision) -> None:
        review_id = data.draw(st.sampled_from(self.review_ids))
        self.attempt(lambda s: service.review_exclusion(
            s, review_id, reviewer=reviewer, decision=decision, reason="reviewed",
            at=self.clock.tick()))

    @rule(data=st.data())
    def split(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        case = self.cases[case_id]
        if case.size < 2:
            return
        ids = [m.person_id for m in case.members]
        moved = frozenset(data.draw(st.lists(st.sampled_from(ids), min_size=1,
                                             max_size=len(ids) - 1, unique=True)))
        principal = sorted(moved)[0]
        staying = sorted(set(ids) - moved)[0]

        def work(store: SqlScreeningStore) -> None:
            _, new = service.split_case(
                store, case_id, moved, new_principal_id=principal,
                remaining_principal_id=staying if case.principal_id in moved else None,
                actor="officer-a", reason="want different things", at=self.clock.tick())
            self.case_ids.append(new.case_id)

        self.attempt(work)

    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        target, source = data.draw(st.lists(st.sampled_from(self.case_ids), min_size=2,
                                            max_size=2, unique=True))
        self.attempt(lambda s: service.merge_cases(s, target, source, actor="officer-a",
                                                   reason="family found", at=self.clock.tick()))

    # invariants --------------------------------------------------------------------------
    @invariant()
    def invariants_hold(self) -> None:
        if self.case_ids:
            run(self.engine, self.check)

    def check(self, store: SqlScreeningStore) -> None:
        seen: set[str] = set()
        for case_id in self.case_ids:
            case = self.cases[case_id] = store.get_case(case_id)
            REACHED[case.status] += 1
            ids = [m.person_id for m in case.members]
            assert case.size == len(ids) == len(set(ids))
            assert all(m.case_id == case_id for m in case.members)
            assert not seen & set(ids), "a person is in two cases"
            seen.update(ids)
            stored = store.session.scalars(
                select(PersonRow.person_id).where(PersonRow.case_id == case_id)).all()
            assert sorted(stored) == sorted(ids)
            if case.members:
                assert case.principal_id in ids
            history = store.history(case_id)
            self.check_history(case_id, history, case.status)
            self.check_protection(store, case, history)
        assert seen == self.person_ids, "nobody is lost or added"
        for review_id in self.review_ids:
            review = store.get_review(review_id)
            if review.reviewer:
                assert review.assessment is not None
                assert review.reviewer != review.assessment.assessor, "four eyes"

    def check_history(self, case_id: str, history: tuple[CaseEvent, ...], status: S) -> None:
        assert [e.sequence for e in history] == list(range(1, len(history) + 1))
        assert all(a.at <= b.at for a, b in itertools.pairwise(history))
        current = S.REGISTERED
        for event in history:
            assert event.from_status == current, f"{case_id} history broken at {event}"
            current = event.to_status
            earlier = FOUR_EYES.get(event.action)
            if earlier:
                before = [e for e in history[: event.sequence - 1] if e.action in earlier]
                assert not before or before[-1].actor != event.actor, "four eyes"
        assert current == status

    def check_protection(self, store: SqlScreeningStore, case: Case,
                         history: tuple[CaseEvent, ...]) -> None:
        if case.status not in SUBMISSION_STATES:
            return
        ids = [m.person_id for m in case.members]
        reviews = store.reviews_of(ids)
        assert not [r for r in reviews if r.is_open or r.excluded], "open review or excluded"
        if case.status not in REFERRAL_STATES:
            return
        settings_ = store.settings()
        adults = {m.person_id for m in case.members if m.is_adult_on(self.clock.now.date())}
        # Each adult's last word that counts: a private consent, or any withdrawal.
        latest: dict[str, bool] = {}
        for record in sorted(store.consents_of(ids), key=lambda r: r.at):
            if record.private or not record.given:
                latest[record.person_id] = record.given
        assert all(latest.get(p) for p in adults), "referral without every adult's consent"
        country = referral_country(history)
        assert country not in service.no_return_list(store, case.case_id), "refoulement"
        assert country != settings_.protection.first_asylum_country


def _fast_sqlite(engine: Engine) -> None:
    """Thousands of tiny commits: skip the wait for the disk here (durability is tested
    elsewhere; what is checked here is logic, not the storage)."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        sa_event.listen(engine, "connect",
                        lambda dbapi, _: dbapi.execute("PRAGMA synchronous = OFF"))
    else:
        sa_event.listen(engine, "connect",
                        lambda dbapi, _: dbapi.execute("SET synchronous_commit TO OFF"))


@pytest.mark.slow
def test_random_action_sequences_keep_the_invariants(engine: Engine) -> None:
    _fast_sqlite(engine)
    run(engine, lambda s: s.save_settings(ScreeningSettings(
        protection=ProtectionSettings(first_asylum_country="IRQ"), triggers=ASHRAF_TRIGGERS)))
    ScreeningMachine.engine = engine
    run_state_machine_as_test(ScreeningMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        suppress_health_check=list(HealthCheck)))
    print("statuses seen after a step:", dict(REACHED.most_common()))
