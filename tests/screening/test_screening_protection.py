"""Non-refoulement with declared countries: no path refers a case to any member's list."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.core import Case, Person, Sex
from resettle.core.protection import (
    ProtectionSettings,
    check_destination,
    no_return_countries,
    person_no_return_countries,
)
from resettle.core.status import CaseStatus
from resettle.errors import RefoulementError
from resettle.screening.workflow import (
    REFERRAL_STATES,
    TRANSITIONS,
    Action,
    ActionRequest,
    CaseFacts,
    plan_transition,
)

COUNTRIES = ["IRN", "IRQ", "ALB", "DEU", "SYR", "CAN", "TUR"]


def make_case(nationalities: list[str]) -> Case:
    members = tuple(Person(f"P{i}", "C1", "A", "B", Sex.MALE, date(1970, 1, 1), nat)
                    for i, nat in enumerate(nationalities))
    return Case("C1", "P0", members)


@given(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3),
       st.dictionaries(st.sampled_from(["P0", "P1", "P2"]),
                       st.lists(st.sampled_from(COUNTRIES), max_size=2), max_size=3),
       st.one_of(st.none(), st.sampled_from(COUNTRIES)), st.sampled_from(COUNTRIES))
def test_declared_countries_join_every_list(
    nationalities: list[str], declared: dict[str, list[str]], first_asylum: str | None,
    destination: str,
) -> None:
    case = make_case(nationalities)
    settings = ProtectionSettings(first_asylum_country=first_asylum)
    members = {m.person_id for m in case.members}
    forbidden = set(nationalities) | {c for p, cs in declared.items() if p in members for c in cs}
    forbidden |= {first_asylum} if first_asylum else set()
    assert no_return_countries(case, settings, declared) == forbidden
    for member in case.members:
        own = person_no_return_countries(member, settings, declared.get(member.person_id, ()))
        assert own <= forbidden and member.nationality in own
    if destination in forbidden:
        with pytest.raises(RefoulementError):
            check_destination(case, destination, settings, declared)
    else:
        check_destination(case, destination, settings, declared)


@given(st.sampled_from(COUNTRIES), st.frozensets(st.sampled_from(COUNTRIES), min_size=1))
def test_the_machine_never_enters_a_referral_towards_a_no_return_country(
    country: str, no_return: frozenset[str]
) -> None:
    facts = CaseFacts(no_return=no_return)
    request = ActionRequest(Action.REFER, "o", datetime(2013, 1, 1), "r",
                            {"country": country, "submission_priority": "urgent"})
    if country in no_return:
        with pytest.raises(RefoulementError):
            plan_transition(CaseStatus.READY_FOR_REFERRAL, facts, request)
    else:
        assert plan_transition(CaseStatus.READY_FOR_REFERRAL, facts, request) in REFERRAL_STATES


def test_no_action_leads_from_a_host_answer_back_before_recognition() -> None:
    early = {CaseStatus.REGISTERED, CaseStatus.NEEDS_ASSESSED, CaseStatus.INTERVIEW_SCHEDULED,
             CaseStatus.INTERVIEWED, CaseStatus.ASSESSED, CaseStatus.REJECTED,
             CaseStatus.APPEAL}
    for sources, target in TRANSITIONS.values():
        if sources & REFERRAL_STATES and target is not None:
            assert target not in early


def test_an_excluded_persons_list_is_unchanged() -> None:
    case = replace(make_case(["IRN"]), status=CaseStatus.EXCLUDED)
    assert "IRN" in no_return_countries(case, ProtectionSettings())
