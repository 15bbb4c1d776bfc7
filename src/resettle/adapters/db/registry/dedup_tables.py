"""Officers' decisions about candidate duplicate pairs (``resettle dedup decide``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String, Text
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


class DedupPairRow(Base):
    """A candidate pair found by a run or an import (migration 1110_dedup_review): the queue."""

    __tablename__ = "dedup_pairs"
    __table_args__ = (Index("ix_dedup_pairs_probability", "probability"),)

    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)  # the smaller id
    other_person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    probability: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    agreements: Mapped[str] = mapped_column(Text)  # JSON: [[field, level, weight], ...]
    found_by: Mapped[str] = mapped_column(String(32))  # "run" or "import"


class DedupMergeRow(Base):
    """A merge of two records of one person, proposed, in effect, refused or reversed."""

    __tablename__ = "dedup_merges"

    merge_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    kept_person_id: Mapped[str] = mapped_column(String(ID), index=True)
    duplicate_person_id: Mapped[str] = mapped_column(String(ID), index=True)
    target_case_id: Mapped[str] = mapped_column(String(ID))
    source_case_id: Mapped[str] = mapped_column(String(ID))
    status: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[str] = mapped_column(String(128))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    needs_second_officer: Mapped[bool] = mapped_column(Boolean)
    moved_ids: Mapped[str] = mapped_column(Text)  # space-separated person ids
    source_principal_id: Mapped[str] = mapped_column(String(ID))
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversed_by: Mapped[str] = mapped_column(String(128))
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversal_case_id: Mapped[str] = mapped_column(String(ID))
