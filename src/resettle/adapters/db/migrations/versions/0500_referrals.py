"""Referral stage: where each referral stands, split decisions, withdrawals.

Adds to host_referrals: state (pending, more_information, accepted, split, refused,
not_considered, split_declined, withdrawn; rows before this revision take their decision),
submission_priority, accepted_persons (a split decision), withdrawn_at/by, withdrawal_reason
and resolved_by (the protection officer who resolved a split).

Revision ID: 0500_referrals
Revises: 0100_security
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0500_referrals"
down_revision: str | Sequence[str] | None = "0100_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
COLUMNS = (
    sa.Column("state", sa.String(20), server_default="pending", nullable=False),
    sa.Column("submission_priority", sa.String(16), server_default="", nullable=False),
    sa.Column("accepted_persons", sa.Text(), server_default="", nullable=False),
    sa.Column("withdrawn_at", WHEN, nullable=True),
    sa.Column("withdrawn_by", sa.String(80), nullable=True),
    sa.Column("withdrawal_reason", sa.Text(), server_default="", nullable=False),
    sa.Column("resolved_by", sa.String(80), server_default="", nullable=False),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("host_referrals", column)
    op.execute(sa.text("UPDATE host_referrals SET state = decision"))


def downgrade() -> None:
    with op.batch_alter_table("host_referrals") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
