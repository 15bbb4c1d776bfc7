"""Drive a stored case through the real screening workflow up to a referral (tests only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from resettle.core import Category
from resettle.referral import service as referral_service
from resettle.referral.agreements import AgreementBook
from resettle.referral.ports import ReferralStore
from resettle.referral.records import Referral
from resettle.screening import service as screening
from resettle.screening.records import Attendee, AttendeeKind, Interview
from resettle.screening.workflow import Action


class Clock:
    def __init__(self, start: datetime = datetime(2012, 3, 1, 9)) -> None:
        self.now = start

    def tick(self) -> datetime:
        self.now += timedelta(hours=1)
        return self.now


def make_ready(store: ReferralStore, case_id: str, clock: Clock) -> None:
    """From registered to ready for referral, with every adult heard and consenting; if the
    operation has no data-sharing agreements yet, the RRF minimum with every host state."""
    if not store.agreements().agreements:
        store.save_agreements(AgreementBook().with_defaults(store.host_states()))
    s = store.screening
    case = s.get_case(case_id)
    # Adults then or now (a child of 2008 is an adult today): each heard, each consenting.
    adults = [m.person_id for m in case.members
              if m.is_adult_on(clock.now.date()) or m.is_adult_on(date.today())]

    def step(action: Action, actor: str = "officer-a") -> None:
        screening.advance_case(s, case_id, action, actor=actor, reason="sample step",
                               at=clock.tick())

    step(Action.ASSESS_NEEDS)
    step(Action.SCHEDULE_INTERVIEW)
    for n, person_id in enumerate(adults):
        screening.record_interview(s, Interview(
            f"IV-{case_id}-{n}", case_id, person_id, "officer-a", clock.tick(), "fas",
            (Attendee(AttendeeKind.INTERPRETER, "independent"),)))
    for action in (Action.COMPLETE_INTERVIEWS, Action.ASSESS_CLAIM, Action.RECOGNIZE):
        step(action)
    primary = case.primary_category or Category.LEGAL_PHYSICAL
    secondary = (Category.NO_ALTERNATIVE_SOLUTION if primary != Category.NO_ALTERNATIVE_SOLUTION
                 else Category.FAMILY_UNITY)
    screening.set_categories(s, case_id, primary=primary, secondary=secondary,
                             actor="officer-a", reason="sample categories", at=clock.tick())
    step(Action.DRAFT_SUBMISSION)
    step(Action.RECOMMEND, actor="reviewer-b")
    for person_id in adults:
        screening.record_consent(s, case_id, person_id, recorded_by="officer-a",
                                 at=clock.tick())


def refer_ready(store: ReferralStore, case_id: str, country: str, clock: Clock | None = None,
                actor: str = "placement") -> Referral:
    """Refer through the service, at the clock's next hour (or now)."""
    return referral_service.refer_case(store, case_id, country, actor=actor,
                                       reason="submitted to the host state",
                                       submission_priority="normal",
                                       at=clock.tick() if clock else None)
