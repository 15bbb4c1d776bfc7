"""Placement: runs, proposed assignments, caseworker decisions.

Revision ID: 0200_placement
Revises: 0001_registry
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0200_placement"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "placement_runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("solver", sa.String(length=32), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("tiers", JSON, nullable=False),
        sa.Column("persons_placed", JSON, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_placement_runs")),
    )
    op.create_index(op.f("ix_placement_runs_created_at"), "placement_runs", ["created_at"])
    op.create_index(op.f("ix_placement_runs_inputs_hash"), "placement_runs", ["inputs_hash"])
    op.create_table(
        "placement_assignments",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("locality_id", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["placement_runs.run_id"],
                                name=op.f("fk_placement_assignments_run_id_placement_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "case_id", name=op.f("pk_placement_assignments")),
    )
    op.create_table(
        "placement_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("locality_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["placement_runs.run_id"],
                                name=op.f("fk_placement_decisions_run_id_placement_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_placement_decisions")),
    )
    op.create_index(op.f("ix_placement_decisions_case_id"), "placement_decisions", ["case_id"])
    op.create_index(op.f("ix_placement_decisions_run_id"), "placement_decisions", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_placement_decisions_run_id"), table_name="placement_decisions")
    op.drop_index(op.f("ix_placement_decisions_case_id"), table_name="placement_decisions")
    op.drop_table("placement_decisions")
    op.drop_table("placement_assignments")
    op.drop_index(op.f("ix_placement_runs_inputs_hash"), table_name="placement_runs")
    op.drop_index(op.f("ix_placement_runs_created_at"), table_name="placement_runs")
    op.drop_table("placement_runs")
