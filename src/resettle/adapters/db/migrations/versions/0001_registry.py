"""Registry tables: cases, persons, localities, pledges.

Revision ID: 0001_registry
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_registry"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
ID = sa.String(length=64)
NAME = sa.String(length=200)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("principal_id", ID, nullable=False),
        sa.Column("processing_priority", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("primary_category", sa.String(length=40), nullable=True),
        sa.Column("secondary_category", sa.String(length=40), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_cases")),
    )
    op.create_index(op.f("ix_cases_primary_category"), "cases", ["primary_category"])
    op.create_index(op.f("ix_cases_processing_priority"), "cases", ["processing_priority"])
    op.create_index(op.f("ix_cases_status"), "cases", ["status"])

    op.create_table(
        "persons",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("member_index", sa.Integer(), nullable=False),
        sa.Column("given_name", NAME, nullable=False),
        sa.Column("family_name", NAME, nullable=False),
        sa.Column("given_name_original", NAME, nullable=False),
        sa.Column("family_name_original", NAME, nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_date_precision", sa.String(length=16), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("relationship", sa.String(length=32), nullable=False),
        sa.Column("education", sa.String(length=16), nullable=False),
        sa.Column("occupation", sa.Text(), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.case_id"],
            name=op.f("fk_persons_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_persons")),
    )
    op.create_index("ix_persons_case_member", "persons", ["case_id", "member_index"])
    op.create_index("ix_persons_family_name", "persons", ["family_name"])
    op.create_index("ix_persons_family_name_original", "persons", ["family_name_original"])
    op.create_index(op.f("ix_persons_nationality"), "persons", ["nationality"])

    op.create_table(
        "localities",
        sa.Column("locality_id", ID, nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("region", NAME, nullable=False),
        sa.Column("services", JSON, nullable=False),
        sa.Column("capacity", JSON, nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("urban", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("locality_id", name=op.f("pk_localities")),
    )
    op.create_index(op.f("ix_localities_country"), "localities", ["country"])

    op.create_table(
        "pledges",
        sa.Column("pledge_id", ID, nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("places_persons", sa.Integer(), nullable=False),
        sa.Column("max_case_size", sa.Integer(), nullable=True),
        sa.Column("services_supported", JSON, nullable=True),
        sa.Column("security_vetting_required", sa.Boolean(), nullable=False),
        sa.Column("excluded_profiles", JSON, nullable=False),
        sa.PrimaryKeyConstraint("pledge_id", name=op.f("pk_pledges")),
    )
    op.create_index(op.f("ix_pledges_country"), "pledges", ["country"])


def downgrade() -> None:
    op.drop_table("pledges")
    op.drop_table("localities")
    op.drop_table("persons")
    op.drop_table("cases")
