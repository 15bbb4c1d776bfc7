"""Realistic screening states: every generated case walks the real screening workflow.

Each case starts as registered and is driven, through the screening service, by the actions
that lead to the status the generator drew for it: needs assessment, individual and private
interviews of every adult (a few first held with the organisation present, then repeated),
decisions by one officer and reviews by another, exclusion reviews for the profiles that
trigger them, each adult's own consent before referral, referral to a host whose pledge admits
the case, host decisions and departures. The result is a history that satisfies every rule of
the workflow, so the demo shows a pipeline in progress that the system itself could have made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np

from resettle.core import Case, CaseStatus, Pledge, RegistryBatch
from resettle.referral import service as referral_service
from resettle.referral.records import HostDecision
from resettle.screening import service
from resettle.screening.exclusion import (
    Assessment,
    Clause,
    ExclusionReview,
    Indicators,
    Recommendation,
    ReviewDecision,
)
from resettle.screening.ports import ScreeningSettings
from resettle.screening.records import Attendee, AttendeeKind, Interview
from resettle.screening.workflow import Action
from resettle.simulation.ashraf_config import COMMAND_ROLE, EXCLUSION_TRIGGERS
from resettle.simulation.memory_referrals import MemoryReferralStore
from resettle.simulation.memory_store import MemoryScreeningStore
from resettle.simulation.sampling import Weighted, chance, pick

S = CaseStatus
OFFICERS = tuple(f"officer-{n:02d}" for n in range(1, 17))
REVIEWERS = tuple(f"reviewer-{n}" for n in range(1, 7))
SHARE_FIRST_INTERVIEW_NOT_PRIVATE = 0.05
SHARE_REFUSED_ONCE = 0.15  # of cases waiting for referral: a host said no, never towards return
HOLD_FROM = (S.NEEDS_ASSESSED, S.INTERVIEW_SCHEDULED, S.ASSESSED, S.RECOGNIZED,
             S.SUBMISSION_DRAFTED, S.READY_FOR_REFERRAL)
ENDED_FROM = (S.REGISTERED, S.NEEDS_ASSESSED, S.INTERVIEWED, S.RECOGNIZED,
              S.READY_FOR_REFERRAL)
CLOSURES = Weighted.of({"deceased": 0.5, "absconded": 0.2, "left_by_other_means": 0.3})

_BASE = ["assess_needs", "schedule_interview", "interviews", "complete_interviews",
         "assess_claim"]


def _route(target: CaseStatus, trigger: bool, single: bool, rng: np.random.Generator) -> list[str]:
    """The actions, in order, from registered to ``target``."""
    cleared = ["open_reviews", "assess_include", "confirm_reviews", "clear_exclusion"]
    recognized = [*_BASE, "recognize", *(cleared if trigger else [])]
    drafted = [*recognized, "draft_submission"]
    ready = [*drafted, "recommend"]
    referred = [*ready, "consents", "refer"]
    accepted = [*referred, "accept"]
    review = [*_BASE, "recognize", "open_reviews"]
    routes: dict[CaseStatus, list[str]] = {
        S.REGISTERED: [], S.NEEDS_ASSESSED: _BASE[:1], S.INTERVIEW_SCHEDULED: _BASE[:2],
        S.INTERVIEWED: _BASE[:4], S.ASSESSED: list(_BASE), S.RECOGNIZED: recognized,
        S.REJECTED: [*_BASE, "reject"], S.APPEAL: [*_BASE, "reject", "lodge_appeal"],
        S.EXCLUSION_REVIEW: review + (["assess_exclude"] if chance(rng, 0.4) else []),
        S.EXCLUDED: [*review, "assess_exclude", "confirm_reviews", "exclude"],
        S.SUBMISSION_DRAFTED: drafted, S.SUBMISSION_REVISE: [*drafted, "request_revision"],
        S.NOT_RECOMMENDED: [*drafted, "not_recommend"],
        S.READY_FOR_REFERRAL: ready + (["consents", "refer", "refuse"]
                                       if chance(rng, SHARE_REFUSED_ONCE) else []),
        S.REFERRED: referred, S.MORE_INFORMATION: [*referred, "request_information"],
        S.ACCEPTED: accepted, S.PRE_DEPARTURE: [*accepted, "prepare_departure"],
        S.DEPARTED: [*accepted, "prepare_departure", "depart"],
        S.ARRIVED: [*accepted, "prepare_departure", "depart", "report_arrival"],
    }
    if target == S.EXCLUDED and not (single and trigger):
        target = S.EXCLUSION_REVIEW  # only a case whose every member is excluded can be
    if target in (S.EXCLUSION_REVIEW, S.EXCLUDED) and not trigger:
        target = S.RECOGNIZED
    if target == S.ON_HOLD:
        return [*_route(pick(rng, HOLD_FROM), trigger, single, rng), "hold"]
    if target in (S.WITHDRAWN, S.CLOSED):
        ending = "withdraw" if target == S.WITHDRAWN else "close"
        return [*_route(pick(rng, ENDED_FROM), trigger, single, rng), ending]
    return routes[target]


@dataclass
class _Driver:
    """Takes one case's actions through the service, on a clock that only moves forward."""

    store: MemoryScreeningStore
    referrals: MemoryReferralStore
    rng: np.random.Generator
    case: Case
    adults: tuple[str, ...]
    pledges: Sequence[Pledge]
    clock: datetime
    officer: str
    reviewer: str
    refused: tuple[str, ...] = ()
    referral_id: int = 0

    def tick(self, hours: float) -> datetime:
        self.clock += timedelta(hours=hours)
        return self.clock

    def advance(self, action: Action, reason: str, **data: str) -> None:
        actor = self.reviewer if action in _REVIEWER_ACTIONS else self.officer
        service.advance_case(self.store, self.case.case_id, action, actor=actor, reason=reason,
                             at=self.clock, data=data)

    def interviews(self) -> None:
        for person_id in self.adults:
            if chance(self.rng, SHARE_FIRST_INTERVIEW_NOT_PRIVATE):
                present = (Attendee(AttendeeKind.ORGANISATION, "camp representative"),)
                self._interview(person_id, present, "not private: to be held again alone")
            name = f"interpreter-{self.rng.integers(1, 9)}"
            interpreter = (Attendee(AttendeeKind.INTERPRETER, name),)
            self._interview(person_id, interpreter if chance(self.rng, 0.3) else (), "")

    def _interview(self, person_id: str, present: tuple[Attendee, ...], notes: str) -> None:
        interview = Interview(self.store.new_id("IV"), self.case.case_id, person_id,
                              self.officer, self.tick(1), "fas", present, notes)
        service.record_interview(self.store, interview)

    def consents(self) -> None:
        for person_id in self.adults:
            service.record_consent(self.store, self.case.case_id, person_id,
                                   recorded_by=self.officer, at=self.tick(1))

    def open_reviews(self) -> None:
        for member in self.case.members:
            if not set(member.profiles) & EXCLUSION_TRIGGERS:
                continue
            roles = frozenset({"commander"}) if COMMAND_ROLE in member.profiles else frozenset()
            service.open_exclusion_review(
                self.store, self.case.case_id, member.person_id, actor=self.officer,
                reason="armed-wing membership declared at interview",
                indicators=Indicators(armed_units=frozenset({"NLA"}), roles=roles),
                at=self.tick(1))

    def assess(self, recommendation: Recommendation) -> None:
        for review in self._reviews(open_only=True):
            service.assess_exclusion(self.store, review.review_id,
                                     _assessment(self.officer, self.tick(1), recommendation))

    def confirm_reviews(self) -> None:
        for review in self._reviews(open_only=True):
            service.review_exclusion(self.store, review.review_id, reviewer=self.reviewer,
                                     decision=ReviewDecision.CONFIRM, at=self.tick(1),
                                     reason="assessment complete and well founded")

    def _reviews(self, *, open_only: bool) -> list[ExclusionReview]:
        ids = [m.person_id for m in self.case.members]
        return [r for r in self.store.reviews_of(ids) if r.is_open or not open_only]

    def refer(self) -> None:
        country = _host_for(self.store.get_case(self.case.case_id), self.pledges, self.rng,
                            self.refused)
        referral = referral_service.refer_case(
            self.referrals, self.case.case_id, country, actor=self.officer,
            reason="submitted to the host state", at=self.clock,
            submission_priority=str(self.case.processing_priority))
        self.referral_id = referral.referral_id
        self.refused = (*self.refused, country)

    def host_answers(self, decision: HostDecision, reason: str) -> None:
        referral_service.decide_referral(self.referrals, self.referral_id, decision,
                                         actor=f"liaison-{decision}", reason=reason,
                                         at=self.clock)

    def step(self, token: str) -> None:
        simple = _SIMPLE.get(token)
        answer = _HOST_ANSWERS.get(token)
        if answer is not None:
            self.host_answers(*answer)
        elif simple is not None:
            action, reason, data = simple
            self.advance(action, reason, **data)
        elif token == "assess_include":
            self.assess(Recommendation.INCLUDE)
        elif token == "assess_exclude":
            self.assess(Recommendation.EXCLUDE)
        elif token == "close":
            self.advance(Action.CLOSE, "case closed", closure=CLOSURES.draw(self.rng))
        else:
            getattr(self, token)()


_REVIEWER_ACTIONS = frozenset({Action.RECOMMEND, Action.REQUEST_REVISION, Action.NOT_RECOMMEND,
                               Action.GRANT_APPEAL, Action.DISMISS_APPEAL})
_SIMPLE: dict[str, tuple[Action, str, dict[str, str]]] = {
    "assess_needs": (Action.ASSESS_NEEDS, "needs assessed at registration", {}),
    "schedule_interview": (Action.SCHEDULE_INTERVIEW, "individual interviews planned", {}),
    "complete_interviews": (Action.COMPLETE_INTERVIEWS, "every adult heard in private", {}),
    "assess_claim": (Action.ASSESS_CLAIM, "credibility and inclusion assessed", {}),
    "recognize": (Action.RECOGNIZE, "well-founded fear of persecution in Iran", {}),
    "reject": (Action.REJECT, "inclusion criteria not met", {}),
    "lodge_appeal": (Action.LODGE_APPEAL, "appeal lodged within 30 days", {}),
    "clear_exclusion": (Action.CLEAR_EXCLUSION, "no serious reasons: not excluded", {}),
    "exclude": (Action.EXCLUDE, "excluded under Article 1F after individual review", {}),
    "draft_submission": (Action.DRAFT_SUBMISSION, "resettlement registration form drafted", {}),
    "request_revision": (Action.REQUEST_REVISION, "medical section incomplete", {}),
    "not_recommend": (Action.NOT_RECOMMEND, "resettlement not the appropriate solution", {}),
    "recommend": (Action.RECOMMEND, "submission reviewed and recommended", {}),
    "prepare_departure": (Action.PREPARE_DEPARTURE, "exit permit and travel booked", {}),
    "depart": (Action.DEPART, "flight departed", {}),
    "report_arrival": (Action.REPORT_ARRIVAL, "arrival reported by the host", {}),
    "hold": (Action.HOLD, "medical evaluation pending", {}),
    "withdraw": (Action.WITHDRAW, "applicant withdrew from resettlement", {}),
}

# The host state's answers go through the referral service, like a liaison's.
_HOST_ANSWERS: dict[str, tuple[HostDecision, str]] = {
    "refuse": (HostDecision.REFUSED, "host state refused after security checks: place "
               "elsewhere"),
    "request_information": (HostDecision.MORE_INFORMATION, "host asks for medical reports"),
    "accept": (HostDecision.ACCEPTED, "host state accepted the case"),
}


def _assessment(assessor: str, at: datetime, recommendation: Recommendation) -> Assessment:
    if recommendation == Recommendation.INCLUDE:
        return Assessment(assessor, at, recommendation,
                          acts="membership of the armed wing only; no individual acts found",
                          proportionality="not reached")
    return Assessment(
        assessor, at, recommendation, clause=Clause.B,
        acts="synthetic scenario: alleged part in named armed operations",
        individual_responsibility=True,
        responsibility_reasons="synthetic scenario: consistent witness accounts",
        defences="duress and superior orders considered; not established",
        proportionality="gravity of the acts outweighs the risk on return; still protected "
                        "from refoulement",
    )


def _host_for(case: Case, pledges: Sequence[Pledge], rng: np.random.Generator,
              refused: tuple[str, ...]) -> str:
    """A host whose pledge admits the case, weighted by places; never a no-return country."""
    barred = case.no_return_countries | set(refused)
    fitting = {p.country: 0.0 for p in pledges if p.country not in barred}
    for pledge in pledges:
        if pledge.country in fitting and pledge.criteria.admits(case)[0]:
            fitting[pledge.country] += pledge.places_persons
    if not any(fitting.values()):
        fitting = {c: 1.0 for c in fitting}
    return Weighted.of(fitting).draw(rng)


def replay_screening(batch: RegistryBatch, *, seed: int, as_of: date,
                     settings: ScreeningSettings) -> tuple[RegistryBatch, MemoryScreeningStore]:
    """Drive every case from registered to its generated status; return the batch as it then
    stands and the store holding the histories and records."""
    rng = np.random.default_rng([seed, 4])  # a stream of its own: the batch draws are untouched
    store = MemoryScreeningStore((replace(c, status=S.REGISTERED) for c in batch.cases),
                                 settings)
    referrals = MemoryReferralStore(store, (p.country for p in batch.pledges))
    for case in batch.cases:
        _drive(referrals, rng, case, batch.pledges, as_of)
    cases = tuple(store.cases[c.case_id] for c in batch.cases)
    return replace(batch, cases=cases), store


def _drive(referrals: MemoryReferralStore, rng: np.random.Generator, case: Case,
           pledges: Sequence[Pledge], as_of: date) -> None:
    trigger = bool(case.profiles & EXCLUSION_TRIGGERS)
    route = _route(case.status, trigger, case.size == 1, rng)
    registered = case.registered_on or date(2012, 2, 17)
    start = datetime(registered.year, registered.month, registered.day, 9)
    span_hours = max((datetime(as_of.year, as_of.month, as_of.day) - start).days * 24, 24)
    # Space the steps over the time between registration and the snapshot.
    gaps = np.diff(np.sort(rng.uniform(0, span_hours * 0.9, len(route) + 1)), prepend=0.0)
    adults = tuple(m.person_id for m in case.members if m.is_adult_on(as_of))
    driver = _Driver(referrals.screening, referrals, rng, case, adults, pledges, start,
                     pick(rng, OFFICERS), pick(rng, REVIEWERS))
    for token, gap in zip(route, gaps.tolist(), strict=False):
        driver.tick(gap)
        driver.step(token)
