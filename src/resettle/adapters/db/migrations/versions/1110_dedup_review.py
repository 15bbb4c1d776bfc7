"""Deduplication review: candidate pairs kept for the queue, and merges of persons.

Revision ID: 1110_dedup_review
Revises: 1100_dedup_keys
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1110_dedup_review"
down_revision: str | Sequence[str] | None = "1100_dedup_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "dedup_pairs",
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("other_person_id", sa.String(length=ID), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("agreements", sa.Text(), nullable=False),
        sa.Column("found_by", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "other_person_id", name=op.f("pk_dedup_pairs")),
    )
    op.create_index("ix_dedup_pairs_probability", "dedup_pairs", ["probability"])
    op.create_table(
        "dedup_merges",
        sa.Column("merge_id", sa.String(length=ID), nullable=False),
        sa.Column("kept_person_id", sa.String(length=ID), nullable=False),
        sa.Column("duplicate_person_id", sa.String(length=ID), nullable=False),
        sa.Column("target_case_id", sa.String(length=ID), nullable=False),
        sa.Column("source_case_id", sa.String(length=ID), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=128), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("needs_second_officer", sa.Boolean(), nullable=False),
        sa.Column("moved_ids", sa.Text(), nullable=False),
        sa.Column("source_principal_id", sa.String(length=ID), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.String(length=128), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversal_case_id", sa.String(length=ID), nullable=False),
        sa.PrimaryKeyConstraint("merge_id", name=op.f("pk_dedup_merges")),
    )
    op.create_index(op.f("ix_dedup_merges_kept_person_id"), "dedup_merges", ["kept_person_id"])
    op.create_index(op.f("ix_dedup_merges_duplicate_person_id"), "dedup_merges",
                    ["duplicate_person_id"])


def downgrade() -> None:
    op.drop_table("dedup_merges")
    op.drop_index("ix_dedup_pairs_probability", table_name="dedup_pairs")
    op.drop_table("dedup_pairs")
