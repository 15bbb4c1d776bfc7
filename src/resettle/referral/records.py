"""What the referral stage records: a case referred to one host state, and that state's answer.

A submission goes to one state at a time (Resettlement Handbook, ch. 4.10). The state answers
with a :class:`HostDecision`; the referral's :class:`ReferralState` says where it stands now.
A refusal (formal, with reason), a "not considered", a declined split or a withdrawal ends the
referral: that state has no further access to the case, and placement never proposes it for
the case again. The case's screening history holds every step; this record is the host
state's view of it, written in the same unit of work as each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from resettle.core.status import CaseStatus


class HostDecision(StrEnum):
    """A host state's answer to a referral."""

    ACCEPTED = "accepted"
    REFUSED = "refused"  # a formal decision, with reason
    NOT_CONSIDERED = "not_considered"  # the state declines to consider it: not a judgement
    MORE_INFORMATION = "more_information"  # deferred: not a refusal
    SPLIT = "split"  # part of the family accepted: a protection officer decides


class ReferralState(StrEnum):
    PENDING = "pending"  # with the host state, no answer yet
    MORE_INFORMATION = "more_information"
    ACCEPTED = "accepted"
    SPLIT = "split"  # waits for a protection officer: split the case or decline
    REFUSED = "refused"
    NOT_CONSIDERED = "not_considered"
    SPLIT_DECLINED = "split_declined"  # the family stays together; the state is excluded
    WITHDRAWN = "withdrawn"  # the operation took the file back


# The host state is still handling the case: only one such referral per case.
OPEN_STATES = frozenset({ReferralState.PENDING, ReferralState.MORE_INFORMATION,
                         ReferralState.SPLIT})
# The state may (still) see the case: open, or accepted (it will receive the family).
ACCESS_STATES = OPEN_STATES | {ReferralState.ACCEPTED}
# A case withdrawn or closed (e.g. merged into another) is seen by no host state any more,
# whatever its referral says.
CASE_ENDED = frozenset({CaseStatus.WITHDRAWN, CaseStatus.CLOSED})
# Answers that exclude the state for this case in every later placement run and referral.
EXCLUDING_STATES = frozenset({ReferralState.REFUSED, ReferralState.NOT_CONSIDERED,
                              ReferralState.SPLIT_DECLINED})
# A decision that needs a reason (an acceptance speaks for itself).
NEEDS_REASON = frozenset({HostDecision.REFUSED, HostDecision.NOT_CONSIDERED,
                          HostDecision.MORE_INFORMATION, HostDecision.SPLIT})

# What a listing shows: referrals waiting for the host state's answer, those answered, or all
# (waiting ones first, then newest first, in every listing).
class ReferralFilter(StrEnum):
    ALL = "all"
    WAITING = "waiting"
    ANSWERED = "answered"


WAITING_STATES = frozenset({ReferralState.PENDING, ReferralState.MORE_INFORMATION})
FILTER_STATES: dict[ReferralFilter, frozenset[ReferralState] | None] = {
    ReferralFilter.ALL: None, ReferralFilter.WAITING: WAITING_STATES,
    ReferralFilter.ANSWERED: frozenset(ReferralState) - WAITING_STATES,
}

STATE_OF_DECISION = {
    HostDecision.ACCEPTED: ReferralState.ACCEPTED,
    HostDecision.REFUSED: ReferralState.REFUSED,
    HostDecision.NOT_CONSIDERED: ReferralState.NOT_CONSIDERED,
    HostDecision.MORE_INFORMATION: ReferralState.MORE_INFORMATION,
    HostDecision.SPLIT: ReferralState.SPLIT,
}

# One table of labels for every enum a person sees.
LABELS: dict[str, str] = {
    HostDecision.ACCEPTED: "accepted",
    HostDecision.REFUSED: "refused (formal decision)",
    HostDecision.NOT_CONSIDERED: "not considered",
    HostDecision.MORE_INFORMATION: "deferred: more information asked",
    HostDecision.SPLIT: "split decision (part of the family accepted)",
    ReferralState.PENDING: "waiting for the host state",
    ReferralState.SPLIT_DECLINED: "split declined: the family stays together",
    ReferralState.WITHDRAWN: "withdrawn by the operation",
    ReferralFilter.ALL: "all, waiting ones first",
    ReferralFilter.WAITING: "waiting for an answer",
    ReferralFilter.ANSWERED: "answered or withdrawn",
}


@dataclass(frozen=True)
class DecisionRecord:
    """Who answered for the host state, when, what and why."""

    decision: HostDecision
    reason: str
    decided_by: str
    decided_at: datetime
    accepted_persons: frozenset[str] = frozenset()  # for a split decision


@dataclass(frozen=True)
class Withdrawal:
    reason: str
    withdrawn_by: str
    withdrawn_at: datetime


@dataclass(frozen=True)
class Referral:
    """One case referred to one host state. ``referral_id`` is 0 until stored."""

    referral_id: int
    case_id: str
    country: str
    referred_at: datetime
    referred_by: str
    state: ReferralState = ReferralState.PENDING
    submission_priority: str = ""
    decision: DecisionRecord | None = None
    withdrawal: Withdrawal | None = None
    resolved_by: str = ""  # the protection officer who resolved a split decision

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def grants_access(self) -> bool:
        """The referral lets the host state see the case (a refusal or a withdrawal ends it
        for good); see :func:`state_may_see` for the case's own status."""
        return self.state in ACCESS_STATES

    @property
    def excludes_state(self) -> bool:
        return self.state in EXCLUDING_STATES

    @property
    def reason(self) -> str:
        if self.withdrawal is not None:
            return self.withdrawal.reason
        return self.decision.reason if self.decision else ""


def state_may_see(referral: Referral, case_status: CaseStatus) -> bool:
    """The host state of ``referral`` may see the case now."""
    return referral.grants_access and case_status not in CASE_ENDED


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " "))
