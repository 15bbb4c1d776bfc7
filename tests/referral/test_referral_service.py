"""The referral service on the in-memory stores: each host decision moves the workflow, the
record and the case history never drift, and nobody is separated or sent back silently."""

from __future__ import annotations

from datetime import date

import pytest

from referral_helpers import Clock, make_ready, refer_ready
from resettle.core import CaseStatus
from resettle.core.protection import ProtectionSettings
from resettle.errors import ConflictError, IllegalTransitionError, RefoulementError, ValidationError
from resettle.referral import service
from resettle.referral.agreements import AgreementBook, DataSharingAgreement
from resettle.referral.records import HostDecision, ReferralState
from resettle.screening.ports import ScreeningSettings
from resettle.screening.workflow import refused_by
from resettle.simulation.memory_referrals import MemoryReferralStore
from resettle.simulation.memory_store import MemoryScreeningStore
from screening_helpers import family_case

S = CaseStatus
HOSTS = ("ALB", "DEU", "CAN")


@pytest.fixture
def store() -> MemoryReferralStore:
    screening = MemoryScreeningStore(
        [family_case("F1"), family_case("F2", adults=1, children=0)],
        ScreeningSettings(protection=ProtectionSettings(first_asylum_country="IRQ")))
    referrals = MemoryReferralStore(screening, HOSTS)
    clock = Clock()
    for case_id in ("F1", "F2"):
        make_ready(referrals, case_id, clock)
    return referrals


def status(store: MemoryReferralStore, case_id: str = "F1") -> CaseStatus:
    return store.screening.get_case(case_id).status


def test_refer_writes_one_record_with_the_workflow_step(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    assert status(store) == S.REFERRED and referral.state == ReferralState.PENDING
    refers = [e for e in store.screening.history("F1") if e.action == "refer"]
    assert [e.data["country"] for e in refers] == ["ALB"]
    assert store.referrals_of(["F1"]) == [referral]
    with pytest.raises(ConflictError, match="already with ALB"):
        refer_ready(store, "F1", "DEU")


@pytest.mark.parametrize(("country", "error"), [
    ("IRQ", RefoulementError),  # first asylum, from the stored settings
    ("IRN", RefoulementError),  # nationality
    ("XYZ", ValidationError),  # no such host state
    ("USA", ValidationError),  # a real country that pledged nothing
])
def test_refer_refuses_feared_and_unknown_countries(store: MemoryReferralStore, country: str,
                                                    error: type[Exception]) -> None:
    with pytest.raises(error):
        refer_ready(store, "F1", country)
    assert status(store) == S.READY_FOR_REFERRAL and store.referrals_of(["F1"]) == []


def test_declared_fear_is_refused_and_withdraws_an_open_referral(
        store: MemoryReferralStore) -> None:
    service.declare_no_return(store, "F2", "F2-A1", "DEU", actor="o", reason="fear")
    with pytest.raises(RefoulementError):
        refer_ready(store, "F2", "DEU")
    referral = refer_ready(store, "F1", "ALB")
    service.declare_no_return(store, "F1", "F1-A2", "ALB", actor="o", reason="fear")
    assert status(store) == S.READY_FOR_REFERRAL
    assert store.get_referral(referral.referral_id).state == ReferralState.WITHDRAWN
    with pytest.raises(ConflictError):  # nothing left to decide: the state lost the file
        service.decide_referral(store, referral.referral_id, "accepted", actor="l", reason="")


@pytest.mark.parametrize(("decision", "case_status", "state", "excluded"), [
    (HostDecision.ACCEPTED, S.ACCEPTED, ReferralState.ACCEPTED, False),
    (HostDecision.REFUSED, S.READY_FOR_REFERRAL, ReferralState.REFUSED, True),
    (HostDecision.NOT_CONSIDERED, S.READY_FOR_REFERRAL, ReferralState.NOT_CONSIDERED, True),
    (HostDecision.MORE_INFORMATION, S.MORE_INFORMATION, ReferralState.MORE_INFORMATION, False),
])
def test_each_decision_moves_the_workflow(store: MemoryReferralStore, decision: HostDecision,
                                          case_status: CaseStatus, state: ReferralState,
                                          *, excluded: bool) -> None:
    referral = refer_ready(store, "F1", "ALB")
    decided = service.decide_referral(store, referral.referral_id, decision, actor="liaison",
                                      reason="formal decision")
    assert status(store) == case_status and decided.state == state
    assert decided.decision is not None and decided.decision.decided_by == "liaison"
    assert ("ALB" in refused_by(store.screening.history("F1"))) == excluded
    assert decided.excludes_state == excluded
    if excluded:  # never towards return: placed elsewhere, never again with ALB
        with pytest.raises(IllegalTransitionError, match="already refused"):
            refer_ready(store, "F1", "ALB")
        assert refer_ready(store, "F1", "DEU").country == "DEU"


def test_a_refusal_needs_its_reason(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    with pytest.raises(ValidationError, match="reason"):
        service.decide_referral(store, referral.referral_id, "refused", actor="l", reason=" ")
    assert status(store) == S.REFERRED


def test_more_information_then_sent_then_accepted(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    service.decide_referral(store, referral.referral_id, "more_information", actor="l",
                            reason="medical reports")
    service.provide_information(store, referral.referral_id, actor="o", reason="sent")
    assert status(store) == S.REFERRED
    service.decide_referral(store, referral.referral_id, "accepted", actor="l", reason="")
    assert status(store) == S.ACCEPTED


def test_withdrawal_returns_the_case_and_ends_access(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    withdrawn = service.withdraw_referral(store, referral.referral_id, actor="o",
                                          reason="new information")
    assert status(store) == S.READY_FOR_REFERRAL and not withdrawn.grants_access
    assert withdrawn.withdrawal is not None and withdrawn.withdrawal.reason == "new information"
    with pytest.raises(Exception, match="that you may see"):
        service.get_referral(store, referral.referral_id, viewer_state="ALB")
    assert service.list_referrals(store, viewer_state="ALB") == ([], 0)


def test_a_split_decision_waits_and_can_be_declined(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    with pytest.raises(ValidationError, match="some, not all"):
        service.decide_referral(store, referral.referral_id, "split", actor="l", reason="r",
                                accepted_persons=["F1-A1", "F1-A2", "F1-K1"])
    service.decide_referral(store, referral.referral_id, "split", actor="l",
                            reason="security concern about one member",
                            accepted_persons=["F1-A1"])
    assert status(store) == S.ON_HOLD  # nobody is separated silently
    resolved = service.resolve_split(store, referral.referral_id, split=False, actor="po",
                                     reason="the family stays together")
    assert resolved.referral.state == ReferralState.SPLIT_DECLINED
    assert status(store) == S.READY_FOR_REFERRAL
    assert len(store.screening.get_case("F1").members) == 3


def test_a_split_decision_split_through_the_workflow(store: MemoryReferralStore) -> None:
    referral = refer_ready(store, "F1", "ALB")
    service.decide_referral(store, referral.referral_id, "split", actor="l",
                            reason="one member refused", accepted_persons=["F1-A2", "F1-K1"])
    resolved = service.resolve_split(store, referral.referral_id, split=True, actor="po",
                                     reason="members chose to go")
    assert resolved.accepted_case is not None
    new_id = resolved.accepted_case.case_id
    assert status(store, new_id) == S.ACCEPTED
    assert {m.person_id for m in store.screening.get_case(new_id).members} == {"F1-A2",
                                                                                "F1-K1"}
    assert status(store) == S.READY_FOR_REFERRAL  # the rest go back to placement
    assert [r.state for r in store.referrals_of([new_id])] == [ReferralState.ACCEPTED]


def test_a_host_state_needs_an_agreement_in_force(store: MemoryReferralStore) -> None:
    """A pledging state whose agreement ended (or that has none) is refused with what to do;
    the case stays ready and no record is written."""
    store.save_agreements(AgreementBook((
        DataSharingAgreement("ALB", "1", date(2010, 1, 1), "admission", 365,
                             valid_until=date(2011, 12, 31)),
        DataSharingAgreement("DEU", "1", date(2010, 1, 1), "admission", 365))))
    for country in ("ALB", "CAN"):  # ended in 2011; never agreed
        with pytest.raises(ValidationError) as refused:
            refer_ready(store, "F1", country)
        assert [i.code for i in refused.value.issues] == ["no_agreement"]
        assert "agreements load" in refused.value.issues[0].message
    assert status(store) == S.READY_FOR_REFERRAL and store.referrals_of(["F1"]) == []
    assert refer_ready(store, "F1", "DEU").country == "DEU"
    assert service.configure_agreements(store, store.agreements()) == {"CAN"}
