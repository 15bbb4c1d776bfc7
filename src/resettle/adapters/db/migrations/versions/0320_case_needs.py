"""Case needs as indexed columns, so the case list filters by need without reading persons.

Three flags on each case, derived from its members and written with them (mapping.case_to_row):
a large family (6 or more persons), a member needing a medical place (a severe or critical
condition), a member needing accessible housing (wheelchair user, mobility impairment). Each
has an index in list order. School places depend on the day, so they are found from the
members' birth dates: an index on persons (birth_date, case_id).

Existing cases are filled in here from their members' plaintext details. A member's medical
conditions stored encrypted (0400_sealed_columns) cannot be read without the keys, which a
migration does not have: such a case gets its medical flag when it is next stored (an import
of the same files, or any change to the case).

Revision ID: 0320_case_needs
Revises: 0310_name_search
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0320_case_needs"
down_revision: str | Sequence[str] | None = "0310_name_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than imported: a migration must not change when the app does.
LARGE_FAMILY_SIZE = 6
MEDICAL_PLACE_SEVERITIES = {"severe", "critical"}
MOBILITY_NEEDS = {"wheelchair_user", "mobility_impairment"}
FLAGS = ("needs_large_family", "needs_medical", "needs_accessible")


def upgrade() -> None:
    for flag in FLAGS:
        op.add_column("cases", sa.Column(flag, sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    _fill_in(op.get_bind())
    for flag in FLAGS:
        op.create_index(f"ix_cases_{flag}", "cases",
                        [flag, "priority_rank", "registered_on", "case_id"])
    op.create_index("ix_persons_birth_date_case", "persons", ["birth_date", "case_id"])


def _fill_in(connection: sa.Connection) -> None:
    persons = sa.table("persons", sa.column("case_id", sa.String()),
                       sa.column("details", sa.JSON()))
    flags: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(FLAGS, False))
    sizes: dict[str, int] = defaultdict(int)
    for case_id, stored in connection.execute(sa.select(persons.c.case_id,
                                                        persons.c.details)):
        sizes[case_id] += 1
        details = stored or {}
        case = flags[case_id]
        case["needs_medical"] |= any(c.get("severity") in MEDICAL_PLACE_SEVERITIES
                                     for c in details.get("medical_conditions", ()))
        case["needs_accessible"] |= bool(MOBILITY_NEEDS & set(details.get("specific_needs",
                                                                          ())))
    for case_id, size in sizes.items():
        flags[case_id]["needs_large_family"] = size >= LARGE_FAMILY_SIZE
    changed = [{"id": case_id, **values} for case_id, values in flags.items()
               if any(values.values())]
    if changed:
        cases = sa.table("cases", sa.column("case_id", sa.String()),
                         *(sa.column(flag, sa.Boolean()) for flag in FLAGS))
        connection.execute(
            cases.update().where(cases.c.case_id == sa.bindparam("id"))
            .values({flag: sa.bindparam(flag) for flag in FLAGS}), changed)


def downgrade() -> None:
    op.drop_index("ix_persons_birth_date_case", table_name="persons")
    for flag in FLAGS:
        op.drop_index(f"ix_cases_{flag}", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        for flag in FLAGS:
            batch.drop_column(flag)
