"""Case list order: a stored priority rank and an index matching the list's ORDER BY.

The registry list orders by priority (emergency, urgent, normal), registration date and id.
Sorting by a CASE over the priority made every page sort all cases; with the rank stored and
indexed, SQLite and PostgreSQL walk the index and read only the page.

Revision ID: 0300_list_order
Revises: 0001_registry
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0300_list_order"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
# The ranks of resettle.core.Priority; anything else sorted last before (rank 3).
RANKS = {"emergency": 0, "urgent": 1, "normal": 2}


def upgrade() -> None:
    op.add_column(
        "cases",
        sa.Column("priority_rank", sa.Integer(), server_default=sa.text("2"), nullable=False),
    )
    whens = " ".join(f"WHEN '{value}' THEN {rank}" for value, rank in RANKS.items())
    op.execute(f"UPDATE cases SET priority_rank = CASE processing_priority {whens} ELSE 3 END")
    op.create_index("ix_cases_list_order", "cases", ["priority_rank", "registered_on", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_list_order", table_name="cases")
    op.drop_column("cases", "priority_rank")
