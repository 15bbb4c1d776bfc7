"""What departures records: checklist items per person, flights, bookings, arrival caps.

A checklist item is a fact about one person (a passport, an exit permit, a medical examination,
a fit-to-travel certificate...) with who recorded it, when, and the window in which it is valid.
The latest record of a kind for a person is the one that counts: a later "unfit" replaces an
earlier "fit". A booking puts a whole case on one flight: a family flies together, unless it
was split into two cases through the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ItemKind(StrEnum):
    TRAVEL_DOCUMENT = "travel_document"  # passport, laissez-passer or ICRC travel document
    ENTRY_PERMIT = "entry_permit"  # visa or entry permit of the host state
    EXIT_PERMIT = "exit_permit"  # from the country of asylum
    MEDICAL_EXAM = "medical_exam"  # the host state's medical examination
    FIT_TO_TRAVEL = "fit_to_travel"  # pre-embarkation check, valid a short window (72 h)
    ORIENTATION = "orientation"  # pre-departure orientation attended
    ESCORT_ASSESSMENT = "escort_assessment"  # value: none, medical or operational


class EscortNeed(StrEnum):
    NONE = "none"
    MEDICAL = "medical"
    OPERATIONAL = "operational"


UNFIT = "unfit"  # the value of a fit-to-travel record that says the person may not fly


class Problem(StrEnum):
    MISSING = "missing"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    TOO_OLD = "too_old"  # issued longer before the flight than the window allows
    UNFIT = "unfit"


PROBLEM_LABELS = {
    Problem.MISSING: "missing",
    Problem.NOT_YET_VALID: "not yet valid on the day",
    Problem.EXPIRED: "expired (or expires too soon) on the day",
    Problem.TOO_OLD: "older than its validity window on the day",
    Problem.UNFIT: "declared unfit to travel",
}


@dataclass(frozen=True)
class ChecklistItem:
    item_id: str
    case_id: str  # where it was recorded; the item follows the person
    person_id: str
    kind: ItemKind
    valid_from: datetime  # issued, examined or attended at
    valid_until: datetime | None  # the document's own expiry, if any
    recorded_by: str
    recorded_at: datetime
    value: str = ""  # escort need for escort_assessment; "unfit" for fit_to_travel


@dataclass(frozen=True)
class Blocker:
    """Why one person cannot fly on a given day: one item and its problem."""

    person_id: str
    kind: ItemKind
    problem: Problem

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind} {PROBLEM_LABELS[self.problem]}"


class FlightKind(StrEnum):
    CHARTER = "charter"
    SCHEDULED = "scheduled"  # a block of seats on a scheduled flight


class FlightStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    DEPARTED = "departed"


@dataclass(frozen=True)
class Flight:
    flight_id: str
    departs_at: datetime
    origin: str  # airport of departure, e.g. BGW
    destination: str  # host state, ISO 3166-1 alpha-3
    seats: int  # seats for the persons moved (escorts travel on their own seats)
    kind: FlightKind = FlightKind.CHARTER
    escorts: int = 0  # escorts aboard (medical or operational)
    status: FlightStatus = FlightStatus.PLANNED

    @property
    def day(self) -> date:
        return self.departs_at.date()


class BookingState(StrEnum):
    BOOKED = "booked"
    DEPARTED = "departed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"  # flight cancelled, re-planned elsewhere, or the case unfit


@dataclass(frozen=True)
class Booking:
    booking_id: str
    case_id: str
    flight_id: str
    persons: int
    state: BookingState
    booked_by: str
    booked_at: datetime
    reason: str = ""  # why cancelled or no-show


@dataclass(frozen=True)
class ArrivalCap:
    """The host state's reception capacity: at most ``persons`` arriving on ``day``."""

    country: str
    day: date
    persons: int
