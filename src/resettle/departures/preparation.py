"""Preparing departures: checklists per state, items per person, flights and arrival caps.

Items are recorded for an accepted case's members with who and when; a fit-to-travel record
saying *unfit* cancels the case's booking at once (the re-plan then finds it another flight
once fit again). A delayed flight keeps only the bookings whose items are still valid at the
new time. Every function returns what changed, so adapters can tell who is affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from resettle.core.codes import is_country_code
from resettle.core.issues import Issue
from resettle.core.membership import non_member_issue
from resettle.core.status import CaseStatus
from resettle.departures.checklist import (
    Checklist,
    Readiness,
    blockers,
    checklist_for,
    checklist_from_dict,
)
from resettle.departures.ports import DeparturesStore, active_bookings
from resettle.departures.records import (
    UNFIT,
    ArrivalCap,
    Booking,
    BookingState,
    ChecklistItem,
    EscortNeed,
    Flight,
    FlightStatus,
    ItemKind,
)
from resettle.errors import IllegalTransitionError, ValidationError
from resettle.screening.actions import utc_now
from resettle.screening.workflow import referral_country

ITEM_STATES = frozenset({CaseStatus.REFERRED, CaseStatus.MORE_INFORMATION, CaseStatus.ACCEPTED,
                         CaseStatus.PRE_DEPARTURE})
FIT_VALUES = frozenset({"", "fit", UNFIT})


def _require(actor: str, reason: str | None = None) -> None:
    found = []
    if not actor.strip():
        found.append(Issue("missing_value", "name who records it", field="actor"))
    if reason is not None and not reason.strip():
        found.append(Issue("missing_value", "give the reason", field="reason"))
    if found:
        raise ValidationError(found)


def destination_of(store: DeparturesStore, case_id: str) -> str:
    """The host state holding the case's file (the workflow's history says which)."""
    country = referral_country(store.screening.history(case_id))
    if not country:
        raise IllegalTransitionError(f"case {case_id} is not accepted by a host state; "
                                     "departures start once a state accepts the case")
    return country


# -- checklists ---------------------------------------------------------------------------

def set_checklist(store: DeparturesStore, data: Mapping[str, Any], *, actor: str,
                  country: str | None = None, at: datetime | None = None) -> Checklist:
    """Store a new version of a state's checklist (the old versions are kept); ``country``
    names the state when the data does not."""
    _require(actor)
    parsed = checklist_from_dict({**data, "country": country} if country else data)
    versions = store.checklist_versions(parsed.country)
    checklist = replace(parsed, version=(versions[-1].version + 1) if versions else 1,
                        created_by=actor, created_at=at or utc_now())
    store.add_checklist(checklist)
    return checklist


def checklist_of_state(store: DeparturesStore, country: str) -> Checklist:
    return checklist_for(country, store.checklists())


# -- items --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemOutcome:
    item: ChecklistItem
    cancelled: tuple[Booking, ...] = ()  # bookings cancelled because the person is unfit


def record_item(store: DeparturesStore, case_id: str, person_id: str, kind: ItemKind | str, *,
                valid_from: datetime, valid_until: datetime | None = None, value: str = "",
                actor: str, at: datetime | None = None) -> ItemOutcome:
    """Record one person's item; every problem with the input is reported at once."""
    at = at or utc_now()
    case = store.screening.get_case(case_id)
    found = []
    if not actor.strip():
        found.append(Issue("missing_value", "name who records the item", field="actor"))
    if issue := non_member_issue(case, [person_id], store.screening.survivors):
        found.append(issue)
    if kind not in set(ItemKind):
        found.append(Issue("bad_value", f"kind must be one of {', '.join(ItemKind)}",
                           field="kind"))
    elif kind == ItemKind.ESCORT_ASSESSMENT and value not in set(EscortNeed):
        found.append(Issue("bad_value", "the escort need is none, medical or operational",
                           field="value"))
    elif kind == ItemKind.FIT_TO_TRAVEL and value not in FIT_VALUES:
        found.append(Issue("bad_value", "fit to travel is 'fit' or 'unfit'", field="value"))
    if valid_until is not None and valid_until < valid_from:
        found.append(Issue("impossible_date", "valid until is before valid from",
                           field="valid_until"))
    if case.status not in ITEM_STATES:
        found.append(Issue("bad_status", f"the case is {case.status}: items are recorded once "
                           "it is referred or accepted, until it departs", field="case_id"))
    if found:
        raise ValidationError(found)
    item = ChecklistItem(store.new_id("ITEM"), case_id, person_id, ItemKind(kind), valid_from,
                         valid_until, actor, at, value)
    store.add_item(item)
    cancelled: tuple[Booking, ...] = ()
    if item.kind == ItemKind.FIT_TO_TRAVEL and item.value == UNFIT:
        cancelled = cancel_bookings(store, active_bookings(store.bookings(case_id=case_id)),
                                    f"{person_id} declared unfit to travel")
    return ItemOutcome(item, cancelled)


def case_items(store: DeparturesStore, case_id: str) -> list[ChecklistItem]:
    case = store.screening.get_case(case_id)
    return store.items_of(m.person_id for m in case.members)


def case_readiness(store: DeparturesStore, case_id: str, at: datetime) -> Readiness:
    """Travel-ready at ``at``: every member's every item of the state's checklist valid."""
    case = store.screening.get_case(case_id)
    ids = [m.person_id for m in case.members]
    checklist = checklist_of_state(store, destination_of(store, case_id))
    return Readiness(case_id, at, tuple(blockers(ids, store.items_of(ids), checklist, at)))


# -- flights and caps -----------------------------------------------------------------------

def add_flight(store: DeparturesStore, flight: Flight, *, actor: str) -> Flight:
    _require(actor)
    found = []
    if not flight.flight_id.strip():
        found.append(Issue("missing_value", "give the flight an id", field="flight_id"))
    if not is_country_code(flight.destination):
        found.append(Issue("bad_value", f"'{flight.destination}' is not an ISO 3166-1 alpha-3 "
                           "host state", field="destination"))
    if flight.seats <= 0:
        found.append(Issue("bad_value", "a flight has at least one seat", field="seats"))
    if flight.escorts < 0:
        found.append(Issue("bad_value", "escorts cannot be negative", field="escorts"))
    if found:
        raise ValidationError(found)
    flight = replace(flight, status=FlightStatus.PLANNED)
    store.add_flight(flight)
    return flight


def set_arrival_cap(store: DeparturesStore, country: str, day: date, persons: int, *,
                    actor: str) -> ArrivalCap:
    _require(actor)
    if not is_country_code(country) or persons < 0:
        raise ValidationError([Issue("bad_value", "give a host state (ISO3) and a number of "
                                     "persons of at least 0", field="cap")])
    cap = ArrivalCap(country, day, persons)
    store.set_cap(cap)
    return cap


def cancel_bookings(store: DeparturesStore, bookings: list[Booking],
                    reason: str) -> tuple[Booking, ...]:
    cancelled = tuple(replace(b, state=BookingState.CANCELLED, reason=reason) for b in bookings)
    for booking in cancelled:
        store.save_booking(booking)
    return cancelled


def _planned(store: DeparturesStore, flight_id: str) -> Flight:
    flight = store.get_flight(flight_id)
    if flight.status != FlightStatus.PLANNED:
        raise IllegalTransitionError(f"flight {flight_id} is {flight.status}; only a planned "
                                     "flight can be changed")
    return flight


def cancel_flight(store: DeparturesStore, flight_id: str, *, actor: str,
                  reason: str) -> tuple[Booking, ...]:
    """Cancel a flight; its bookings are cancelled and returned (who is affected)."""
    _require(actor, reason)
    flight = _planned(store, flight_id)
    store.save_flight(replace(flight, status=FlightStatus.CANCELLED))
    return cancel_bookings(store, active_bookings(store.bookings(flight_id=flight_id)),
                           f"flight {flight_id} cancelled: {reason}")


def delay_flight(store: DeparturesStore, flight_id: str, departs_at: datetime, *, actor: str,
                 reason: str) -> tuple[Booking, ...]:
    """Move a flight; bookings whose items are no longer valid at the new time are cancelled
    and returned (a fit-to-travel certificate of 72 hours may not last a delay)."""
    _require(actor, reason)
    flight = _planned(store, flight_id)
    store.save_flight(replace(flight, departs_at=departs_at))
    lapsed = [b for b in active_bookings(store.bookings(flight_id=flight_id))
              if not case_readiness(store, b.case_id, departs_at).ready]
    return cancel_bookings(store, lapsed, f"flight {flight_id} delayed to {departs_at}: "
                           f"items no longer valid ({reason})")


def active_booking(store: DeparturesStore, case_id: str) -> Booking | None:
    return next(iter(active_bookings(store.bookings(case_id=case_id))), None)
