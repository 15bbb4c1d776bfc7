"""Registry tables: cases, persons, localities, pledges.

Kept apart from the frozen domain dataclasses in ``resettle.core``; ``mapping.py`` converts.
Nested, per-person lists (languages, medical conditions, relatives, skills...) share one JSON
column: they are always read and written with their person, and one JSON value per row keeps a
100,000-person import and load fast (JSONB on PostgreSQL, so they stay queryable there).
What the registry filters on (case, names, status, priority, category,
nationality) are plain indexed columns.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue

ID_LENGTH = 64
NAME_LENGTH = 200


class CaseRow(Base):
    __tablename__ = "cases"
    # The case list's order (most urgent first, then registration, then id) as an index, so
    # a page walks it instead of sorting every case (migration 0300_list_order).
    __table_args__ = (
        Index("ix_cases_list_order", "priority_rank", "registered_on", "case_id"),
        # The list filtered by one need, in list order (migration 0320_case_needs).
        *(Index(f"ix_cases_{flag}", flag, "priority_rank", "registered_on", "case_id")
          for flag in ("needs_large_family", "needs_medical", "needs_accessible")),
    )

    case_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    principal_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    processing_priority: Mapped[str] = mapped_column(String(16), index=True)
    # Priority.rank of processing_priority (0 emergency first), written with it by case_to_row.
    priority_rank: Mapped[int] = mapped_column(Integer, server_default=text("2"))
    status: Mapped[str] = mapped_column(String(32), index=True)
    primary_category: Mapped[str | None] = mapped_column(String(40), index=True)
    secondary_category: Mapped[str | None] = mapped_column(String(40))
    registered_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic concurrency: every write checks and increments it (repository.update_case).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Needs derived from the members, written with them by case_to_row, so the case list can
    # filter by need with an index. School places depend on the day: found from birth dates.
    needs_large_family: Mapped[bool] = mapped_column(Boolean, server_default=false())
    needs_medical: Mapped[bool] = mapped_column(Boolean, server_default=false())
    needs_accessible: Mapped[bool] = mapped_column(Boolean, server_default=false())


class PersonRow(Base):
    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_case_member", "case_id", "member_index"),
        Index("ix_persons_family_name", "family_name"),
        Index("ix_persons_family_name_original", "family_name_original"),
        Index("ix_persons_birth_date_case", "birth_date", "case_id"),  # school-age members
    )

    person_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.case_id", ondelete="CASCADE")
    )
    member_index: Mapped[int] = mapped_column(Integer)  # order of members within the case
    given_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    family_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    given_name_original: Mapped[str] = mapped_column(String(NAME_LENGTH))
    family_name_original: Mapped[str] = mapped_column(String(NAME_LENGTH))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    birth_date_precision: Mapped[str] = mapped_column(String(16))
    nationality: Mapped[str] = mapped_column(String(3), index=True)
    relationship: Mapped[str] = mapped_column(String(32))
    education: Mapped[str] = mapped_column(String(16))
    occupation: Mapped[str] = mapped_column(Text)
    # Languages, relatives, skills, specific needs and feared countries: one JSON object, keys
    # left out when empty (see mapping.PLAIN_DETAILS).
    details: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    # Medical conditions, exclusion profiles and sensitive specific needs: the AES-GCM
    # ciphertext of their JSON (mapping.SEALED_DETAILS, sealing.py); NULL when none.
    sealed_details: Mapped[str | None] = mapped_column(Text, nullable=True)


class LocalityRow(Base):
    __tablename__ = "localities"

    locality_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    region: Mapped[str] = mapped_column(String(NAME_LENGTH))
    services: Mapped[list[str]] = mapped_column(JsonValue)
    capacity: Mapped[dict[str, int]] = mapped_column(JsonValue)
    languages: Mapped[list[str]] = mapped_column(JsonValue)
    urban: Mapped[bool] = mapped_column(Boolean)


class PledgeRow(Base):
    __tablename__ = "pledges"

    pledge_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    places_persons: Mapped[int] = mapped_column(Integer)
    max_case_size: Mapped[int | None] = mapped_column(Integer)
    # NULL: the pledge supports any service; a list: only those.
    services_supported: Mapped[list[str] | None] = mapped_column(JsonValue)
    security_vetting_required: Mapped[bool] = mapped_column(Boolean)
    excluded_profiles: Mapped[list[str]] = mapped_column(JsonValue)


REGISTRY_TABLES = (
    CaseRow.__table__,
    PersonRow.__table__,
    LocalityRow.__table__,
    PledgeRow.__table__,
)
