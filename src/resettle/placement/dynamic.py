"""Dynamic placement: cases arrive in weekly batches, capacities are pledged for the year.

Each week's batch must be placed when it arrives, against what is left of the annual
capacity. Placing every batch as well as possible *for itself* (greedy, or the batch optimum)
spends the places that later, better-suited cases would have needed. The ``potentials`` policy
(as published for Annie MOORE) prices that: each week it solves the LP relaxation over the
current batch plus a forecast of the rest of the year (a bootstrap sample of the cases seen so
far, nothing from the future), takes the capacity duals as the opportunity cost of a place,
and places the batch maximizing value minus those potentials.

Policies compared by :func:`run_policy` on an :class:`ArrivalStream`:
``greedy`` (most urgent first, best score that fits), ``myopic`` (the batch's own optimum),
``potentials``; :func:`solve_hindsight` gives the optimum with every arrival known.
Values use the large solver's tier weights (emergency, urgent, normal persons, then outcome),
so every policy pursues the same lexicographic goal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resettle.errors import UnknownChoiceError
from resettle.placement.lagrange import Arrays, ColumnGeneration, run_guarded
from resettle.placement.problem import PlacementProblem
from resettle.placement.rounding import assignment_model
from resettle.placement.solvers.large import build_arrays, tier_weights
from resettle.placement.synthetic import random_problem

POLICIES = ("greedy", "myopic", "potentials")
FORECAST_CASES = 1500  # cap on sampled future cases per weekly LP (keeps each LP small)


@dataclass(frozen=True, eq=False)
class ArrivalStream:
    """A year of arrivals: the whole caseload as one problem plus each case's arrival week."""

    problem: PlacementProblem  # capacity = the annual pledges
    week: NDArray[np.int64]  # (n_cases,) arrival batch, 0..n_weeks-1

    @property
    def n_weeks(self) -> int:
        return int(self.week.max()) + 1 if len(self.week) else 0


@dataclass(frozen=True)
class DynamicOutcome:
    policy: str
    chosen: NDArray[np.int64]  # (n_cases,) pair index per case, -1 unplaced
    value: float  # weighted objective (tiers folded, as the large solver)
    outcome: float  # total expected outcome
    persons: int  # persons placed
    seconds: float


def simulate_arrivals(
    n_weeks: int,
    per_week: int,
    n_localities: int,
    *,
    seed: int = 0,
    n_dimensions: int = 2,
    tightness: float = 0.9,
    density: float = 0.5,
) -> ArrivalStream:
    """A seeded stream: random cases (see ``synthetic.random_problem``), arrival weeks uniform.

    ``tightness`` is annual capacity / annual demand per dimension: below 1, pacing matters.
    """
    problem = random_problem(n_weeks * per_week, n_localities, seed=seed,
                             n_dimensions=n_dimensions, tightness=tightness, density=density)
    rng = np.random.default_rng([seed, 0xD1A])
    week = np.sort(rng.integers(0, n_weeks, size=problem.n_cases))
    return ArrivalStream(problem, week.astype(np.int64))


def run_policy(stream: ArrivalStream, policy: str, *, seed: int = 0) -> DynamicOutcome:
    """Place the stream week by week with ``policy`` (one of :data:`POLICIES`)."""
    if policy not in POLICIES:
        raise UnknownChoiceError(
            f"unknown policy '{policy}'; choose one of: {', '.join(POLICIES)}")
    started = time.perf_counter()
    arrays = build_arrays(stream.problem, tier_weights(stream.problem))
    remaining = arrays.capacity.copy()
    chosen = np.full(arrays.n_cases, -1, dtype=np.int64)
    rng = np.random.default_rng([seed, 0xF0])
    for week in range(stream.n_weeks):
        batch = np.flatnonzero(stream.week == week)
        if policy == "greedy":
            picks = _greedy_batch(arrays, stream.problem, batch, remaining)
        else:
            prices = np.zeros_like(remaining)
            if policy == "potentials":
                prices = _potentials(arrays, stream, week, remaining, rng)
            picks = _optimal_batch(arrays, batch, remaining, prices, seed)
        for pair in picks.tolist():
            chosen[arrays.pair_case[pair]] = pair
            remaining[arrays.pair_locality[pair]] -= arrays.pair_needs[pair]
    return _outcome(stream.problem, arrays, policy, chosen, time.perf_counter() - started)


def solve_hindsight(
    stream: ArrivalStream, *, time_limit: float = 60.0, seed: int = 0
) -> tuple[DynamicOutcome, float]:
    """The optimum with every arrival known (a MIP over the year) and its proven bound."""
    started = time.perf_counter()
    arrays = build_arrays(stream.problem, tier_weights(stream.problem))
    cols = np.arange(len(arrays.weight), dtype=np.int64)
    highs = assignment_model(arrays, cols, arrays.capacity, seed, gap=1e-5)
    run_guarded(highs, time_limit, accept_feasible=True)
    take = np.asarray(highs.getSolution().col_value) > 0.5
    chosen = np.full(arrays.n_cases, -1, dtype=np.int64)
    chosen[arrays.pair_case[cols[take]]] = cols[take]
    bound = float(highs.getInfo().mip_dual_bound)
    outcome = _outcome(stream.problem, arrays, "hindsight", chosen,
                       time.perf_counter() - started)
    return outcome, max(bound, outcome.value)


def _greedy_batch(
    arrays: Arrays, problem: PlacementProblem, batch: NDArray[np.int64],
    remaining: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Most urgent first (arrival order within a level), each to its best score that fits."""
    left = remaining.copy()
    picks: list[int] = []
    for case in batch[np.argsort(problem.priority[batch], kind="stable")].tolist():
        ids = np.arange(arrays.indptr[case], arrays.indptr[case + 1])
        fits = (left[arrays.pair_locality[ids]] >= arrays.pair_needs[ids] - 1e-9).all(axis=1)
        if not fits.any():
            continue
        pair = int(ids[fits][np.argmax(problem.pair_score[ids[fits]])])
        picks.append(pair)
        left[arrays.pair_locality[pair]] -= arrays.pair_needs[pair]
    return np.array(picks, dtype=np.int64)


def _optimal_batch(
    arrays: Arrays, batch: NDArray[np.int64], remaining: NDArray[np.float64],
    prices: NDArray[np.float64], seed: int,
) -> NDArray[np.int64]:
    """The batch's best placement for value minus ``prices`` (a small MIP)."""
    cols = np.concatenate([np.arange(arrays.indptr[c], arrays.indptr[c + 1]) for c in batch]
                          or [np.zeros(0, dtype=np.int64)]).astype(np.int64)
    if not len(cols):
        return cols
    priced = arrays.weight - 0.0
    priced[cols] -= (prices[arrays.pair_locality[cols]] * arrays.pair_needs[cols]).sum(axis=1)
    adjusted = Arrays(arrays.n_cases, priced, arrays.pair_case, arrays.pair_locality,
                      arrays.pair_needs, arrays.capacity, arrays.indptr, arrays.locked_pair)
    highs = assignment_model(adjusted, cols, np.maximum(remaining, 0.0), seed, gap=1e-6)
    if not run_guarded(highs, 30.0, accept_feasible=True):
        return np.zeros(0, dtype=np.int64)
    take = np.asarray(highs.getSolution().col_value) > 0.5
    return cols[take]


def _potentials(
    arrays: Arrays, stream: ArrivalStream, week: int, remaining: NDArray[np.float64],
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Capacity duals of the LP over this batch plus a bootstrap forecast of later weeks."""
    seen = np.flatnonzero(stream.week <= week)
    batch = np.flatnonzero(stream.week == week)
    expected = len(seen) / (week + 1) * (stream.n_weeks - week - 1)
    k = int(min(round(expected), FORECAST_CASES))
    future = rng.choice(seen, size=k, replace=True) if k and len(seen) else seen[:0]
    stand_for = expected / k if k else 0.0  # each sampled case stands for this many
    cases = np.concatenate([batch, future])
    scale = np.concatenate([np.ones(len(batch)), np.full(len(future), stand_for)])
    lp = _case_subset(arrays, cases, scale, remaining)
    solution = ColumnGeneration(lp, use_flow=False, initial=4).solve(time.monotonic() + 30.0)
    return solution.lam


def _case_subset(
    arrays: Arrays, cases: NDArray[np.int64], scale: NDArray[np.float64],
    capacity: NDArray[np.float64],
) -> Arrays:
    """An LP over ``cases`` (repeats allowed), case i's value and needs multiplied by scale[i]."""
    lengths = arrays.indptr[cases + 1] - arrays.indptr[cases]
    starts = arrays.indptr[cases]
    pairs = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    local = np.repeat(np.arange(len(cases)), lengths)
    factor = scale[local]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return Arrays(len(cases), arrays.weight[pairs] * factor, local, arrays.pair_locality[pairs],
                  arrays.pair_needs[pairs] * factor[:, None], np.maximum(capacity, 0.0), indptr,
                  np.full(len(cases), -1, dtype=np.int64))


def _outcome(
    problem: PlacementProblem, arrays: Arrays, policy: str, chosen: NDArray[np.int64],
    seconds: float,
) -> DynamicOutcome:
    placed = chosen[chosen >= 0]
    sizes = problem.sizes[problem.pair_case[placed]]
    per = sizes if problem.outcome_per_person else np.ones_like(sizes)
    return DynamicOutcome(
        policy=policy, chosen=chosen, value=float(arrays.weight[placed].sum()),
        outcome=float((problem.pair_score[placed] * per).sum()), persons=int(sizes.sum()),
        seconds=seconds,
    )


def assignment_of(stream: ArrivalStream, chosen: NDArray[np.int64]) -> NDArray[np.int64]:
    """Locality index per case (-1 unplaced) from a pair choice."""
    out = np.full(len(chosen), -1, dtype=np.int64)
    out[chosen >= 0] = stream.problem.pair_locality[chosen[chosen >= 0]]
    return out
