"""Reading cases to browse them: :class:`resettle.registry.ports.CaseReader` on one session.

A host state's record scope is the referral stage's access rule in SQL
(:mod:`resettle.adapters.db.referral.access`), so that lists and single reads agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from resettle.adapters.db.referral.access import case_ids_with_access_query, states_with_access
from resettle.adapters.db.registry.store import CasePage, find_cases, get_case, list_cases
from resettle.core import Case, CaseStatus, Category, Dimension, Priority


class SqlCaseReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_case(self, case_id: str) -> Case:
        return get_case(self._session, case_id=case_id)

    def host_states_seeing(self, case_id: str) -> frozenset[str]:
        return states_with_access(self._session, case_id)

    def list_cases(self, *, status: CaseStatus | None, priority: Priority | None,
                   category: Category | None, nationality: str | None, need: Dimension | None,
                   on: date, offset: int, limit: int, host_state: str | None) -> CasePage:
        return list_cases(self._session, status=status, priority=priority, category=category,
                          nationality=nationality, need=need, on=on, offset=offset,
                          limit=limit, within=_within(host_state))

    def find_cases(self, *, text: str, offset: int, limit: int,
                   host_state: str | None) -> CasePage:
        return find_cases(self._session, text=text, offset=offset, limit=limit,
                          within=_within(host_state))


def _within(host_state: str | None) -> Any:
    return None if host_state is None else case_ids_with_access_query(host_state)
