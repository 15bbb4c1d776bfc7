"""Screening tables: case events, interviews, consent, exclusion reviews, confidential
statements, no-return declarations and the operation's screening settings.

Records about a person (interviews, consent, reviews, declarations) are keyed by person and
follow them through splits and merges; ``case_id`` there says where they were recorded.
Confidential statements live in their own table so no query of the case file reaches them.
Events and records are append-only, except a review's progress (open, assessed, decided).
Interview and consent notes, confidential statements and a review's content are stored
encrypted (``*_enc`` columns, see sealing.py); the plain columns beside them stay empty except
in rows written before migration 0400_sealed_columns, until ``resettle keys rotate``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue

ID = 64
NAME = 200


class CaseEventRow(Base):
    __tablename__ = "case_events"

    case_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True
    )
    # (case_id, sequence) as the key: two writers cannot both append event n.
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(NAME))
    at: Mapped[datetime] = mapped_column(DateTime)
    # The reason is sealed in reason_enc (it can name a diagnosis, violence or an alleged
    # crime); the plain column stays empty except in rows from before migration 0600.
    reason: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, str]] = mapped_column(JsonValue)
    reason_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class InterviewRow(Base):
    __tablename__ = "screening_interviews"

    interview_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    interviewer: Mapped[str] = mapped_column(String(NAME))
    held_at: Mapped[datetime] = mapped_column(DateTime)
    language: Mapped[str] = mapped_column(String(3))
    others_present: Mapped[list[dict[str, str]]] = mapped_column(JsonValue)
    private: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text)  # empty: only rows from before encryption
    notes_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConsentRow(Base):
    __tablename__ = "screening_consents"

    consent_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    given: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(NAME))
    private: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)  # empty: only rows from before encryption
    note_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ExclusionReviewRow(Base):
    __tablename__ = "exclusion_reviews"

    review_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    # Triggers, assessment and review reason (alleged crimes) are sealed in content_enc;
    # the plain columns stay empty except in rows from before encryption.
    triggers: Mapped[list[str]] = mapped_column(JsonValue)
    opened_by: Mapped[str] = mapped_column(String(NAME))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16), index=True)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)
    reviewer: Mapped[str] = mapped_column(String(NAME))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_reason: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    returns: Mapped[list[str]] = mapped_column(JsonValue)
    content_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConfidentialStatementRow(Base):
    __tablename__ = "confidential_statements"

    statement_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    text: Mapped[str] = mapped_column(Text)  # empty: only rows from before encryption
    text_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(NAME))
    at: Mapped[datetime] = mapped_column(DateTime)


class NoReturnDeclarationRow(Base):
    __tablename__ = "no_return_declarations"

    declaration_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    country: Mapped[str] = mapped_column(String(3))
    declared_by: Mapped[str] = mapped_column(String(NAME))
    at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)  # empty: only rows from before migration 0600
    reason_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ScreeningSettingsRow(Base):
    __tablename__ = "screening_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JsonValue)
