"""Name search by index: trigrams of every person's names (SQLite FTS5, PostgreSQL pg_trgm).

A search by name matches a substring of any of a person's four names (Latin and original
script). Without an index every search read all persons: 200 ms at 140,000 persons, most of
a busy server's time. SQLite: an FTS5 table with the trigram tokenizer, one row per person
(its rowid is the person's), kept in step by triggers whatever writes the persons. PostgreSQL:
trigram GIN indexes on the lowered names, when the pg_trgm extension can be installed (a
trusted extension since PostgreSQL 13); without it searches stay correct, only slower.

Revision ID: 0310_name_search
Revises: 0300_list_order
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0310_name_search"
down_revision: str | Sequence[str] | None = "0300_list_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_COLUMNS = ("given_name", "family_name", "given_name_original", "family_name_original")
# The unit separator: no search text contains it, so no match runs from one name into the next.
JOINED = " || char(31) || ".join(f"{{row}}.{column}" for column in NAME_COLUMNS)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    elif op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()


def _upgrade_sqlite() -> None:
    op.execute("CREATE VIRTUAL TABLE person_names USING fts5(names, case_id UNINDEXED, "
               "tokenize = 'trigram')")
    op.execute("INSERT INTO person_names (rowid, names, case_id) "
               f"SELECT rowid, {JOINED.format(row='persons')}, case_id FROM persons")
    insert = ("INSERT INTO person_names (rowid, names, case_id) "
              f"VALUES (new.rowid, {JOINED.format(row='new')}, new.case_id);")
    delete = "DELETE FROM person_names WHERE rowid = old.rowid;"
    op.execute(f"CREATE TRIGGER persons_names_insert AFTER INSERT ON persons BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER persons_names_delete AFTER DELETE ON persons BEGIN {delete} END")
    op.execute("CREATE TRIGGER persons_names_update AFTER UPDATE ON persons "
               f"BEGIN {delete} {insert} END")


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    with bind.begin_nested() as attempt:  # a savepoint: a refusal must not end the migration
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            attempt.rollback()
            return
    for column in NAME_COLUMNS:
        op.execute(f"CREATE INDEX ix_persons_trgm_{column} ON persons "
                   f"USING gin (lower({column}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS persons_names_{trigger}")
        op.execute("DROP TABLE IF EXISTS person_names")
    else:
        for column in NAME_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_persons_trgm_{column}")
