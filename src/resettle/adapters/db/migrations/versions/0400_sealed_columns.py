"""Sealed columns: encrypted homes for medical, violence, exclusion and confidential values.

Adds, next to the plaintext columns they replace, nullable columns holding AES-GCM
ciphertexts (resettle.adapters.db.sealing): persons.sealed_details, screening_interviews.notes_enc,
screening_consents.note_enc, exclusion_reviews.content_enc, confidential_statements.text_enc.

The keys live outside the database and a migration must run without them, so rows written
before this revision keep their plaintext here; the application still reads them, and
`resettle keys rotate` encrypts them and empties the plaintext (docs/security.md).

Revision ID: 0400_sealed_columns
Revises: 0002_screening
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400_sealed_columns"
down_revision: str | Sequence[str] | None = "0002_screening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("persons", "sealed_details"),
    ("screening_interviews", "notes_enc"),
    ("screening_consents", "note_enc"),
    ("exclusion_reviews", "content_enc"),
    ("confidential_statements", "text_enc"),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Text(), nullable=True))


def downgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
