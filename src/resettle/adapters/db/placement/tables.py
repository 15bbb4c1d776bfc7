"""Placement tables: every run (inputs fingerprint, parameters, result), its proposed
placements, and the caseworkers' decisions on them (accept, or override with a reason)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue

ID = 64
NAME = 200


class PlacementRunRow(Base):
    __tablename__ = "placement_runs"

    run_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(NAME))
    label: Mapped[str] = mapped_column(String(NAME))
    inputs_hash: Mapped[str] = mapped_column(String(64), index=True)
    solver: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float, nullable=True)
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    seconds: Mapped[float] = mapped_column(Float)
    tiers: Mapped[dict[str, float]] = mapped_column(JsonValue)
    persons_placed: Mapped[dict[str, int]] = mapped_column(JsonValue)
    message: Mapped[str] = mapped_column(Text)


class PlacementAssignmentRow(Base):
    __tablename__ = "placement_assignments"

    run_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("placement_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    locality_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class PlacementDecisionRow(Base):
    __tablename__ = "placement_decisions"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("placement_runs.run_id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[str] = mapped_column(String(ID), index=True)
    action: Mapped[str] = mapped_column(String(16))
    locality_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(NAME))
    at: Mapped[datetime] = mapped_column(DateTime)
