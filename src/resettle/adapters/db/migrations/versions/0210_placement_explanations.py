"""Placement: explanations per case and shadow prices per locality and dimension, per run.

Revision ID: 0210_placement_explanations
Revises: 0200_placement
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0210_placement_explanations"
down_revision: str | Sequence[str] | None = "0200_placement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "placement_case_explanations",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("alternative_id", sa.String(length=64), nullable=True),
        sa.Column("alternative_score", sa.Float(), nullable=True),
        sa.Column("why_not", sa.Text(), nullable=False),
        sa.Column("not_allowed", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["placement_runs.run_id"],
            name=op.f("fk_placement_case_explanations_run_id_placement_runs"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "case_id", name=op.f("pk_placement_case_explanations")),
    )
    op.create_table(
        "placement_shadow_prices",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("locality_id", sa.String(length=64), nullable=False),
        sa.Column("dimension", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("outcome_price", sa.Float(), nullable=True),
        sa.Column("persons_price", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["placement_runs.run_id"],
            name=op.f("fk_placement_shadow_prices_run_id_placement_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "locality_id", "dimension",
                                name=op.f("pk_placement_shadow_prices")),
    )


def downgrade() -> None:
    op.drop_table("placement_shadow_prices")
    op.drop_table("placement_case_explanations")
