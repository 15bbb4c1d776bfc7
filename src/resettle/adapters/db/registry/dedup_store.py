"""``DecisionStore`` on the database, and the trained models."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.dedup_keys import index_cases
from resettle.adapters.db.registry.dedup_tables import (
    DedupDecisionRow,
    DedupMergeRow,
    DedupModelRow,
    DedupPairRow,
)
from resettle.adapters.db.registry.mapping import needs_flags
from resettle.adapters.db.registry.members import survivors
from resettle.adapters.db.registry.store import get_cases
from resettle.adapters.db.registry.tables import CaseRow, PersonRow
from resettle.errors import NotFoundError
from resettle.registry.dedup.merging import MergeStatus, PersonMerge
from resettle.registry.dedup.records import (
    Agreement,
    Decision,
    MatchPair,
    PairDecision,
    pair_key,
)


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


class SqlPairStore:
    """``PairStore``: candidate pairs for the review queue, one row per pair of ids."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save_pairs(self, pairs: Iterable[MatchPair], *, found_by: str) -> int:
        count = 0
        for pair in pairs:
            first, second = pair_key(pair.left_id, pair.right_id)
            row = self._session.get(DedupPairRow, (first, second)) or DedupPairRow(
                person_id=first, other_person_id=second)
            row.probability, row.weight = pair.match_probability, pair.match_weight
            row.agreements = json.dumps([[a.field, a.level, a.weight]
                                         for a in pair.agreements], ensure_ascii=False)
            row.found_by = found_by
            self._session.add(row)
            count += 1
        self._session.flush()
        return count

    def pairs(self, limit: int) -> list[MatchPair]:
        rows = self._session.scalars(select(DedupPairRow)
                                     .order_by(DedupPairRow.probability.desc()).limit(limit))
        return [MatchPair(r.person_id, r.other_person_id, r.probability, r.weight,
                          tuple(Agreement(*a) for a in json.loads(r.agreements)))
                for r in rows]


class SqlMergeStore:
    """``MergeStore`` on the database."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def new_merge_id(self) -> str:
        return f"DM-{uuid.uuid4().hex[:12]}"

    def save_merge(self, merge: PersonMerge) -> None:
        values = asdict(merge)
        values["status"] = merge.status.value
        values["moved_ids"] = " ".join(merge.moved_ids)
        row = self._session.get(DedupMergeRow, merge.merge_id) or DedupMergeRow()
        for name, value in values.items():
            setattr(row, name, value)
        self._session.add(row)
        self._session.flush()
        if merge.status in {MergeStatus.MERGED, MergeStatus.REVERSED}:
            _follow_members(self._session, merge)

    def get_merge(self, merge_id: str) -> PersonMerge:
        row = self._session.get(DedupMergeRow, merge_id)
        if row is None:
            raise NotFoundError(f"no merge {merge_id!r}")
        return _merge_of(row)

    def merges(self) -> list[PersonMerge]:
        rows = self._session.scalars(select(DedupMergeRow)
                                     .order_by(DedupMergeRow.proposed_at.desc()))
        return [_merge_of(row) for row in rows]


    def survivors(self, person_ids: Iterable[str]) -> dict[str, str]:
        return survivors(self._session, person_ids)


def _follow_members(session: Session, merge: PersonMerge) -> None:
    """Keep what is derived from the members of both records' cases in step with a merge
    taking effect or undone, in its transaction: the cases' need flags (``needs_flags``: a
    merged-away member's medical need stops counting, a reversal restores it), and the
    deduplication index (their members' relatives keys name the household without the
    merged-away record, or with it again; a merged-away record leaves the index, so a
    registration check meets its survivor instead)."""
    people = (merge.kept_person_id, merge.duplicate_person_id)
    case_ids = set(session.scalars(select(PersonRow.case_id)
                                   .where(PersonRow.person_id.in_(people))))
    cases = list(get_cases(session, case_ids=case_ids).values())
    session.execute(update(CaseRow), [{"case_id": case.case_id, **needs_flags(case)}
                                      for case in cases])
    dropped = [merge.duplicate_person_id] if merge.merges_away else []
    index_cases(session, cases, removed=dropped)


def _merge_of(row: DedupMergeRow) -> PersonMerge:
    values = {f.name: getattr(row, f.name) for f in fields(PersonMerge)}
    values["status"] = MergeStatus(row.status)
    values["moved_ids"] = tuple(row.moved_ids.split())
    return PersonMerge(**values)
