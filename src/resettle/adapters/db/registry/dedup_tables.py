"""Officers' decisions about candidate duplicate pairs (``resettle dedup decide``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
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


class DedupKeyRow(Base):
    """A person's blocking keys (migration 1100_dedup_keys): one row per (rule, key, person).

    A new person's candidates are the persons sharing one of its keys, found by this table's
    primary key as an index, so a check reads a few hundred rows, never the registry.
    """

    __tablename__ = "dedup_keys"

    rule: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. "family_key+birth_year"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True, index=True)


class DedupFeatureRow(Base):
    """A person's comparison columns as JSON (``features.person_features``), kept with the keys
    so a candidate is scored without reading or romanizing its record again."""

    __tablename__ = "dedup_features"

    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID), index=True)
    features: Mapped[str] = mapped_column(Text)


class DedupModelRow(Base):
    """A model trained on the registry by ``resettle dedup run`` (Splink's JSON): the latest is
    the one a registration check and an import use."""

    __tablename__ = "dedup_models"

    model_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    persons: Mapped[int] = mapped_column(Integer)  # how many persons it was trained on
    model: Mapped[str] = mapped_column(Text)
