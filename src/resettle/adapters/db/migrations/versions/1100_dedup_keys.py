"""Deduplication index: blocking keys and comparison columns per person; trained models.

A new person is checked against the registry from the persons sharing one of its blocking
keys (``registry/dedup/blocking.py``): ``dedup_keys`` holds one row per (rule, key, person),
its primary key serving as the lookup index; ``dedup_features`` the person's comparison columns
(JSON) so a candidate is scored without romanizing its names again. Persons already stored are
indexed here; from then on every write of a case keeps the index in step (upsert.store_cases).
``dedup_models`` keeps the models ``resettle dedup run`` trains: the latest scores checks.

Revision ID: 1100_dedup_keys
Revises: 0800_dedup_decisions
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "1100_dedup_keys"
down_revision: str | Sequence[str] | None = "0800_dedup_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dedup_keys",
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("rule", "key", "person_id", name=op.f("pk_dedup_keys")),
    )
    op.create_index(op.f("ix_dedup_keys_person_id"), "dedup_keys", ["person_id"])
    op.create_table(
        "dedup_features",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_dedup_features")),
    )
    op.create_index(op.f("ix_dedup_features_case_id"), "dedup_features", ["case_id"])
    op.create_table(
        "dedup_models",
        sa.Column("model_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_dedup_models")),
    )
    _index_stored_persons()


def _index_stored_persons() -> None:
    from resettle.adapters.db.registry.dedup_keys import reindex_registry  # noqa: PLC0415

    session = Session(bind=op.get_bind())
    reindex_registry(session, merges=False)  # no merge before 1110_dedup_review makes them
    session.flush()


def downgrade() -> None:
    op.drop_table("dedup_models")
    op.drop_index(op.f("ix_dedup_features_case_id"), table_name="dedup_features")
    op.drop_table("dedup_features")
    op.drop_index(op.f("ix_dedup_keys_person_id"), table_name="dedup_keys")
    op.drop_table("dedup_keys")
