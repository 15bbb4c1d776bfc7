"""Departures: checklist versions per host state, checklist items per person, flights,
bookings and arrival caps.

Revision ID: 0700_departures
Revises: 0001_registry
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0700_departures"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "departure_checklists",
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("country", "version", name=op.f("pk_departure_checklists")),
    )
    op.create_table(
        "departure_items",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.person_id"],
                                name=op.f("fk_departure_items_person_id_persons"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_departure_items")),
    )
    op.create_index(op.f("ix_departure_items_person_id"), "departure_items", ["person_id"])
    op.create_table(
        "departure_flights",
        sa.Column("flight_id", sa.String(length=64), nullable=False),
        sa.Column("departs_at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("destination", sa.String(length=3), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("escorts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("flight_id", name=op.f("pk_departure_flights")),
    )
    op.create_index(op.f("ix_departure_flights_departs_at"), "departure_flights",
                    ["departs_at"])
    op.create_table(
        "departure_bookings",
        sa.Column("booking_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("flight_id", sa.String(length=64), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("booked_by", sa.String(length=200), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"],
                                name=op.f("fk_departure_bookings_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["flight_id"], ["departure_flights.flight_id"],
                                name=op.f("fk_departure_bookings_flight_id_departure_flights"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_departure_bookings")),
    )
    op.create_index(op.f("ix_departure_bookings_case_id"), "departure_bookings", ["case_id"])
    op.create_index(op.f("ix_departure_bookings_flight_id"), "departure_bookings",
                    ["flight_id"])
    op.create_table(
        "departure_arrival_caps",
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("country", "day", name=op.f("pk_departure_arrival_caps")),
    )


def downgrade() -> None:
    op.drop_table("departure_arrival_caps")
    op.drop_index(op.f("ix_departure_bookings_flight_id"), table_name="departure_bookings")
    op.drop_index(op.f("ix_departure_bookings_case_id"), table_name="departure_bookings")
    op.drop_table("departure_bookings")
    op.drop_index(op.f("ix_departure_flights_departs_at"), table_name="departure_flights")
    op.drop_table("departure_flights")
    op.drop_index(op.f("ix_departure_items_person_id"), table_name="departure_items")
    op.drop_table("departure_items")
    op.drop_table("departure_checklists")
