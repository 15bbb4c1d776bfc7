"""The screening service on SQLite and PostgreSQL: one story per test, through the real store."""

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from resettle.core.person import Relative
from resettle.core.protection import ProtectionSettings
from resettle.core.status import CaseStatus as S
from resettle.errors import (
    ConflictError,
    IllegalTransitionError,
    PermissionDeniedError,
    RefoulementError,
)
from resettle.screening import service
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    Indicators,
    Recommendation,
    ReviewDecision,
)
from resettle.screening.ports import ScreeningSettings
from resettle.screening.workflow import Action
from screening_helpers import Clock, family_case, load_cases, private_interview, run

pytestmark = pytest.mark.db


def to_recognized(engine: Engine, clock: Clock, case_id: str = "F1") -> None:
    def interviews(store):  # type: ignore[no-untyped-def]
        case = store.get_case(case_id)
        for member in case.members:
            if member.is_adult_on(clock.now.date()):
                service.record_interview(store, private_interview(case, member.person_id,
                                                                  clock.tick()))
                service.record_consent(store, case_id, member.person_id,
                                       recorded_by="officer-a", at=clock.tick())

    for action in (Action.ASSESS_NEEDS, Action.SCHEDULE_INTERVIEW):
        run(engine, lambda s, a=action: service.advance_case(s, case_id, a, actor="officer-a",
                                                               reason="ok", at=clock.tick()))
    run(engine, interviews)
    for action in (Action.COMPLETE_INTERVIEWS, Action.ASSESS_CLAIM, Action.RECOGNIZE):
        run(engine, lambda s, a=action: service.advance_case(s, case_id, a, actor="officer-a",
                                                               reason="ok", at=clock.tick()))


def to_ready(engine: Engine, clock: Clock, case_id: str = "F1") -> None:
    to_recognized(engine, clock, case_id)
    run(engine, lambda s: service.advance_case(s, case_id, Action.DRAFT_SUBMISSION,
                                               actor="officer-a", reason="rrf", at=clock.tick()))
    run(engine, lambda s: service.advance_case(s, case_id, Action.RECOMMEND, actor="reviewer-b",
                                               reason="sound", at=clock.tick()))


def test_a_case_goes_from_registration_to_arrival(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    clock = Clock()
    to_ready(engine, clock)
    steps = [(Action.REFER, {"country": "ALB", "submission_priority": "urgent"}),
             (Action.ACCEPT, {}), (Action.PREPARE_DEPARTURE, {}), (Action.DEPART, {}),
             (Action.REPORT_ARRIVAL, {})]
    for action, data in steps:
        run(engine, lambda s, a=action, d=data: service.advance_case(
            s, "F1", a, actor="officer-c", reason="ok", at=clock.tick(), data=d))
    case = run(engine, lambda s: s.get_case("F1"))
    history = run(engine, lambda s: service.case_history(s, "F1"))
    assert case.status == S.ARRIVED
    assert [e.sequence for e in history] == list(range(1, len(history) + 1))
    assert history[-1].to_status == S.ARRIVED
    assert case.version > len({e.at for e in history})  # one bump per change


def test_a_stale_version_is_refused(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    run(engine, lambda s: service.advance_case(s, "F1", Action.ASSESS_NEEDS, actor="a",
                                               reason="ok"))
    with pytest.raises(ConflictError):
        run(engine, lambda s: service.advance_case(s, "F1", Action.SCHEDULE_INTERVIEW,
                                                   actor="a", reason="ok", expected_version=1))
    assert run(engine, lambda s: s.get_case("F1")).status == S.NEEDS_ASSESSED


def test_refused_action_writes_nothing(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    with pytest.raises(IllegalTransitionError, match="allowed actions: assess_needs"):
        run(engine, lambda s: service.advance_case(s, "F1", Action.RECOGNIZE, actor="a",
                                                   reason="x"))
    assert run(engine, lambda s: s.history("F1")) == ()
    assert run(engine, lambda s: s.get_case("F1")).version == 1


def test_declared_and_first_asylum_countries_block_referral(
    session: Session, engine: Engine
) -> None:
    load_cases(session, family_case())
    run(engine, lambda s: s.save_settings(ScreeningSettings(
        protection=ProtectionSettings(first_asylum_country="IRQ"))))
    clock = Clock()
    to_ready(engine, clock)
    run(engine, lambda s: service.declare_no_return(s, "F1", "F1-A2", "TUR", actor="officer-a",
                                                    reason="fears deportation", at=clock.tick()))
    assert run(engine, lambda s: service.no_return_list(s, "F1")) == {"IRN", "IRQ", "TUR"}
    assert run(engine, lambda s: service.person_no_return_list(s, "F1-A1")) == {"IRN", "IRQ"}
    for country in ("IRN", "IRQ", "TUR"):
        with pytest.raises(RefoulementError):
            run(engine, lambda s, c=country: service.advance_case(
                s, "F1", Action.REFER, actor="o", reason="x", at=clock.tick(),
                data={"country": c, "submission_priority": "normal"}))
        with pytest.raises(RefoulementError):
            run(engine, lambda s, c=country: service.check_case_destination(s, "F1", c))


def test_withdrawn_consent_puts_a_referred_case_on_hold(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    clock = Clock()
    to_ready(engine, clock)
    run(engine, lambda s: service.advance_case(
        s, "F1", Action.REFER, actor="o", reason="x", at=clock.tick(),
        data={"country": "ALB", "submission_priority": "normal"}))
    case = run(engine, lambda s: service.withdraw_consent(s, "F1", "F1-A2", recorded_by="o",
                                                          at=clock.tick()))
    assert case.status == S.ON_HOLD
    with pytest.raises(IllegalTransitionError, match="consent"):
        run(engine, lambda s: service.advance_case(s, "F1", Action.RESUME, actor="o",
                                                   reason="x", at=clock.tick()))
    run(engine, lambda s: service.record_consent(s, "F1", "F1-A2", recorded_by="o",
                                                 at=clock.tick()))
    case = run(engine, lambda s: service.advance_case(s, "F1", Action.RESUME, actor="o",
                                                      reason="re-consented", at=clock.tick()))
    assert case.status == S.REFERRED


def test_exclusion_review_is_individual_and_four_eyed(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    clock = Clock()
    to_ready(engine, clock)
    run(engine, lambda s: s.save_settings(ScreeningSettings(triggers=service_triggers())))
    review = run(engine, lambda s: service.open_exclusion_review(
        s, "F1", "F1-A1", actor="officer-a", reason="declared NLA membership", at=clock.tick(),
        indicators=Indicators(armed_units=frozenset({"NLA"}))))
    assert review.triggers == ("armed_unit:NLA",)
    assert run(engine, lambda s: s.get_case("F1")).status == S.EXCLUSION_REVIEW
    assessment = Assessment("assessor-a", clock.tick(), Recommendation.EXCLUDE,
                            acts="ordered executions", clause=Clause.A,
                            individual_responsibility=True, responsibility_reasons="commander",
                            defences="none applicable", proportionality="not applicable")
    run(engine, lambda s: service.assess_exclusion(s, review.review_id, assessment))
    with pytest.raises(PermissionDeniedError):
        run(engine, lambda s: service.review_exclusion(
            s, review.review_id, reviewer="assessor-a", decision=ReviewDecision.CONFIRM,
            reason="self", at=clock.tick()))
    run(engine, lambda s: service.review_exclusion(
        s, review.review_id, reviewer="reviewer-b", decision=ReviewDecision.CONFIRM,
        reason="agree", at=clock.tick()))
    # The family is not excluded with him: he is split off, they go on.
    with pytest.raises(IllegalTransitionError, match="never excluded automatically"):
        run(engine, lambda s: service.advance_case(s, "F1", Action.EXCLUDE, actor="o",
                                                   reason="x", at=clock.tick()))
    source, new = run(engine, lambda s: service.split_case(
        s, "F1", frozenset({"F1-A1"}), new_principal_id="F1-A1",
        remaining_principal_id="F1-A2", actor="o", reason="excluded member", at=clock.tick()))
    assert (source.size, new.size) == (2, 1)
    run(engine, lambda s: service.advance_case(s, new.case_id, Action.EXCLUDE, actor="o",
                                               reason="excluded 1F(a)", at=clock.tick()))
    case = run(engine, lambda s: service.advance_case(s, "F1", Action.CLEAR_EXCLUSION,
                                                      actor="o", reason="none excluded",
                                                      at=clock.tick()))
    assert case.status == S.RECOGNIZED
    excluded = run(engine, lambda s: s.get_case(new.case_id))
    assert excluded.status == S.EXCLUDED
    assert "IRN" in run(engine, lambda s: service.no_return_list(s, new.case_id))
    new_history = run(engine, lambda s: s.history(new.case_id))
    assert new_history[0].data["inherited_from"] == "F1"


def service_triggers():  # type: ignore[no-untyped-def]
    from resettle.screening.exclusion import ASHRAF_TRIGGERS
    return ASHRAF_TRIGGERS


def test_confidential_statements_stay_with_their_author(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    run(engine, lambda s: service.record_statement(s, "F1", "F1-A2", "I want to leave him",
                                                   recorded_by="officer-a"))
    own = run(engine, lambda s: service.read_statements(s, "F1", "F1-A2",
                                                        viewer_person_id="F1-A2"))
    other = run(engine, lambda s: service.read_statements(s, "F1", "F1-A2",
                                                          viewer_person_id="F1-A1"))
    assert [st.text for st in own] == ["I want to leave him"] and other == []
    history = run(engine, lambda s: s.history("F1"))
    assert all("leave" not in e.reason for e in history)


def test_merge_brings_a_found_family_into_one_case(session: Session, engine: Engine) -> None:
    load_cases(session, family_case("F1"), family_case("F2", adults=1, children=0))
    merged = run(engine, lambda s: service.merge_cases(s, "F1", "F2", actor="o",
                                                       reason="brother found"))
    closed = run(engine, lambda s: s.get_case("F2"))
    assert merged.size == 4 == len(merged.members)
    assert closed.status == S.CLOSED and closed.size == 0
    assert run(engine, lambda s: s.history("F2"))[-1].data["target_case"] == "F1"


def test_relatives_traced_feed_placement_ties(session: Session, engine: Engine) -> None:
    load_cases(session, family_case())
    run(engine, lambda s: service.record_relative(
        s, "F1", "F1-A1", Relative("Ali", "brother", "SWE", False), actor="tracing"))
    run(engine, lambda s: service.record_relative(
        s, "F1", "F1-A1", Relative("Ali", "brother", "SWE", True), actor="tracing"))
    case = run(engine, lambda s: s.get_case("F1"))
    assert "SWE" in case.relative_countries
    ali = [r for m in case.members for r in m.relatives if r.name == "Ali"]
    assert ali == [Relative("Ali", "brother", "SWE", True)]


def test_due_lists_put_late_emergencies_first(session: Session, engine: Engine) -> None:
    load_cases(session, family_case("F1"), family_case("F2"))
    run(engine, lambda s: service.set_priority(s, "F2", "emergency", actor="o",
                                               reason="medical"))
    due = run(engine, lambda s: service.list_due(s, date(2012, 8, 20)))
    assert [d.case_id for d in due.overdue][:1] == ["F2"]
