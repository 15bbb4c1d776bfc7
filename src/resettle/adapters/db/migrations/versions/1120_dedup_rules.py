"""Deduplication index under the tighter blocking rules: every stored person indexed again.

The rules of ``registry/dedup/settings.py`` changed (a given name and year now also need the
family skeleton's first letter; a shared date no longer counts when it is a 1 January
placeholder), and the comparison columns gained ``exact_dob`` and ``family_initial``. The keys
and columns of persons indexed before are rebuilt from the stored persons, so a check finds
them under the new rules; no table changes.

Revision ID: 1120_dedup_rules
Revises: 1110_dedup_review
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

revision: str = "1120_dedup_rules"
down_revision: str | Sequence[str] | None = "1110_dedup_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from resettle.adapters.db.registry.dedup_keys import reindex_registry  # noqa: PLC0415

    session = Session(bind=op.get_bind())
    reindex_registry(session)
    session.flush()


def downgrade() -> None:
    """The index is derived data: it is left as it is (a later upgrade rebuilds it)."""
