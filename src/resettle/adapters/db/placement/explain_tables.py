"""Explanations stored with each placement run: per case (score where placed, best allowed
alternative and why not) and per locality and dimension (LP shadow prices). Stored when the
run is made, because the inputs themselves are not kept (only their fingerprint)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue

ID = 64


class PlacementCaseExplanationRow(Base):
    __tablename__ = "placement_case_explanations"

    run_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("placement_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    alternative_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    alternative_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    why_not: Mapped[str] = mapped_column(Text)
    not_allowed: Mapped[list[Any]] = mapped_column(JsonValue)  # [[locality_id, rule], ...]


class PlacementShadowPriceRow(Base):
    __tablename__ = "placement_shadow_prices"

    run_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("placement_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    locality_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(ID), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer)
    # NULL when the LP relaxation did not solve to optimality (no price known)
    outcome_price: Mapped[float | None] = mapped_column(Float, nullable=True)
    persons_price: Mapped[float | None] = mapped_column(Float, nullable=True)
