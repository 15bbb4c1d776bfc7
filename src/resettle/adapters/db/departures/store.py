"""The departures store on SQLAlchemy: implements :class:`resettle.departures.ports.
DeparturesStore` in the same session (the same transaction) as screening's store."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from resettle.adapters.db.departures.tables import (
    ArrivalCapRow,
    BookingRow,
    DepartureChecklistRow,
    DepartureItemRow,
    FlightRow,
)
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.departures.checklist import Checklist, checklist_from_dict, checklist_to_dict
from resettle.departures.records import (
    ArrivalCap,
    Booking,
    BookingState,
    ChecklistItem,
    Flight,
    FlightKind,
    FlightStatus,
    ItemKind,
)
from resettle.errors import ConflictError, NotFoundError
from resettle.security.crypto import KeyRing


@contextmanager
def departures_store(engine: Engine, *, keys: KeyRing | None = None
                     ) -> Iterator[SqlDeparturesStore]:
    """One unit of work: commit if the block succeeds, roll back everything if it raises."""
    with make_session_factory(engine, keys=keys)() as session, session.begin():
        yield SqlDeparturesStore(session)


def _checklist(row: DepartureChecklistRow) -> Checklist:
    parsed = checklist_from_dict(row.body, version=row.version)
    return Checklist(parsed.country, row.version, parsed.items, parsed.escort_ratio,
                     parsed.arrival_cap_per_day, parsed.note, row.created_by, row.created_at)


def _item(row: DepartureItemRow) -> ChecklistItem:
    return ChecklistItem(row.item_id, row.case_id, row.person_id, ItemKind(row.kind),
                         row.valid_from, row.valid_until, row.recorded_by, row.recorded_at,
                         row.value)


def _flight(row: FlightRow) -> Flight:
    return Flight(row.flight_id, row.departs_at, row.origin, row.destination, row.seats,
                  FlightKind(row.kind), row.escorts, FlightStatus(row.status))


def _booking(row: BookingRow) -> Booking:
    return Booking(row.booking_id, row.case_id, row.flight_id, row.persons,
                   BookingState(row.state), row.booked_by, row.booked_at, row.reason)


def _fill_flight(row: FlightRow, flight: Flight) -> FlightRow:
    row.departs_at, row.origin, row.destination = (flight.departs_at, flight.origin,
                                                   flight.destination)
    row.seats, row.kind, row.escorts = flight.seats, flight.kind.value, flight.escorts
    row.status = flight.status.value
    return row


def _fill_booking(row: BookingRow, booking: Booking) -> BookingRow:
    row.case_id, row.flight_id, row.persons = booking.case_id, booking.flight_id, booking.persons
    row.state, row.booked_by, row.booked_at = (booking.state.value, booking.booked_by,
                                               booking.booked_at)
    row.reason = booking.reason
    return row


class SqlDeparturesStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._screening = SqlScreeningStore(session)

    @property
    def screening(self) -> SqlScreeningStore:
        return self._screening

    def checklists(self) -> dict[str, Checklist]:
        current: dict[str, Checklist] = {}
        rows = self.session.scalars(select(DepartureChecklistRow)
                                    .order_by(DepartureChecklistRow.version))
        for row in rows:
            current[row.country] = _checklist(row)
        return current

    def checklist_versions(self, country: str) -> list[Checklist]:
        rows = self.session.scalars(select(DepartureChecklistRow).where(
            DepartureChecklistRow.country == country).order_by(DepartureChecklistRow.version))
        return [_checklist(r) for r in rows]

    def add_checklist(self, checklist: Checklist) -> None:
        if self.session.get(DepartureChecklistRow, (checklist.country, checklist.version)):
            raise ConflictError(f"checklist {checklist.country} v{checklist.version} exists; "
                                "reload and try again")
        self.session.add(DepartureChecklistRow(
            country=checklist.country, version=checklist.version,
            body=checklist_to_dict(checklist), created_by=checklist.created_by,
            created_at=checklist.created_at))
        self.session.flush()

    def items_of(self, person_ids: Iterable[str]) -> list[ChecklistItem]:
        ids = list(person_ids)
        if not ids:
            return []
        rows = self.session.scalars(select(DepartureItemRow).where(
            DepartureItemRow.person_id.in_(ids)).order_by(DepartureItemRow.recorded_at))
        return [_item(r) for r in rows]

    def add_item(self, item: ChecklistItem) -> None:
        self.session.add(DepartureItemRow(
            item_id=item.item_id, case_id=item.case_id, person_id=item.person_id,
            kind=item.kind.value, value=item.value, valid_from=item.valid_from,
            valid_until=item.valid_until, recorded_by=item.recorded_by,
            recorded_at=item.recorded_at))
        self.session.flush()

    def get_flight(self, flight_id: str) -> Flight:
        row = self.session.get(FlightRow, flight_id)
        if row is None:
            raise NotFoundError(f"no flight {flight_id}; list the flights to see their ids")
        return _flight(row)

    def flights(self) -> list[Flight]:
        rows = self.session.scalars(select(FlightRow).order_by(FlightRow.departs_at,
                                                               FlightRow.flight_id))
        return [_flight(r) for r in rows]

    def add_flight(self, flight: Flight) -> None:
        if self.session.get(FlightRow, flight.flight_id) is not None:
            raise ConflictError(f"flight {flight.flight_id} already exists; choose another id")
        self.session.add(_fill_flight(FlightRow(flight_id=flight.flight_id), flight))
        self.session.flush()

    def save_flight(self, flight: Flight) -> None:
        row = self.session.get(FlightRow, flight.flight_id)
        if row is None:
            raise NotFoundError(f"no flight {flight.flight_id}")
        _fill_flight(row, flight)
        self.session.flush()

    def bookings(self, *, case_id: str | None = None,
                 flight_id: str | None = None) -> list[Booking]:
        query = select(BookingRow).order_by(BookingRow.booked_at, BookingRow.booking_id)
        if case_id is not None:
            query = query.where(BookingRow.case_id == case_id)
        if flight_id is not None:
            query = query.where(BookingRow.flight_id == flight_id)
        return [_booking(r) for r in self.session.scalars(query)]

    def add_booking(self, booking: Booking) -> None:
        self.session.add(_fill_booking(BookingRow(booking_id=booking.booking_id), booking))
        self.session.flush()

    def save_booking(self, booking: Booking) -> None:
        row = self.session.get(BookingRow, booking.booking_id)
        if row is None:
            raise NotFoundError(f"no booking {booking.booking_id}")
        _fill_booking(row, booking)
        self.session.flush()

    def caps(self) -> list[ArrivalCap]:
        rows = self.session.scalars(select(ArrivalCapRow).order_by(ArrivalCapRow.day))
        return [ArrivalCap(r.country, r.day, r.persons) for r in rows]

    def set_cap(self, cap: ArrivalCap) -> None:
        row = self.session.get(ArrivalCapRow, (cap.country, cap.day))
        if row is None:
            self.session.add(ArrivalCapRow(country=cap.country, day=cap.day,
                                           persons=cap.persons))
        else:
            row.persons = cap.persons
        self.session.flush()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"
