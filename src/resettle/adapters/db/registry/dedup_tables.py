"""Officers' decisions about candidate duplicate pairs (``resettle dedup decide``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base

ID = 64


class DedupDecisionRow(Base):
    __tablename__ = "dedup_decisions"

    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)  # the smaller id
    other_person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    decision: Mapped[str] = mapped_column(String(32))
    officer: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
