"""The referral stage's table: one row per case referred to a host state.

Written by the referral service in the same transaction as the workflow step it records
(``refer``, a host decision, a withdrawal), so the row and the case history never drift.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resettle.adapters.db.base import Base

ID = 64


class ReferralRow(Base):
    """A case referred to a host state, that state's answer, and any withdrawal."""

    __tablename__ = "host_referrals"
    __table_args__ = (Index("ix_host_referrals_country_case", "country", "case_id"),)

    referral_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    country: Mapped[str] = mapped_column(String(3))
    referred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    referred_by: Mapped[str] = mapped_column(String(80))
    # The host state's last answer (referral.records.HostDecision), or "pending".
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where the referral stands (referral.records.ReferralState): access and exclusion follow.
    state: Mapped[str] = mapped_column(String(20), server_default="pending")
    submission_priority: Mapped[str] = mapped_column(String(16), server_default="")
    accepted_persons: Mapped[str] = mapped_column(Text, server_default="")  # split: ids, commas
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawal_reason: Mapped[str] = mapped_column(Text, server_default="")
    resolved_by: Mapped[str] = mapped_column(String(80), server_default="")
