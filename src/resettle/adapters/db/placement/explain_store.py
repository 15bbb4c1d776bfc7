"""Store and read the explanations of a placement run. Never commits: the caller does."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from resettle.adapters.db.placement.explain_tables import (
    PlacementCaseExplanationRow,
    PlacementShadowPriceRow,
)
from resettle.placement.explain import CaseExplanation, ShadowPrice


def _stored(value: float) -> float | None:
    return None if math.isnan(value) else value  # NaN: the LP gave no price


def save_explanations(session: Session, *, run_id: str, cases: Sequence[CaseExplanation],
                      prices: Sequence[ShadowPrice]) -> None:
    session.add_all(
        PlacementCaseExplanationRow(
            run_id=run_id, case_id=c.case_id, alternative_id=c.alternative_id,
            alternative_score=c.alternative_score, why_not=c.why_not,
            not_allowed=[list(pair) for pair in c.not_allowed])
        for c in cases)
    session.add_all(
        PlacementShadowPriceRow(
            run_id=run_id, locality_id=p.locality_id, dimension=p.dimension,
            capacity=p.capacity, used=p.used, outcome_price=_stored(p.outcome_price),
            persons_price=_stored(p.persons_price))
        for p in prices)
    session.flush()


def case_explanations(session: Session, *, run_id: str,
                      placed: dict[str, tuple[str | None, float | None]]
                      ) -> dict[str, CaseExplanation]:
    """Explanations by case id; ``placed`` gives each case's locality and score (the run's)."""
    rows = session.scalars(select(PlacementCaseExplanationRow)
                           .where(PlacementCaseExplanationRow.run_id == run_id))
    out = {}
    for r in rows:
        loc, score = placed.get(r.case_id, (None, None))
        out[r.case_id] = CaseExplanation(
            r.case_id, loc, score, r.alternative_id, r.alternative_score, r.why_not,
            tuple((str(a), str(b)) for a, b in r.not_allowed))
    return out


def shadow_prices_of_run(session: Session, *, run_id: str) -> list[ShadowPrice]:
    rows = session.scalars(select(PlacementShadowPriceRow)
                           .where(PlacementShadowPriceRow.run_id == run_id)
                           .order_by(PlacementShadowPriceRow.locality_id,
                                     PlacementShadowPriceRow.dimension))
    return [ShadowPrice(r.locality_id, r.dimension, r.capacity, r.used,
                        math.nan if r.outcome_price is None else r.outcome_price,
                        math.nan if r.persons_price is None else r.persons_price)
            for r in rows]
