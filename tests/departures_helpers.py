"""Accepted cases for departures tests: in memory or in a database, and a full checklist."""

from __future__ import annotations

from datetime import datetime, timedelta

from registry_samples import make_case, make_person
from resettle.core import Case, CaseStatus, Category, Priority, Sex
from resettle.departures import service
from resettle.departures.ports import DeparturesStore
from resettle.departures.records import EscortNeed, ItemKind
from resettle.screening.ports import ScreeningStore
from resettle.screening.records import Attendee, AttendeeKind, ConsentRecord, Interview
from resettle.screening.workflow import Action, CaseEvent

T0 = datetime(2016, 7, 19, 8, 0)


def family(case_id: str, size: int, priority: Priority = Priority.NORMAL) -> Case:
    members = [make_person(f"{case_id}-P{i}", case_id,
                           relationship="principal" if i == 1 else "child",
                           sex=Sex.MALE if i % 2 else Sex.FEMALE)
               for i in range(1, size + 1)]
    return make_case(case_id, members, status=CaseStatus.ACCEPTED,
                     processing_priority=priority,
                     secondary_category=Category.NO_ALTERNATIVE_SOLUTION)


def accept(screening: ScreeningStore, case: Case, country: str = "ALB",
           priority: Priority = Priority.NORMAL, at: datetime = T0 - timedelta(days=30)) -> None:
    """Make ``case`` (stored with status accepted) look as if it walked the workflow: its
    adults interviewed and consenting, a referral to ``country`` and its acceptance."""
    for m in case.members:
        screening.add_interview(Interview(f"I-{m.person_id}", case.case_id, m.person_id, "off",
                                          at, "fas", (Attendee(AttendeeKind.INTERPRETER),)))
        screening.add_consent(ConsentRecord(case.case_id, m.person_id, True, at, "off"))
    screening.append_events([
        CaseEvent(case.case_id, 1, Action.REFER, "off", at, "referred",
                  CaseStatus.READY_FOR_REFERRAL, CaseStatus.REFERRED,
                  {"country": country, "submission_priority": str(priority)}),
        CaseEvent(case.case_id, 2, Action.ACCEPT, "liaison", at + timedelta(hours=1),
                  "accepted", CaseStatus.REFERRED, CaseStatus.ACCEPTED, {}),
    ])


def make_ready(store: DeparturesStore, case_id: str, flight_at: datetime,
               *, escort: EscortNeed = EscortNeed.NONE, skip: ItemKind | None = None) -> None:
    """Record every default item for every member, valid for a flight at ``flight_at``."""
    case = store.screening.get_case(case_id)
    for m in case.members:
        for kind in ItemKind:
            if kind == skip:
                continue
            valid_from = flight_at - timedelta(hours=24 if kind == ItemKind.FIT_TO_TRAVEL
                                               else 24 * 20)
            value = {ItemKind.ESCORT_ASSESSMENT: str(escort),
                     ItemKind.FIT_TO_TRAVEL: "fit"}.get(kind, "")
            until = flight_at + timedelta(days=365) if kind == ItemKind.TRAVEL_DOCUMENT else None
            service.record_item(store, case_id, m.person_id, kind, valid_from=valid_from,
                                valid_until=until, value=value, actor="movement-1",
                                at=T0 - timedelta(days=10))
