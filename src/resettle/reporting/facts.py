"""Reporting facts from the screening workflow's case events: one reading for every store.

A refusal or a departure event may not name the state: it is the state that held the file, i.e.
the country of the last referral before it (screening's ``referral_country``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from resettle.core.status import Priority
from resettle.reporting.records import (
    DecisionKind,
    MovementFact,
    MovementKind,
    ReferralFact,
    StatusChange,
)
from resettle.screening.workflow import STATUS_ACTIONS, Action, CaseEvent

DECISION_ACTIONS = {
    Action.REFER: DecisionKind.REFERRED,
    Action.ACCEPT: DecisionKind.ACCEPTED,
    Action.REFUSE: DecisionKind.REFUSED,
    Action.WITHDRAW_REFERRAL: DecisionKind.WITHDRAWN,
}
MOVEMENT_ACTIONS = {
    Action.PREPARE_DEPARTURE: MovementKind.PREPARED,
    Action.DEPART: MovementKind.DEPARTED,
    Action.REPORT_ARRIVAL: MovementKind.ARRIVED,
}
# Actions whose events carry a status change for reporting (records leave it as it is;
# membership changes write the status they leave the case in).
STATUS_EVENT_ACTIONS = STATUS_ACTIONS | {Action.SPLIT, Action.SPLIT_FROM, Action.MERGE,
                                         Action.MERGED_INTO}
REASON_KEYS = ("refusal_reason", "reason_code", "reason")


@dataclass
class EventFacts:
    status_changes: list[StatusChange] = field(default_factory=list)
    referrals: list[ReferralFact] = field(default_factory=list)
    movements: list[MovementFact] = field(default_factory=list)


def refusal_reason(event: CaseEvent) -> str:
    """The reason a state gave: a code or reason in the event's data, else its stated reason."""
    for key in REASON_KEYS:
        if value := event.data.get(key, "").strip():
            return value
    return event.reason.strip()


def facts_from_events(events: Iterable[CaseEvent]) -> EventFacts:
    """Events in order (by time, then case and sequence) -> the three kinds of facts."""
    facts = EventFacts()
    holder: dict[str, str] = {}  # case -> the state holding its file (last referral)
    for event in events:
        if event.action in STATUS_EVENT_ACTIONS:
            facts.status_changes.append(StatusChange(event.case_id, event.at, event.to_status))
        kind = DECISION_ACTIONS.get(event.action)
        if kind is not None:
            country = event.data.get("country") or holder.get(event.case_id, "")
            if kind == DecisionKind.REFERRED:
                holder[event.case_id] = country
            priority = event.data.get("submission_priority")
            facts.referrals.append(ReferralFact(
                event.case_id, event.at, country, kind,
                refusal_reason(event) if kind == DecisionKind.REFUSED else "",
                Priority(priority) if priority in set(Priority) else None))
        movement = MOVEMENT_ACTIONS.get(event.action)
        if movement is not None:
            country = event.data.get("country") or holder.get(event.case_id, "")
            facts.movements.append(MovementFact(event.case_id, event.at, country, movement))
    return facts
