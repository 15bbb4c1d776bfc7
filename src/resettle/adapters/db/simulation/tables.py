"""The operation simulator's table: forecast runs with their inputs, seed and results.

Aggregates only: a run's inputs are model parameters and a registry day, its results are
simulated counts and dates; nothing here names a person or a case. ``started_by`` is the staff
account that asked for the run.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base, JsonValue


class ForecastRunRow(Base):
    __tablename__ = "forecast_runs"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[date | None] = mapped_column(Date, index=True)
    replications: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    results: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)
    error: Mapped[str] = mapped_column(Text, default="")
