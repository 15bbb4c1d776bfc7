"""Where a case stands, as a caseworker needs to see it: each adult heard or not, each adult's
consent, and which workflow actions may be taken now (and why the others cannot yet).

The same rules as taking the action (``plan_transition`` on the facts the service gathers):
what is offered here is what would be accepted, and what is withheld names the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from resettle.core.case import Case
from resettle.errors import IllegalTransitionError, PermissionDeniedError, RefoulementError
from resettle.screening.actions import gather_facts, load_case, utc_now
from resettle.screening.ports import ScreeningStore
from resettle.screening.records import ConsentRecord, Interview
from resettle.screening.workflow import (
    MEMBERSHIP_STATES,
    TERMINAL,
    Action,
    ActionRequest,
    allowed_actions,
    plan_transition,
)

# Actions whose form gives what the check needs; checked with a neutral value of it.
_SAMPLE_DATA: Mapping[Action, Mapping[str, str]] = {
    Action.CLOSE: {"closure": "deceased"},
}
# Taken through the referral stage (host state, country): not judged here.
_NOT_JUDGED = frozenset({Action.REFER})


class Heard(StrEnum):
    YES = "heard"  # interviewed individually (and privately where that is required)
    NOT_PRIVATE = "not_private"  # interviewed, but with the group present: hear again alone
    NO = "not_heard"


class Consent(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    NOT_PRIVATE = "not_private"  # given in front of others: does not count
    NONE = "none"


@dataclass(frozen=True)
class AdultStanding:
    person_id: str
    heard: Heard
    consent: Consent
    interviews: int


@dataclass(frozen=True)
class CaseStanding:
    case: Case
    adults: tuple[AdultStanding, ...]
    ready: tuple[Action, ...]  # status actions that would be accepted now
    waiting: Mapping[Action, str]  # status actions the status allows, and why not yet

    @property
    def recording(self) -> bool:
        """Interviews, consent, categories... are still recorded (not once finished)."""
        return self.case.status not in TERMINAL

    @property
    def membership_open(self) -> bool:
        """Members may still be split off or merged in (not once a host state holds it)."""
        return self.case.status in MEMBERSHIP_STATES

    def missing(self, what: str) -> list[str]:
        """Adults not yet heard (``"heard"``) or without current consent (``"consent"``)."""
        if what == "heard":
            return [a.person_id for a in self.adults if a.heard is not Heard.YES]
        return [a.person_id for a in self.adults if a.consent is not Consent.GIVEN]


def _heard(person_id: str, interviews: list[Interview], counted: frozenset[str]) -> Heard:
    if person_id in counted:
        return Heard.YES
    return Heard.NOT_PRIVATE if any(i.person_id == person_id for i in interviews) else Heard.NO


def _consent(person_id: str, records: list[ConsentRecord], counted: frozenset[str]) -> Consent:
    if person_id in counted:
        return Consent.GIVEN
    own = sorted((r for r in records if r.person_id == person_id), key=lambda r: r.at)
    if not own:
        return Consent.NONE
    return Consent.WITHDRAWN if not own[-1].given else Consent.NOT_PRIVATE


def case_standing(store: ScreeningStore, case_id: str, *, actor: str,
                  at: datetime | None = None) -> CaseStanding:
    """The case's adults and its next actions, as ``actor`` would meet them ``at``."""
    at = at or utc_now()
    loaded = load_case(store, case_id, None)
    facts = gather_facts(store, loaded, at)
    ids = [m.person_id for m in loaded.case.members]
    interviews, consents = store.interviews_of(ids), store.consents_of(ids)
    adults = tuple(
        AdultStanding(pid, _heard(pid, interviews, facts.interviewed),
                      _consent(pid, consents, facts.consenting),
                      sum(1 for i in interviews if i.person_id == pid))
        for pid in ids if pid in facts.adults)
    ready: list[Action] = []
    waiting: dict[Action, str] = {}
    for action in allowed_actions(loaded.case.status):
        if action in _NOT_JUDGED:
            ready.append(action)
            continue
        request = ActionRequest(action, actor, at, "check", _SAMPLE_DATA.get(action, {}))
        try:
            plan_transition(loaded.case.status, facts, request)
        except (IllegalTransitionError, PermissionDeniedError, RefoulementError) as why:
            waiting[action] = why.message
        else:
            ready.append(action)
    return CaseStanding(loaded.case, adults, tuple(ready), waiting)
