"""The referral service: the one place the web app, the CLI and the simulation refer cases,
record host-state decisions, withdraw referrals and resolve split decisions.

Every function takes a :class:`~resettle.referral.ports.ReferralStore` (one unit of work that
holds the screening store of the same transaction) and moves the case through screening's
workflow, which checks its rules (status, every adult's consent, non-refoulement, a state that
refused): the referral record and the workflow step are written together, or neither is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.membership import Survivors, non_member_issue
from resettle.core.status import CaseStatus
from resettle.errors import ConflictError, NotFoundError, ValidationError
from resettle.referral.agreements import AgreementBook
from resettle.referral.dossier import Dossier, build_dossier, dossier_digest
from resettle.referral.ports import ReferralStore
from resettle.referral.records import (
    FILTER_STATES,
    NEEDS_REASON,
    STATE_OF_DECISION,
    DecisionRecord,
    HostDecision,
    Referral,
    ReferralFilter,
    ReferralState,
    Withdrawal,
    state_may_see,
)
from resettle.screening import service as screening
from resettle.screening.records import consenting_persons
from resettle.screening.workflow import Action

# The workflow step each host answer takes. A split decision holds the case: a protection
# officer decides (split it through the workflow, or decline); nobody is separated silently.
STEP_OF_DECISION = {
    HostDecision.ACCEPTED: Action.ACCEPT,
    HostDecision.REFUSED: Action.REFUSE,
    HostDecision.NOT_CONSIDERED: Action.REFUSE,
    HostDecision.MORE_INFORMATION: Action.REQUEST_INFORMATION,
    HostDecision.SPLIT: Action.HOLD,
}
DECIDABLE = frozenset({ReferralState.PENDING, ReferralState.MORE_INFORMATION})
WITHDRAWABLE = frozenset({ReferralState.PENDING, ReferralState.MORE_INFORMATION,
                          ReferralState.ACCEPTED})


def refer_case(
    store: ReferralStore, case_id: str, country: str, *, actor: str, reason: str,
    submission_priority: str, at: datetime | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Refer a case to a configured host state; the workflow checks status, consent and
    non-refoulement. Raises the error that says what to do instead."""
    at = at or screening.utc_now()
    country = country.strip().upper()
    # Non-refoulement first: a feared country is refused as such, host state or not.
    screening.check_case_destination(store.screening, case_id, country)
    if country not in store.host_states():
        known = ", ".join(sorted(store.host_states())) or "none configured"
        raise ValidationError([Issue(
            "unknown_host_state", f"{country or 'no country'} is not a host state of this "
            f"operation (host states: {known}); refer to one of them", field="country",
            record=case_id)])
    _check_agreement(store, case_id, country, at.date())
    current = [r for r in store.referrals_of([case_id]) if r.is_open]
    if current:
        raise ConflictError(f"case {case_id} is already with {current[-1].country} (referral "
                            f"{current[-1].referral_id}); withdraw that referral first")
    screening.advance_case(store.screening, case_id, Action.REFER, actor=actor, reason=reason,
                           at=at, expected_version=expected_version,
                           data={"country": country,
                                 "submission_priority": submission_priority})
    return store.add_referral(Referral(0, case_id, country, at, actor,
                                       submission_priority=submission_priority))


def _check_agreement(store: ReferralStore, case_id: str, country: str, on: date) -> None:
    """A host state may be referred to only while a data-sharing agreement with it is in
    force: without one, nothing of the case could be shared with it."""
    try:
        store.agreements().in_force(country, on)
    except NotFoundError as missing:
        raise ValidationError([Issue(
            "no_agreement", f"{missing.message} (load it with `resettle referral agreements "
            "load FILE`)", field="country", record=case_id)]) from None


def configure_agreements(store: ReferralStore, book: AgreementBook) -> frozenset[str]:
    """Store the operation's agreements (replacing those stored); returns the host states
    that have no agreement in the book, to which no case can then be referred."""
    store.save_agreements(book)
    return store.host_states() - book.states


def decide_referral(
    store: ReferralStore, referral_id: int, decision: HostDecision | str, *, actor: str,
    reason: str, at: datetime | None = None, accepted_persons: Iterable[str] = (),
) -> Referral:
    """A host state's answer, moving the workflow: accepted → accepted; refused or not
    considered → ready for referral again, that state excluded; more information → more
    information (not a refusal); split → on hold for a protection officer."""
    at = at or screening.utc_now()
    decision = _decision(decision)
    referral = store.get_referral(referral_id)
    case = store.screening.get_case(referral.case_id)
    accepted = frozenset(accepted_persons)
    _check_decision(referral, case, decision, reason, accepted,
                    survivors=store.screening.survivors)
    if decision not in (HostDecision.REFUSED, HostDecision.NOT_CONSIDERED):
        # Non-refoulement: a fear declared since the referral makes any answer but "no" moot.
        screening.check_case_destination(store.screening, case.case_id, referral.country)
    data = {"country": referral.country, "decision": str(decision)}
    if accepted:
        data["persons"] = ",".join(sorted(accepted))
    if not (decision == HostDecision.MORE_INFORMATION
            and case.status == CaseStatus.MORE_INFORMATION):  # asked again: no new step
        screening.advance_case(store.screening, case.case_id, STEP_OF_DECISION[decision],
                               actor=actor, at=at, data=data,
                               reason=reason.strip() or f"{referral.country}: {decision}")
    decided = replace(referral, state=STATE_OF_DECISION[decision], decision=DecisionRecord(
        decision, reason.strip(), actor, at, accepted))
    store.save_referral(decided)
    return decided


def _decision(value: HostDecision | str) -> HostDecision:
    if not str(value).strip():
        raise ValidationError([Issue("missing_value", "choose the host state's answer: "
                                     f"{', '.join(HostDecision)}", field="decision")])
    try:
        return HostDecision(value)
    except ValueError:
        raise ValidationError([Issue("bad_value", "the decision is one of "
                                     f"{', '.join(HostDecision)}", field="decision")]) from None


def _check_decision(referral: Referral, case: Case, decision: HostDecision, reason: str,
                    accepted: frozenset[str], *, survivors: Survivors) -> None:
    if referral.state not in DECIDABLE:
        raise ConflictError(f"referral {referral.referral_id} is {referral.state}; only a "
                            "referral waiting for the host state's answer can be decided")
    found: list[Issue] = []
    if decision in NEEDS_REASON and not reason.strip():
        found.append(Issue("missing_value", f"give the reason for '{decision}' (the host "
                           "state's formal decision or request)", field="reason"))
    members = {m.person_id for m in case.members}
    if decision == HostDecision.SPLIT:
        if not accepted or not accepted < members:
            found.append(Issue("bad_value", "a split decision names the members accepted: "
                               "some, not all, of the case's members", field="accepted_persons"))
        if issue := non_member_issue(case, accepted, survivors, field="accepted_persons"):
            found.append(issue)
    elif accepted:
        found.append(Issue("bad_value", "only a split decision names accepted members",
                           field="accepted_persons"))
    if found:
        raise ValidationError(found)


def provide_information(store: ReferralStore, referral_id: int, *, actor: str, reason: str,
                        at: datetime | None = None) -> Referral:
    """The information the host state asked for was sent: the referral waits again."""
    referral = store.get_referral(referral_id)
    if referral.state != ReferralState.MORE_INFORMATION:
        raise ConflictError(f"referral {referral_id} is {referral.state}: no information was "
                            "asked for")
    screening.advance_case(store.screening, referral.case_id, Action.PROVIDE_INFORMATION,
                           actor=actor, reason=reason, at=at,
                           data={"country": referral.country})
    updated = replace(referral, state=ReferralState.PENDING)
    store.save_referral(updated)
    return updated


def withdraw_referral(store: ReferralStore, referral_id: int, *, actor: str, reason: str,
                      at: datetime | None = None) -> Referral:
    """The operation takes the file back: the case is ready for referral again and the state
    loses access to it from now on (its past decisions stay in the audit trail)."""
    at = at or screening.utc_now()
    referral = store.get_referral(referral_id)
    if referral.state not in WITHDRAWABLE:
        raise ConflictError(f"referral {referral_id} is {referral.state}; it cannot be "
                            "withdrawn (a split decision is resolved by a protection officer)")
    screening.advance_case(store.screening, referral.case_id, Action.WITHDRAW_REFERRAL,
                           actor=actor, reason=reason, at=at,
                           data={"country": referral.country})
    withdrawn = replace(referral, state=ReferralState.WITHDRAWN,
                        withdrawal=Withdrawal(reason.strip(), actor, at))
    store.save_referral(withdrawn)
    return withdrawn


def declare_no_return(store: ReferralStore, case_id: str, person_id: str, country: str, *,
                      actor: str, reason: str, at: datetime | None = None,
                      expected_version: int | None = None) -> Case:
    """A member's fear of return, through screening; a referral to that country is then
    withdrawn by the workflow, and its record with it (same unit of work)."""
    at = at or screening.utc_now()
    case = screening.declare_no_return(store.screening, case_id, person_id, country,
                                       actor=actor, reason=reason, at=at,
                                       expected_version=expected_version)
    if case.status != CaseStatus.READY_FOR_REFERRAL:
        return case  # the workflow withdrew no referral
    for referral in store.referrals_of([case_id]):
        if referral.country == country and referral.state in WITHDRAWABLE:
            store.save_referral(replace(referral, state=ReferralState.WITHDRAWN, withdrawal=(
                Withdrawal("the host state is now on a member's no-return list", actor, at))))
    return case


@dataclass(frozen=True)
class SplitResolution:
    referral: Referral
    accepted_case: Case | None  # the new case of the members the state accepted, if split


def resolve_split(store: ReferralStore, referral_id: int, *, split: bool, actor: str,
                  reason: str, at: datetime | None = None) -> SplitResolution:
    """A protection officer's decision on a split decision: split the case (the accepted
    members form a new, accepted case; the others return to placement, that state excluded
    for them), or decline (the family stays together; that state is excluded)."""
    at = at or screening.utc_now()
    referral = store.get_referral(referral_id)
    if referral.state != ReferralState.SPLIT or referral.decision is None:
        raise ConflictError(f"referral {referral_id} is {referral.state}: there is no split "
                            "decision to resolve")
    data = {"country": referral.country, "decision": "split_declined"}
    if not split:
        _resume_and_refuse(store, referral.case_id, actor=actor, reason=reason, at=at, data=data)
        resolved = replace(referral, state=ReferralState.SPLIT_DECLINED, resolved_by=actor)
        store.save_referral(resolved)
        return SplitResolution(resolved, None)
    accepted = referral.decision.accepted_persons
    case = store.screening.get_case(referral.case_id)
    new_principal, remaining_principal = _principals(case, accepted)
    kept, new = screening.split_case(
        store.screening, case.case_id, accepted, actor=actor, at=at,
        reason=f"split after {referral.country}'s split decision: {reason}",
        new_principal_id=new_principal, remaining_principal_id=remaining_principal)
    screening.advance_case(store.screening, new.case_id, Action.RESUME, actor=actor, at=at,
                           reason=reason)
    new = screening.advance_case(store.screening, new.case_id, Action.ACCEPT, actor=actor,
                                 at=at, reason=referral.decision.reason,
                                 data={"country": referral.country, "decision": "accepted"})
    store.add_referral(replace(referral, referral_id=0, case_id=new.case_id,
                               state=ReferralState.ACCEPTED, resolved_by=actor))
    _resume_and_refuse(store, kept.case_id, actor=actor, reason=reason, at=at,
                       data={**data, "decision": "split_not_accepted"})
    resolved = replace(referral, state=ReferralState.REFUSED, resolved_by=actor)
    store.save_referral(resolved)
    return SplitResolution(resolved, new)


def _resume_and_refuse(store: ReferralStore, case_id: str, *, actor: str, reason: str,
                       at: datetime, data: Mapping[str, str]) -> None:
    screening.advance_case(store.screening, case_id, Action.RESUME, actor=actor, at=at,
                           reason=reason)
    screening.advance_case(store.screening, case_id, Action.REFUSE, actor=actor, at=at,
                           reason=reason, data=data)


def _principals(case: Case, accepted: frozenset[str]) -> tuple[str, str | None]:
    """The accepted part keeps the principal applicant if among them, else its eldest."""
    def eldest(ids: Iterable[str]) -> str:
        members = [m for m in case.members if m.person_id in set(ids)]
        return min(members, key=lambda m: (m.birth_date, m.person_id)).person_id

    rest = frozenset(m.person_id for m in case.members) - accepted
    if case.principal_id in accepted:
        return case.principal_id, eldest(rest)
    return eldest(accepted), None


def get_referral(store: ReferralStore, referral_id: int, *,
                 viewer_state: str | None = None) -> Referral:
    """The referral; for a host state's viewer (``viewer_state``), only one to that state
    that still gives it access — anything else is not found, the same words either way."""
    try:
        referral = store.get_referral(referral_id)
    except NotFoundError:
        referral = None
    if referral is None or (viewer_state is not None and (
            referral.country != viewer_state or not state_may_see(
                referral, store.screening.get_case(referral.case_id).status))):
        raise NotFoundError(f"no referral {referral_id} that you may see")
    return referral


def list_referrals(store: ReferralStore, *, viewer_state: str | None = None,
                   case_id: str | None = None, offset: int = 0, limit: int = 50,
                   showing: ReferralFilter = ReferralFilter.ALL
                   ) -> tuple[list[Referral], int]:
    """Those waiting for an answer first, then newest first; ``showing`` only those waiting
    or only those answered. A host state's viewer sees its own referrals that still give
    access (the store also leaves out cases withdrawn or closed: ``records.CASE_ENDED``)."""
    states = FILTER_STATES[ReferralFilter(showing)]
    return store.list_referrals(country=viewer_state, case_id=case_id,
                                with_access_only=viewer_state is not None, offset=offset,
                                limit=limit, states=None if states is None else
                                frozenset(str(s) for s in states))


@dataclass(frozen=True)
class ReferralView:
    """A referral with its case as stored, for the operation's own staff (adapters render
    the case through the role's field sections). A host state's viewer gets a
    :class:`Disclosure` instead (:func:`dossier_for`), never the case."""

    referral: Referral
    case: Case


def referral_view(store: ReferralStore, referral_id: int, *,
                  viewer_state: str | None) -> ReferralView:
    referral = get_referral(store, referral_id, viewer_state=viewer_state)
    return ReferralView(referral, store.screening.get_case(referral.case_id))


@dataclass(frozen=True)
class Disclosure:
    """What a host state receives of one referral: the dossier of its agreement in force,
    and the SHA-256 of the dossier (``dossier_digest``) for the audit entry."""

    referral: Referral
    dossier: Dossier
    digest: str


def dossier_for(store: ReferralStore, referral_id: int, *, viewer_state: str | None,
                requested_by: str, on: date | None = None) -> Disclosure:
    """The dossier of a referral for its host state, built from that state's agreement in
    force on ``on`` (default today) and nothing else, after checking again that every adult
    of the case consents (consent can be withdrawn after the referral).

    The same scope as :func:`get_referral` (a state sees only its own referrals while it has
    access). Raises NotFoundError (``no_agreement``) when no agreement is in force — nothing
    is shared — and ValidationError (``consent_missing``) when an adult has not consented.
    """
    referral = get_referral(store, referral_id, viewer_state=viewer_state)
    on = on or screening.utc_now().date()
    agreement = store.agreements().in_force(referral.country, on)
    case = store.screening.get_case(referral.case_id)
    consents = store.screening.consents_of([m.person_id for m in case.members])
    consenting = consenting_persons(
        consents, require_private=store.screening.settings().require_private_consent)
    dossier = build_dossier(case, agreement, consenting=consenting, requested_by=requested_by,
                            on=on)
    return Disclosure(referral, dossier, dossier_digest(dossier))
