"""``DecisionStore`` on the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_tables import DedupDecisionRow
from resettle.registry.dedup.records import Decision, PairDecision


class SqlDecisionStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save_decision(self, decision: PairDecision) -> None:
        first, second = decision.pair
        row = self._session.get(DedupDecisionRow, (first, second)) or DedupDecisionRow(
            person_id=first, other_person_id=second)
        row.decision = decision.decision.value
        row.officer = decision.officer
        row.reason = decision.reason
        row.decided_at = decision.decided_at
        self._session.add(row)
        self._session.flush()

    def decisions(self) -> dict[tuple[str, str], PairDecision]:
        rows = self._session.scalars(select(DedupDecisionRow))
        found = (PairDecision(r.person_id, r.other_person_id, Decision(r.decision), r.officer,
                              r.reason, r.decided_at) for r in rows)
        return {d.pair: d for d in found}
