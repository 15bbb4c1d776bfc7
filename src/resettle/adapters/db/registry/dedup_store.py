"""``DecisionStore`` on the database, and the trained models."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_tables import DedupDecisionRow, DedupModelRow
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


def save_trained_model(session: Session, model: dict[str, Any], *, persons: int,
                       at: datetime) -> int:
    """Keep a model trained on the registry; the latest one scores checks and imports."""
    row = DedupModelRow(trained_at=at, persons=persons, model=json.dumps(model))
    session.add(row)
    session.flush()
    return row.model_id


def latest_model(session: Session) -> dict[str, Any] | None:
    """The model ``resettle dedup run`` trained last; None before the first run."""
    text = session.scalar(select(DedupModelRow.model)
                          .order_by(DedupModelRow.model_id.desc()).limit(1))
    if text is None:
        return None
    model: dict[str, Any] = json.loads(text)
    return model
