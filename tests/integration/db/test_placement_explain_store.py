"""Explanations and shadow prices stored with a run read back as they were computed; the
ranking puts the place where one more would help most first."""

from __future__ import annotations

import math
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from resettle.adapters.db.placement.explain_store import (
    case_explanations,
    save_explanations,
    shadow_prices_of_run,
)
from resettle.adapters.db.placement.run_store import save_run
from resettle.placement.build import build_problem
from resettle.placement.explain import (
    ShadowPrice,
    explain_cases,
    rank_shadow_prices,
    shadow_prices,
)
from resettle.placement.records import PlacementCase, PlacementLocality
from resettle.placement.runs import make_run
from resettle.placement.solve import solve_placement


def test_explanations_round_trip(session: Session) -> None:
    cases = [PlacementCase("A", 1, no_return=frozenset({"IRQ"})), PlacementCase("B", 1)]
    locs = [PlacementLocality("TIR", "ALB", {"persons": 1}),
            PlacementLocality("BAG", "IRQ", {"persons": 5})]
    problem = build_problem(cases, locs, {("A", "TIR"): 0.9, ("B", "TIR"): 0.4,
                                          ("A", "BAG"): 0.99, ("B", "BAG"): 0.1})
    result = solve_placement(problem)
    run = make_run(problem, result, run_id="PR-1", created_at=datetime(2013, 5, 1),
                   created_by="officer", label="t", parameters={})
    explained, prices = explain_cases(problem, result), shadow_prices(problem, result)
    prices[1] = ShadowPrice(prices[1].locality_id, prices[1].dimension, prices[1].capacity,
                            prices[1].used, math.nan, prices[1].persons_price)
    save_run(session, run=run)
    save_explanations(session, run_id="PR-1", cases=explained, prices=prices)
    session.commit()
    placed = {c: (loc, score) for c, loc, score in run.assignments}
    assert case_explanations(session, run_id="PR-1", placed=placed) == {
        e.case_id: e for e in explained}
    back = {(p.locality_id, p.dimension): p for p in shadow_prices_of_run(session,
                                                                           run_id="PR-1")}
    for p in prices:
        got = back[(p.locality_id, p.dimension)]
        assert (got.capacity, got.used, got.persons_price) == (p.capacity, p.used,
                                                                p.persons_price)
        assert got.outcome_price == p.outcome_price or (
            math.isnan(got.outcome_price) and math.isnan(p.outcome_price))
    assert shadow_prices_of_run(session, run_id="PR-other") == []


prices_strategy = st.lists(st.builds(
    ShadowPrice, st.sampled_from(["A", "B", "C"]), st.sampled_from(["persons", "medical"]),
    st.integers(0, 9), st.integers(0, 9),
    st.one_of(st.floats(0, 100), st.just(math.nan)),
    st.one_of(st.floats(0, 2000), st.just(math.nan))), max_size=12)


@given(prices_strategy)
def test_ranking_puts_most_persons_first_and_unknown_last(prices: list[ShadowPrice]) -> None:
    ranked = rank_shadow_prices(prices)
    assert sorted(map(id, ranked)) == sorted(map(id, prices))
    known = [p.persons_price for p in ranked if not math.isnan(p.persons_price)]
    assert known == sorted(known, reverse=True)
    flags = [math.isnan(p.persons_price) for p in ranked]
    assert flags == sorted(flags)  # every unknown price after every known one
