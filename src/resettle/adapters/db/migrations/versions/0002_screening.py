"""Screening: case events, interviews, consent, exclusion reviews, confidential statements,
no-return declarations, screening settings.

Revision ID: 0002_screening
Revises: 0001_registry
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_screening"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "confidential_statements",
        sa.Column("statement_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_confidential_statements")),
    )
    op.create_index(
        op.f("ix_confidential_statements_person_id"),
        "confidential_statements",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "exclusion_reviews",
        sa.Column("review_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("triggers", JSON, nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("assessment", JSON, nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("returns", JSON, nullable=False),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_exclusion_reviews")),
    )
    op.create_index(
        op.f("ix_exclusion_reviews_person_id"), "exclusion_reviews", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_exclusion_reviews_state"), "exclusion_reviews", ["state"], unique=False
    )
    op.create_table(
        "no_return_declarations",
        sa.Column("declaration_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_no_return_declarations")),
    )
    op.create_index(
        op.f("ix_no_return_declarations_person_id"),
        "no_return_declarations",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "screening_consents",
        sa.Column("consent_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_screening_consents")),
    )
    op.create_index(
        op.f("ix_screening_consents_person_id"), "screening_consents", ["person_id"], unique=False
    )
    op.create_table(
        "screening_interviews",
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("interviewer", sa.String(length=200), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("others_present", JSON, nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_screening_interviews")),
    )
    op.create_index(
        op.f("ix_screening_interviews_person_id"),
        "screening_interviews",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "screening_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_screening_settings")),
    )
    op.create_table(
        "case_events",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.case_id"],
            name=op.f("fk_case_events_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "sequence", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_action"), "case_events", ["action"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_events_action"), table_name="case_events")
    op.drop_table("case_events")
    op.drop_table("screening_settings")
    op.drop_index(op.f("ix_screening_interviews_person_id"), table_name="screening_interviews")
    op.drop_table("screening_interviews")
    op.drop_index(op.f("ix_screening_consents_person_id"), table_name="screening_consents")
    op.drop_table("screening_consents")
    op.drop_index(op.f("ix_no_return_declarations_person_id"), table_name="no_return_declarations")
    op.drop_table("no_return_declarations")
    op.drop_index(op.f("ix_exclusion_reviews_state"), table_name="exclusion_reviews")
    op.drop_index(op.f("ix_exclusion_reviews_person_id"), table_name="exclusion_reviews")
    op.drop_table("exclusion_reviews")
    op.drop_index(
        op.f("ix_confidential_statements_person_id"), table_name="confidential_statements"
    )
    op.drop_table("confidential_statements")
