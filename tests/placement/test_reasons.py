"""The compact exclusion reasons (one rule tuple per case profile) say exactly what the rule
functions say for every pair, and the explanations and fingerprints read them the same way."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.core import PledgeCriteria, Priority
from resettle.placement.build import build_problem, pair_rule
from resettle.placement.reasons import PairReasons, reasons_of_case, reasons_starting_with
from resettle.placement.records import BuildOptions, PlacementCase, PlacementLocality, TieMode

LOCS = [
    PlacementLocality("TIR", "ALB", {"persons": 10, "medical_places": 1}),
    PlacementLocality("BER", "DEU", {"persons": 5}, criteria=(PledgeCriteria(max_case_size=2),)),
    PlacementLocality("BAG", "IRQ", {"persons": 50}),
    PlacementLocality("TOR", "CAN", {"persons": 5}),
    PlacementLocality("STO", "SWE", {"persons": 3}),
]

cases_strategy = st.lists(
    st.builds(
        PlacementCase,
        case_id=st.just(""),
        size=st.integers(1, 6),
        priority=st.sampled_from(list(Priority)),
        needs=st.sampled_from([{}, {"medical_places": 1}]),
        no_return=st.sampled_from([frozenset(), frozenset({"IRQ"}), frozenset({"IRQ", "DEU"})]),
        refused=st.sampled_from([{}, {"CAN": "CAN refused the case on 2013-05-02"}]),
        relative_countries=st.sampled_from([frozenset(), frozenset({"SWE"})]),
        forbidden_localities=st.sampled_from([frozenset(), frozenset({"TIR"})]),
    ),
    min_size=1, max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(drawn=cases_strategy, holes=st.sets(st.integers(0, 39), max_size=15),
       ties=st.sampled_from(list(TieMode)), floor=st.sampled_from([None, 0.9]))
def test_reasons_equal_the_rules_pair_by_pair(
    drawn: list[PlacementCase], holes: set[int], ties: TieMode, floor: float | None
) -> None:
    cases = [PlacementCase(**{**c.__dict__, "case_id": f"C{i}"}) for i, c in enumerate(drawn)]
    scores = {(c.case_id, loc.locality_id): 0.3 + 0.1 * ((i + j) % 5)
              for i, c in enumerate(cases) for j, loc in enumerate(LOCS)
              if i * len(LOCS) + j not in holes}
    options = BuildOptions(ties=ties, score_floor_ratio=floor)
    problem = build_problem(cases, LOCS, scores, options=options)
    reasons = problem.exclusion_reasons
    assert isinstance(reasons, PairReasons)
    allowed = set(zip(problem.pair_case.tolist(), problem.pair_locality.tolist(), strict=True))
    for i, case in enumerate(cases):
        for j, loc in enumerate(LOCS):
            rule, _ = pair_rule(case, loc, scores, options)
            if rule is not None:
                assert reasons[(i, j)] == rule
            elif (i, j) in allowed:
                assert (i, j) not in reasons
            else:  # removed by the floor only
                assert reasons[(i, j)].startswith("below_floor")
        assert reasons_of_case(reasons, i, 3) == reasons_of_case(dict(reasons), i, 3)
    assert len(reasons) + len(allowed) == len(cases) * len(LOCS)
    assert reasons_starting_with(reasons, "refused:") == reasons_starting_with(
        dict(reasons), "refused:")
