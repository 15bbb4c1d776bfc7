"""Security tables: users, sessions, audit chain, encrypted case notes, host-state referrals.

Revision ID: 0100_security
Revises: 0001_registry
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0100_security"
down_revision: str | Sequence[str] | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=64)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("state", sa.String(3), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret_enc", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], ondelete="CASCADE",
                                name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("token_digest", name=op.f("pk_user_sessions")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    for column in ("actor", "action", "subject_id"):
        op.create_index(op.f(f"ix_audit_log_{column}"), "audit_log", [column])
    op.create_table(
        "audit_head",
        sa.Column("head_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("head_id", name=op.f("pk_audit_head")),
    )
    op.execute(sa.text("INSERT INTO audit_head (head_id, seq, entry_hash) VALUES (1, 0, '"
                       + "0" * 64 + "')"))
    op.create_table(
        "case_notes",
        sa.Column("note_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("section", sa.String(16), nullable=False),
        sa.Column("text_enc", sa.Text(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], ondelete="CASCADE",
                                name=op.f("fk_case_notes_case_id_cases")),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_case_id"), "case_notes", ["case_id"])
    op.create_table(
        "host_referrals",
        sa.Column("referral_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("referred_at", WHEN, nullable=False),
        sa.Column("referred_by", sa.String(80), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], ondelete="CASCADE",
                                name=op.f("fk_host_referrals_case_id_cases")),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_host_referrals")),
    )
    op.create_index(op.f("ix_host_referrals_case_id"), "host_referrals", ["case_id"])
    op.create_index("ix_host_referrals_country_case", "host_referrals", ["country", "case_id"])


def downgrade() -> None:
    for table in ("host_referrals", "case_notes", "audit_head", "audit_log", "user_sessions",
                  "users"):
        op.drop_table(table)
