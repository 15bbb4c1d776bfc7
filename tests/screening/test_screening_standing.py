"""case_standing offers exactly what advance_case would accept (#19): at every point of a
random casework history, each status action is either ready (and then taken without error)
or waiting with a reason (and then refused) — never offered and refused, nor withheld and
accepted. Each adult's interview and consent is shown as the workflow counts it."""

from __future__ import annotations

import contextlib
import itertools
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.screening.store import SqlScreeningStore, screening_store
from resettle.core import Category
from resettle.errors import ResettleError
from resettle.screening import service
from resettle.screening.records import Attendee, AttendeeKind, Interview
from resettle.screening.standing import Consent, Heard
from resettle.screening.workflow import Action
from screening_helpers import Clock, family_case, load_cases, private_interview

CASE = "F1"
NUMBERS = itertools.count(1)
ADULTS = ("F1-A1", "F1-A2")
# Casework moves a random officer may make; status steps are taken when ready.
MOVES = st.lists(st.sampled_from(["step", "interview", "group_interview", "consent",
                                  "withdraw", "categories", "step", "step"]),
                 min_size=3, max_size=14)


def agrees(engine: Engine, actor: str, at: datetime, case_id: str = CASE) -> list[Action]:
    """Try every allowed action on a throwaway transaction; compare with the standing."""
    factory = make_session_factory(engine)
    with factory() as session:
        standing = service.case_standing(SqlScreeningStore(session), case_id, actor=actor,
                                         at=at)
        session.rollback()
    for action in (*standing.ready, *standing.waiting):
        if action in (Action.REFER, Action.CLOSE):
            continue  # need a host state or a closure reason, given on their own forms
        with factory() as session:
            try:
                service.advance_case(SqlScreeningStore(session), case_id, action,
                                     actor=actor, reason="check", at=at)
                accepted = True
            except ResettleError:
                accepted = False
            finally:
                session.rollback()
        assert accepted == (action in standing.ready), (action, standing.waiting.get(action))
    return [a for a in standing.ready if a not in (Action.REFER, Action.CLOSE)]


def move(engine: Engine, kind: str, n: int, clock: Clock, *, ready: list[Action],
         case_id: str) -> None:
    adults = (f"{case_id}-A1", f"{case_id}-A2")
    adult = adults[n % 2]
    with screening_store(engine) as store:
        if kind == "step" and ready:
            preferred = [a for a in ready if a not in (Action.HOLD, Action.WITHDRAW)]
            action = (preferred or ready)[n % len(preferred or ready)]
            service.advance_case(store, case_id, action, actor=f"officer-{n % 2}",
                                 reason="move", at=clock.tick())
        elif kind in ("interview", "group_interview"):
            case = store.get_case(case_id)
            interview = private_interview(case, adult, clock.tick(), n) if kind == "interview" \
                else Interview(f"G-{case_id}-{n}", case_id, adult, "officer-a", clock.tick(), "fas",
                               (Attendee(AttendeeKind.CASE_MEMBER, adults[(n + 1) % 2]),))
            service.record_interview(store, interview)
        elif kind in ("consent", "withdraw"):
            record = service.record_consent if kind == "consent" else service.withdraw_consent
            record(store, case_id, adult, recorded_by="officer-a", at=clock.tick())
        elif kind == "categories":
            service.set_categories(store, case_id, primary=Category.LEGAL_PHYSICAL,
                                   secondary=Category.FAMILY_UNITY, actor="officer-a",
                                   reason="move", at=clock.tick())


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(moves=MOVES)
def test_what_is_offered_is_what_is_accepted(engine: Engine, moves: list[str]) -> None:
    case_id = f"R{next(NUMBERS)}"  # a fresh case per example, in the test's one database
    with make_session_factory(engine)() as session:
        load_cases(session, family_case(case_id))
    clock = Clock()
    for n, kind in enumerate(moves):
        ready = agrees(engine, f"officer-{n % 2}", clock.tick(), case_id)
        # a refused record (e.g. once the case is finished) changes nothing
        with contextlib.suppress(ResettleError):
            move(engine, kind, n, clock, ready=ready, case_id=case_id)
    agrees(engine, "officer-a", clock.tick(), case_id)


def test_each_adult_is_shown_as_the_workflow_counts_them(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with factory() as session:
        load_cases(session, family_case(CASE))
    clock = Clock()
    with screening_store(engine) as store:
        case = store.get_case(CASE)
        service.record_interview(store, private_interview(case, ADULTS[0], clock.tick()))
        service.record_interview(store, Interview(
            "G-1", CASE, ADULTS[1], "officer-a", clock.tick(), "fas",
            (Attendee(AttendeeKind.ORGANISATION, "camp committee"),)))
        service.record_consent(store, CASE, ADULTS[0], recorded_by="officer-a",
                               at=clock.tick())
        service.record_consent(store, CASE, ADULTS[1], recorded_by="officer-a",
                               private=False, at=clock.tick())
        standing = service.case_standing(store, CASE, actor="officer-a", at=clock.tick())
    shown = {a.person_id: (a.heard, a.consent) for a in standing.adults}
    assert shown == {ADULTS[0]: (Heard.YES, Consent.GIVEN),
                     ADULTS[1]: (Heard.NOT_PRIVATE, Consent.NOT_PRIVATE)}
    assert "F1-K1" not in shown  # a child is neither interviewed nor asked to consent
    assert standing.missing("heard") == [ADULTS[1]]
    with screening_store(engine) as store:
        service.withdraw_consent(store, CASE, ADULTS[0], recorded_by="officer-a",
                                 at=clock.tick())
        after = service.case_standing(store, CASE, actor="officer-a", at=clock.tick())
    assert {a.person_id: a.consent for a in after.adults}[ADULTS[0]] is Consent.WITHDRAWN
