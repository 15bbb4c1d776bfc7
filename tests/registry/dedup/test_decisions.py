"""Officers' decisions about candidate pairs: validation, the review queue, both stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_store import SqlDecisionStore
from resettle.errors import ValidationError
from resettle.registry.dedup import (
    Decision,
    DedupResult,
    MatchPair,
    decide_pair,
    review_queue,
)
from resettle.registry.dedup.ports import DecisionStore, MemoryDecisionStore

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _result() -> DedupResult:
    return DedupResult(pairs=(MatchPair("P-2", "P-1", 0.97, 8.1), MatchPair("P-3", "P-4", 0.6, 1.0),
                              MatchPair("P-5", "P-6", 0.8, 3.0)))


def test_a_decided_pair_leaves_the_queue_whichever_id_comes_first() -> None:
    store = MemoryDecisionStore()
    assert [p.left_id for p in review_queue(_result(), store)] == ["P-2", "P-5", "P-3"]
    made = decide_pair(store, "P-1", "P-2", Decision.SAME_PERSON, officer="amina",
                       reason="same documents", now=NOW)
    assert made.pair == ("P-1", "P-2")
    assert [p.left_id for p in review_queue(_result(), store)] == ["P-5", "P-3"]


def test_every_problem_of_a_decision_is_listed() -> None:
    with pytest.raises(ValidationError) as raised:
        decide_pair(MemoryDecisionStore(), "P-1", "P-1", Decision.SAME_PERSON, officer=" ",
                    reason="", now=NOW)
    assert {issue.field for issue in raised.value.issues} == {
        "other_person_id", "officer", "reason"}


def test_the_database_store_keeps_the_latest_decision(session: Session) -> None:
    store: DecisionStore = SqlDecisionStore(session)
    decide_pair(store, "P-2", "P-1", Decision.SAME_PERSON, officer="amina", reason="photo",
                now=NOW)
    decide_pair(store, "P-1", "P-2", Decision.DIFFERENT_PERSONS, officer="bruno",
                reason="different fathers' names", now=NOW)
    session.commit()
    stored = SqlDecisionStore(session).decisions()
    assert list(stored) == [("P-1", "P-2")]
    decision = stored[("P-1", "P-2")]
    assert (decision.decision, decision.officer) == (Decision.DIFFERENT_PERSONS, "bruno")
    assert decision.decided_at.replace(tzinfo=UTC) == NOW
