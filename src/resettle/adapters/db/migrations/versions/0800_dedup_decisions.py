"""Deduplication: officers' decisions about candidate duplicate pairs.

Revision ID: 0800_dedup_decisions
Revises: 0001_registry
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0800_dedup_decisions"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dedup_decisions",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("other_person_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("officer", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "other_person_id", name=op.f("pk_dedup_decisions")),
    )


def downgrade() -> None:
    op.drop_table("dedup_decisions")
