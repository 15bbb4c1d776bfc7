"""Which host states may see a case, in SQL: a liaison officer's record scope.

One query for lists and single reads alike, so that they agree (the parity test); the rule is
:func:`resettle.referral.records.state_may_see`.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, and_, select
from sqlalchemy.orm import Session

from resettle.adapters.db.referral.tables import ReferralRow
from resettle.adapters.db.registry.tables import CaseRow
from resettle.referral.records import ACCESS_STATES, CASE_ENDED

_referrals = cast(Table, ReferralRow.__table__)
_cases = cast(Table, CaseRow.__table__)


def with_access() -> Any:
    """records.state_may_see in SQL: an open or accepted referral of a case not ended."""
    ended = select(_cases.c.case_id).where(_cases.c.status.in_([str(s) for s in CASE_ENDED]))
    return and_(_referrals.c.state.in_([str(s) for s in ACCESS_STATES]),
                _referrals.c.case_id.not_in(ended))


def case_ids_with_access_query(country: str) -> Any:
    """The case ids ``country`` may see: a liaison's record scope in SQL, so that lists and
    single reads agree."""
    return select(_referrals.c.case_id).where(_referrals.c.country == country, with_access())


def states_with_access(session: Session, case_id: str) -> frozenset[str]:
    """Host states that may see the case now (a refusal or withdrawal ends it)."""
    return frozenset(session.scalars(select(_referrals.c.country).where(
        _referrals.c.case_id == case_id, with_access())))
