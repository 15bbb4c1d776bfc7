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
an estimate for the integer placement.

Under a time budget (``seconds``: the CLI, the database run and the web pass what is left of
the user's time limit) the two LPs run under a watchdog and only on instances up to
``LP_PRICE_MAX_PAIRS`` pairs. When they cannot finish, the prices are the capacity duals the
solver already has (the ``large`` solver's column-generation master / Lagrange multipliers of
its tier-weighted objective, ``PlacementResult.capacity_prices``) and are marked
``approximate``: ``outcome_price`` is then the weighted objective's dual, which is a feasible
(not necessarily optimal) dual of the outcome LP with the persons tiers held (their
multipliers being the tier weights); ``persons_price`` is that dual divided by the weight of one
normal-priority person. Without either, the prices are unknown (NaN).

Places whose price is 0 are not scarce. At a degenerate optimum (several dual solutions) the
reported price is one valid dual, which can exceed the gain of adding a place (e.g. a person
who could also go elsewhere); read prices as a ranking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from resettle.placement.budget import Budget
from resettle.placement.objective import pair_outcome, tier_coefficients
from resettle.placement.problem import PlacementProblem, PriorityLevel
from resettle.placement.reasons import PairReasons
from resettle.placement.result import PlacementResult
from resettle.placement.solvers._highs import (
    Rows,
    SolverStuckError,
    build_rows,
    new_model,
    run_guarded,
)

PRIORITY_WEIGHT = {PriorityLevel.EMERGENCY: 1000.0, PriorityLevel.URGENT: 30.0,
                   PriorityLevel.NORMAL: 1.0}
MAX_NOT_ALLOWED = 5
LP_PRICE_MAX_PAIRS = 200_000  # above this the two exact LPs do not fit a user's budget
MIN_LP_SECONDS = 0.5  # below this, do not even build the LPs


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
    approximate: bool = False  # from the solver's own duals, not the exact LPs


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
    if isinstance(problem.exclusion_reasons, PairReasons):  # per case, stopping early
        return {case: [(problem.locality_ids[j], r) for j, r in
                       problem.exclusion_reasons.of_case(case, MAX_NOT_ALLOWED)]
                for case in range(problem.n_cases)}
    out: dict[int, list[tuple[str, str]]] = {}
    for (case, loc), reason in sorted(problem.exclusion_reasons.items()):
        out.setdefault(case, []).append((problem.locality_ids[loc], reason))
    return out


def shadow_prices(
    problem: PlacementProblem, result: PlacementResult, *, seconds: float | None = None
) -> list[ShadowPrice]:
    """One entry per locality and dimension (see the module docstring for the method);
    within ``seconds`` when given (``None``: the exact LPs, however long they take)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    exact = None
    if deadline is None or (problem.n_pairs <= LP_PRICE_MAX_PAIRS
                            and seconds is not None and seconds >= MIN_LP_SECONDS):
        exact = _exact_prices(problem, result, deadline)
    n_rows = problem.capacity.size  # every (locality, dimension), row-major
    if exact is not None:
        outcome, persons = exact
    elif result.capacity_prices is not None:
        outcome = np.asarray(result.capacity_prices, dtype=np.float64).reshape(n_rows)
        persons = outcome / max(result.stats.get("person_weight", 1.0), 1e-12)
    else:
        outcome = persons = np.full(n_rows, np.nan)
    used = _used(problem, result.assignment)
    cells = np.argwhere(np.ones_like(problem.capacity, dtype=bool)).tolist()
    return [
        ShadowPrice(problem.locality_ids[loc], problem.dimensions[d],
                    int(problem.capacity[loc, d]), int(used[loc, d]),
                    float(outcome[k]), float(persons[k]), approximate=exact is None)
        for k, (loc, d) in enumerate(cells)
    ]


def _exact_prices(
    problem: PlacementProblem, result: PlacementResult, deadline: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Duals of the two LPs (order of ``build_rows(all_capacity_rows=True)``: row-major);
    ``None`` when one did not solve to optimality before the deadline."""
    rows = build_rows(problem, all_capacity_rows=True)
    coefs = tier_coefficients(problem)
    held = [(c, v) for c, v in zip(coefs[:-1], result.tiers[:-1], strict=True)]
    halfway = None if deadline is None else (time.monotonic() + deadline) / 2
    outcome = _capacity_duals(problem, rows, pair_outcome(problem), held, halfway)
    if outcome is None:
        return None
    weights = np.array([PRIORITY_WEIGHT[PriorityLevel(p)] for p in problem.priority])
    persons = weights[problem.pair_case] * problem.sizes[problem.pair_case]
    coverage = _capacity_duals(problem, rows, persons.astype(np.float64), [], deadline)
    if coverage is None:
        return None
    return outcome, coverage


def _capacity_duals(
    problem: PlacementProblem,
    rows: Rows,
    coef: NDArray[np.float64],
    held: list[tuple[NDArray[np.float64], float]],
    deadline: float | None,
) -> NDArray[np.float64] | None:
    n_cap = len(rows.capacity_rows)
    if problem.n_pairs == 0:
        return np.zeros(n_cap)
    highs = new_model(problem, rows, integer=False, seed=0)
    highs.changeColsCost(problem.n_pairs, np.arange(problem.n_pairs, dtype=np.int32), coef)
    for tier, value in held:
        nz = np.flatnonzero(tier).astype(np.int32)
        if len(nz):
            highs.addRow(value - 1e-6, highspy.kHighsInf, len(nz), nz, tier[nz])
    seconds = None if deadline is None else deadline - time.monotonic()
    if seconds is not None and seconds <= 0:
        return None
    try:
        run_guarded(highs, seconds, problem.n_pairs)
    except SolverStuckError:
        return None
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None if deadline is not None else np.full(n_cap, np.nan)
    duals = np.asarray(highs.getSolution().row_dual)
    start = rows.first_capacity_row
    # for a maximisation HiGHS reports d(objective)/d(rhs): >= 0 on a capacity row
    return duals[start : start + n_cap]


def explain_run(
    problem: PlacementProblem, result: PlacementResult, budget: Budget
) -> tuple[list[CaseExplanation], list[ShadowPrice]]:
    """Per-case explanations, then shadow prices within what is left of ``budget``."""
    cases = explain_cases(problem, result)
    return cases, shadow_prices(problem, result, seconds=budget.for_prices(result.seconds))


def price_method(prices: list[ShadowPrice]) -> str:
    """How the prices were found, for reports and run parameters."""
    if not prices:
        return "none"
    if any(p.approximate for p in prices):
        known = all(np.isfinite(p.outcome_price) for p in prices)
        return "approximate: the solver's own duals" if known else "unknown: no time left"
    return "exact LP duals"


def rank_shadow_prices(prices: list[ShadowPrice]) -> list[ShadowPrice]:
    """Where one more pledged place helps most first: persons it lets in (priorities
    weighted), then outcome gained; unknown prices (NaN) last, then by locality."""

    def key(p: ShadowPrice) -> tuple[float, float, str, str]:
        persons = -p.persons_price if np.isfinite(p.persons_price) else np.inf
        outcome = -p.outcome_price if np.isfinite(p.outcome_price) else np.inf
        return (float(persons), float(outcome), p.locality_id, p.dimension)

    return sorted(prices, key=key)
