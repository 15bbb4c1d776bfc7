"""The screening workflow as deduplication uses it (``registry.dedup.ports.Workflow``).

Merges and splits go through ``screening.casework`` on the screening store, so they are the
workflow's own steps: checked (a case under exclusion review or appeal cannot merge), written
with their events on both cases, and the case versions moved on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.core.status import CaseStatus
from resettle.registry.dedup.ports import CaseFacts
from resettle.screening import casework
from resettle.screening.workflow import PIPELINE, Action

# From the interview on, a merge needs a second officer (four eyes).
INTERVIEWED_FROM = PIPELINE.index(CaseStatus.INTERVIEWED)


class ScreeningWorkflow:
    def __init__(self, session: Session) -> None:
        self._store = SqlScreeningStore(session)

    def case_of_person(self, person_id: str) -> CaseFacts:
        case = self._store.get_case(self._store.case_of_person(person_id))
        history = self._store.history(case.case_id)
        interviewed = any(e.action == Action.COMPLETE_INTERVIEWS for e in history) or (
            case.status not in PIPELINE or PIPELINE.index(case.status) >= INTERVIEWED_FROM)
        return CaseFacts(case.case_id, case.principal_id,
                         tuple(m.person_id for m in case.members), interviewed)

    def merge_cases(self, target_case_id: str, source_case_id: str, *, actor: str,
                    reason: str) -> None:
        casework.merge_cases(self._store, target_case_id, source_case_id, actor=actor,
                             reason=reason)

    def split_out(self, case_id: str, member_ids: frozenset[str], *, principal_id: str,
                  actor: str, reason: str) -> str:
        case = self._store.get_case(case_id)
        remaining = None
        if case.principal_id in member_ids:
            remaining = next(m.person_id for m in case.members if m.person_id not in member_ids)
        _, new = casework.split_case(self._store, case_id, member_ids,
                                     new_principal_id=principal_id, actor=actor, reason=reason,
                                     remaining_principal_id=remaining)
        return new.case_id
