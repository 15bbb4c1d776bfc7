"""Security hardening (issue 18): sealed event and no-return reasons, TOTP replay, login delays.

- ``case_events.reason_enc`` and ``no_return_declarations.reason_enc``: the free-text reasons
  (they can name a diagnosis, violence survived or an alleged crime) move to AES-GCM
  ciphertexts. Existing rows are sealed here when the data keys are in the environment
  (``RESETTLE_KEY_FILE`` or ``RESETTLE_DATA_KEYS``, as for every command that opens the
  database); otherwise they keep their plaintext, still read correctly, until
  ``resettle keys rotate`` seals it. Either way the copies of an exclusion review's triggers
  in its ``open_exclusion_review`` event are removed now: the event keeps the review's id,
  and the review holds the triggers sealed.
- ``users.totp_last_step``: the last accepted TOTP time step, so a code works only once.
- ``login_throttle``: failed logins per source, for a delay that grows per source instead of
  a lock anyone could put on anyone's account.

Revision ID: 0600_security_hardening
Revises: 0400_sealed_columns, 0110_users_last_login
Create Date: 2026-12-07
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0600_security_hardening"
down_revision: str | Sequence[str] | None = ("0400_sealed_columns", "0110_users_last_login")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("resettle.migrations")


def upgrade() -> None:
    op.add_column("case_events", sa.Column("reason_enc", sa.Text(), nullable=True))
    op.add_column("no_return_declarations", sa.Column("reason_enc", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    )
    _seal_existing_reasons()


def _seal_existing_reasons() -> None:
    from resettle.adapters.db.security.rotation import (  # noqa: PLC0415 (tables known by then)
        drop_copied_triggers,
        seal_event_rows,
    )
    from resettle.security.crypto import KeyProblemError, load_keyring  # noqa: PLC0415

    connection = op.get_bind()
    try:
        keys = load_keyring()
    except KeyProblemError:
        dropped = drop_copied_triggers(connection)
        log.warning("no data keys: %d event(s) lost their copied exclusion triggers; run "
                    "`resettle keys rotate` to seal the event and no-return reasons", dropped)
        return
    seal_event_rows(connection, keys)


def downgrade() -> None:
    op.drop_table("login_throttle")
    for table, column in (("users", "totp_last_step"), ("no_return_declarations", "reason_enc"),
                          ("case_events", "reason_enc")):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
