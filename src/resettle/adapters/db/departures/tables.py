"""Departures tables: checklist versions per host state, checklist items per person, flights,
bookings and arrival caps.

Items are keyed by person (they follow a person through a split); ``case_id`` says where they
were recorded. Checklist versions and items are append-only; flights and bookings change state
(planned, cancelled, departed; booked, departed, no-show, cancelled). Item records hold dates
and an escort need, never a diagnosis.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue

ID = 64
NAME = 200


class DepartureChecklistRow(Base):
    __tablename__ = "departure_checklists"

    country: Mapped[str] = mapped_column(String(3), primary_key=True)  # ISO3 or "*"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    created_by: Mapped[str] = mapped_column(String(NAME))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DepartureItemRow(Base):
    __tablename__ = "departure_items"

    item_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("persons.person_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(NAME))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class FlightRow(Base):
    __tablename__ = "departure_flights"

    flight_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    departs_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    origin: Mapped[str] = mapped_column(String(8))
    destination: Mapped[str] = mapped_column(String(3))
    seats: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    escorts: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))


class BookingRow(Base):
    __tablename__ = "departure_bookings"

    booking_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("cases.case_id", ondelete="CASCADE"), index=True)
    flight_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("departure_flights.flight_id", ondelete="CASCADE"), index=True)
    persons: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    booked_by: Mapped[str] = mapped_column(String(NAME))
    booked_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)


class ArrivalCapRow(Base):
    __tablename__ = "departure_arrival_caps"

    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)
