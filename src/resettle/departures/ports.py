"""What the departures service needs stored. The database adapter implements it; the
in-memory store below serves tests and simulation.

One store is one unit of work, like screening's, and carries the screening store of the same
unit of work (``screening``): every status change of a case goes through screening's workflow
in the same transaction as the booking or departure it records.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from resettle.departures.checklist import Checklist
from resettle.departures.records import (
    ArrivalCap,
    Booking,
    BookingState,
    ChecklistItem,
    Flight,
)
from resettle.errors import ConflictError, NotFoundError
from resettle.screening.ports import ScreeningStore


class DeparturesStore(Protocol):
    @property
    def screening(self) -> ScreeningStore: ...

    # checklists: versions are kept; the highest version of a country is the one in force
    def checklists(self) -> dict[str, Checklist]: ...

    def checklist_versions(self, country: str) -> list[Checklist]: ...

    def add_checklist(self, checklist: Checklist) -> None: ...

    # items, by person
    def items_of(self, person_ids: Iterable[str]) -> list[ChecklistItem]: ...

    def add_item(self, item: ChecklistItem) -> None: ...

    # flights
    def get_flight(self, flight_id: str) -> Flight: ...

    def flights(self) -> list[Flight]: ...

    def add_flight(self, flight: Flight) -> None: ...

    def save_flight(self, flight: Flight) -> None: ...

    # bookings
    def bookings(self, *, case_id: str | None = None,
                 flight_id: str | None = None) -> list[Booking]: ...

    def add_booking(self, booking: Booking) -> None: ...

    def save_booking(self, booking: Booking) -> None: ...

    # arrival caps
    def caps(self) -> list[ArrivalCap]: ...

    def set_cap(self, cap: ArrivalCap) -> None: ...

    def new_id(self, prefix: str) -> str: ...


@dataclass
class InMemoryDeparturesStore:
    """A departures store in memory, over any screening store (tests, simulation)."""

    screening: ScreeningStore
    _checklists: list[Checklist] = field(default_factory=list)
    _items: list[ChecklistItem] = field(default_factory=list)
    _flights: dict[str, Flight] = field(default_factory=dict)
    _bookings: dict[str, Booking] = field(default_factory=dict)
    _caps: dict[tuple[str, date], ArrivalCap] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def checklists(self) -> dict[str, Checklist]:
        current: dict[str, Checklist] = {}
        for c in sorted(self._checklists, key=lambda c: c.version):
            current[c.country] = c
        return current

    def checklist_versions(self, country: str) -> list[Checklist]:
        return sorted((c for c in self._checklists if c.country == country),
                      key=lambda c: c.version)

    def add_checklist(self, checklist: Checklist) -> None:
        if any(c.country == checklist.country and c.version == checklist.version
               for c in self._checklists):
            raise ConflictError(f"checklist {checklist.country} v{checklist.version} exists")
        self._checklists.append(checklist)

    def items_of(self, person_ids: Iterable[str]) -> list[ChecklistItem]:
        wanted = set(person_ids)
        return [i for i in self._items if i.person_id in wanted]

    def add_item(self, item: ChecklistItem) -> None:
        self._items.append(item)

    def get_flight(self, flight_id: str) -> Flight:
        if flight_id not in self._flights:
            raise NotFoundError(f"no flight {flight_id}; list flights to see their ids")
        return self._flights[flight_id]

    def flights(self) -> list[Flight]:
        return sorted(self._flights.values(), key=lambda f: (f.departs_at, f.flight_id))

    def add_flight(self, flight: Flight) -> None:
        if flight.flight_id in self._flights:
            raise ConflictError(f"flight {flight.flight_id} already exists; choose another id")
        self._flights[flight.flight_id] = flight

    def save_flight(self, flight: Flight) -> None:
        self.get_flight(flight.flight_id)
        self._flights[flight.flight_id] = flight

    def bookings(self, *, case_id: str | None = None,
                 flight_id: str | None = None) -> list[Booking]:
        return [b for b in self._bookings.values()
                if (case_id is None or b.case_id == case_id)
                and (flight_id is None or b.flight_id == flight_id)]

    def add_booking(self, booking: Booking) -> None:
        self._bookings[booking.booking_id] = booking

    def save_booking(self, booking: Booking) -> None:
        self._bookings[booking.booking_id] = replace(booking)

    def caps(self) -> list[ArrivalCap]:
        return list(self._caps.values())

    def set_cap(self, cap: ArrivalCap) -> None:
        self._caps[(cap.country, cap.day)] = cap

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):06d}"


def active_bookings(bookings: Sequence[Booking]) -> list[Booking]:
    return [b for b in bookings if b.state == BookingState.BOOKED]
