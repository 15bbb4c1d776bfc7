"""Explanations a caseworker can act on: per case, and per locality and dimension.

Per case: the score where it was placed; its best allowed alternative (the allowed locality
with the highest score above the one it got; for an unplaced case, the best allowed one) and
why it did not go there — ``capacity`` (full in dimension D once everyone else is placed),
``objective`` (there was room, but the lexicographic objective preferred this placement, e.g.
to place more urgent persons or a better total; or the solver is a heuristic), and the
localities it was not allowed to go to, each with the rule that excluded it.

Per locality and dimension: shadow prices from the LP relaxation of the problem (all capacity
rows present, locks fixed), read as "the value of one more place":

- ``outcome_price``: dual of the capacity row in the LP that maximises the outcome tier while
  holding every earlier tier (emergency, urgent, normal persons) at the values the result
  achieved — what one more place adds to the total expected outcome;
- ``persons_price``: dual of the capacity row in the LP that maximises persons placed (all
  priorities, emergency and urgent persons weighted x1000 and x30) — how many more people one
  more place lets in, priorities first.

LP duals are marginal values at the relaxation's optimum: exact for small changes of the LP,
an estimate for the integer placement. Places whose price is 0 are not scarce. At a degenerate
optimum (several dual solutions) the reported price is one valid dual, which can exceed the
gain of adding a place (e.g. a person who could also go elsewhere); read prices as a ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from resettle.placement.objective import pair_outcome, tier_coefficients
from resettle.placement.problem import PlacementProblem, PriorityLevel
from resettle.placement.result import PlacementResult
from resettle.placement.solvers._highs import Rows, build_rows, new_model

PRIORITY_WEIGHT = {PriorityLevel.EMERGENCY: 1000.0, PriorityLevel.URGENT: 30.0,
                   PriorityLevel.NORMAL: 1.0}
MAX_NOT_ALLOWED = 5


@dataclass(frozen=True)
class CaseExplanation:
    case_id: str
    locality_id: str | None
    score: float | None
    alternative_id: str | None  # best allowed locality scoring higher (None: it got its best)
    alternative_score: float | None
    why_not: str  # why it did not get the alternative
    not_allowed: tuple[tuple[str, str], ...] = ()  # (locality_id, rule) excluded pairs


@dataclass(frozen=True)
class ShadowPrice:
    locality_id: str
    dimension: str
    capacity: int
    used: int
    outcome_price: float
    persons_price: float


def explain_cases(problem: PlacementProblem, result: PlacementResult) -> list[CaseExplanation]:
    """One explanation per case, in case order."""
    used = _used(problem, result.assignment)
    reasons = _reasons_by_case(problem)
    indptr = problem.case_indptr
    out = []
    for case in range(problem.n_cases):
        pairs = np.arange(indptr[case], indptr[case + 1])
        loc = int(result.assignment[case])
        here = problem.pair_index(case, loc) if loc >= 0 else -1
        score = float(problem.pair_score[here]) if here >= 0 else None
        better = pairs[problem.pair_score[pairs] > (score if score is not None else -np.inf)]
        better = better[problem.pair_locality[better] != loc]
        alt, alt_score, why = None, None, "it got its best allowed locality"
        if len(better):
            best = int(better[np.argmax(problem.pair_score[better])])
            alt_loc = int(problem.pair_locality[best])
            alt, alt_score = problem.locality_ids[alt_loc], float(problem.pair_score[best])
            why = _why_not(problem, case, alt_loc, used)
        elif loc < 0:
            why = "no locality is allowed for this case"
        out.append(CaseExplanation(
            problem.case_ids[case], problem.locality_ids[loc] if loc >= 0 else None, score,
            alt, alt_score, why, tuple(reasons.get(case, ())[:MAX_NOT_ALLOWED]),
        ))
    return out


def _why_not(problem: PlacementProblem, case: int, loc: int, used: NDArray[np.int64]) -> str:
    room = problem.capacity[loc] - used[loc]
    short = [d for d in range(len(problem.dimensions)) if room[d] < problem.needs[case, d]]
    if short:
        d = short[0]
        return (f"capacity: {problem.locality_ids[loc]} is full in {problem.dimensions[d]} "
                f"({int(room[d])} left, the case needs {int(problem.needs[case, d])})")
    return ("objective: there was room, but the placement serves the priorities or the total "
            "outcome better this way (or the solver is a heuristic)")


def _used(problem: PlacementProblem, assignment: NDArray[np.int64]) -> NDArray[np.int64]:
    used = np.zeros_like(problem.capacity)
    placed = assignment >= 0
    np.add.at(used, assignment[placed], problem.needs[placed])
    return used


def _reasons_by_case(problem: PlacementProblem) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for (case, loc), reason in sorted(problem.exclusion_reasons.items()):
        out.setdefault(case, []).append((problem.locality_ids[loc], reason))
    return out


def shadow_prices(problem: PlacementProblem, result: PlacementResult) -> list[ShadowPrice]:
    """One entry per locality and dimension (see the module docstring for the method)."""
    rows = build_rows(problem, all_capacity_rows=True)
    coefs = tier_coefficients(problem)
    held = [(c, v) for c, v in zip(coefs[:-1], result.tiers[:-1], strict=True)]
    outcome = _capacity_duals(problem, rows, pair_outcome(problem), held)
    weights = np.array([PRIORITY_WEIGHT[PriorityLevel(p)] for p in problem.priority])
    persons = weights[problem.pair_case] * problem.sizes[problem.pair_case]
    coverage = _capacity_duals(problem, rows, persons.astype(np.float64), [])
    used = _used(problem, result.assignment)
    return [
        ShadowPrice(problem.locality_ids[loc], problem.dimensions[d],
                    int(problem.capacity[loc, d]), int(used[loc, d]),
                    float(outcome[k]), float(coverage[k]))
        for k, (loc, d) in enumerate(rows.capacity_rows.tolist())
    ]


def _capacity_duals(
    problem: PlacementProblem,
    rows: Rows,
    coef: NDArray[np.float64],
    held: list[tuple[NDArray[np.float64], float]],
) -> NDArray[np.float64]:
    n_cap = len(rows.capacity_rows)
    if problem.n_pairs == 0:
        return np.zeros(n_cap)
    highs = new_model(problem, rows, integer=False, seed=0)
    highs.changeColsCost(problem.n_pairs, np.arange(problem.n_pairs, dtype=np.int32), coef)
    for tier, value in held:
        nz = np.flatnonzero(tier).astype(np.int32)
        if len(nz):
            highs.addRow(value - 1e-6, highspy.kHighsInf, len(nz), nz, tier[nz])
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return np.full(n_cap, np.nan)
    duals = np.asarray(highs.getSolution().row_dual)
    start = rows.first_capacity_row
    # for a maximisation HiGHS reports d(objective)/d(rhs): >= 0 on a capacity row
    return duals[start : start + n_cap]


def rank_shadow_prices(prices: list[ShadowPrice]) -> list[ShadowPrice]:
    """Where one more pledged place helps most first: persons it lets in (priorities
    weighted), then outcome gained; unknown prices (NaN) last, then by locality."""

    def key(p: ShadowPrice) -> tuple[float, float, str, str]:
        persons = -p.persons_price if np.isfinite(p.persons_price) else np.inf
        outcome = -p.outcome_price if np.isfinite(p.outcome_price) else np.inf
        return (float(persons), float(outcome), p.locality_id, p.dimension)

    return sorted(prices, key=key)
