"""Hypothesis strategies and independent reference computations for placement tests.

Nothing here imports the solvers or the objective module: brute force and the LP bound are
rebuilt from the raw arrays so they can catch bugs there.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import linprog

from resettle.placement.problem import PlacementProblem

COUNTRIES = ("ALB", "DEU", "IRN", "IRQ", "CAN")


@st.composite
def tiny_problems(draw: st.DrawFn, max_cases: int = 5, max_localities: int = 3,
                  locks: bool = True) -> PlacementProblem:
    n = draw(st.integers(1, max_cases))
    m = draw(st.integers(1, max_localities))
    d = draw(st.integers(1, 2))
    sizes = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    needs = np.zeros((n, d), dtype=np.int64)
    needs[:, 0] = sizes
    if d == 2:
        needs[:, 1] = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    capacity = np.array(
        draw(st.lists(st.lists(st.integers(0, 6), min_size=d, max_size=d), min_size=m,
                      max_size=m)), dtype=np.int64)
    countries = tuple(draw(st.lists(st.sampled_from(COUNTRIES), min_size=m, max_size=m)))
    no_return = tuple(
        frozenset(draw(st.sets(st.sampled_from(COUNTRIES), max_size=2))) for _ in range(n)
    )
    pair_case, pair_locality, pair_score = [], [], []
    for i in range(n):
        for j in range(m):
            if countries[j] in no_return[i] or not draw(st.booleans()):
                continue
            pair_case.append(i)
            pair_locality.append(j)
            pair_score.append(draw(st.integers(0, 20)) / 20)
    lock_map: dict[int, int] = {}
    if locks and pair_case and draw(st.booleans()):
        k = draw(st.integers(0, len(pair_case) - 1))
        lock_map[pair_case[k]] = pair_locality[k]
    return PlacementProblem(
        case_ids=tuple(f"C{i}" for i in range(n)),
        locality_ids=tuple(f"L{j}" for j in range(m)),
        locality_countries=countries,
        dimensions=("persons", "large_family_units")[:d],
        needs=needs,
        capacity=capacity,
        priority=np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
                          dtype=np.int8),
        pair_case=np.array(pair_case, dtype=np.int64),
        pair_locality=np.array(pair_locality, dtype=np.int64),
        pair_score=np.array(pair_score, dtype=np.float64),
        locks=lock_map,
        no_return=no_return,
        coverage_tier=draw(st.booleans()),
        outcome_per_person=draw(st.booleans()),
    )


def reference_tiers(problem: PlacementProblem, assignment: list[int]) -> tuple[float, ...]:
    """Tier values computed by hand from the documented definition."""
    values = [0.0, 0.0, 0.0, 0.0]
    score = {(int(c), int(loc)): float(s) for c, loc, s in
             zip(problem.pair_case, problem.pair_locality, problem.pair_score, strict=True)}
    for case, loc in enumerate(assignment):
        if loc < 0:
            continue
        size = int(problem.needs[case, 0])
        values[int(problem.priority[case])] += size
        values[3] += score[(case, loc)] * (size if problem.outcome_per_person else 1)
    if not problem.coverage_tier:
        return (values[0], values[1], values[3])
    return tuple(values)


def brute_force(problem: PlacementProblem) -> tuple[float, ...] | None:
    """Best tier vector over every valid assignment (None if none is valid)."""
    options = [[-1] for _ in range(problem.n_cases)]
    for c, loc in zip(problem.pair_case.tolist(), problem.pair_locality.tolist(), strict=True):
        options[c].append(loc)
    for case, loc in problem.locks.items():
        options[case] = [loc]
    best: tuple[float, ...] | None = None
    for combo in itertools.product(*options):
        used = np.zeros_like(problem.capacity)
        for case, loc in enumerate(combo):
            if loc >= 0:
                used[loc] += problem.needs[case]
        if (used > problem.capacity).any():
            continue
        tiers = reference_tiers(problem, list(combo))
        rounded = tuple(round(t, 9) for t in tiers)
        if best is None or rounded > best:
            best = rounded
    return best


def lp_tier_bounds(problem: PlacementProblem, achieved: tuple[float, ...]) -> list[float]:
    """Per tier k: the LP relaxation's max of tier k with tiers j<k >= achieved[j].

    Built separately from the solvers' model, dense, and solved with scipy's linprog.
    """
    k = problem.n_pairs
    a_rows, b = [], []
    for case in range(problem.n_cases):
        a_rows.append((problem.pair_case == case).astype(float))
        b.append(1.0)
    for loc in range(problem.n_localities):
        for d in range(len(problem.dimensions)):
            a_rows.append(np.where(problem.pair_locality == loc,
                                   problem.needs[problem.pair_case, d], 0).astype(float))
            b.append(float(problem.capacity[loc, d]))
    bounds = []
    for p in range(k):
        case, loc = int(problem.pair_case[p]), int(problem.pair_locality[p])
        if case in problem.locks:
            fixed = 1.0 if problem.locks[case] == loc else 0.0
            bounds.append((fixed, fixed))
        else:
            bounds.append((0.0, 1.0))
    coefs = tier_vectors(problem)
    out: list[float] = []
    for level, coef in enumerate(coefs):
        rows = list(a_rows) + [-coefs[j] for j in range(level)]
        rhs = list(b) + [-achieved[j] + 1e-7 for j in range(level)]
        res = linprog(-coef, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds,
                      method="highs")
        out.append(float(-res.fun) if res.status == 0 else float("nan"))
    return out


def tier_vectors(problem: PlacementProblem) -> list[np.ndarray]:
    size = problem.needs[problem.pair_case, 0].astype(float)
    prio = problem.priority[problem.pair_case]
    levels = [0, 1, 2] if problem.coverage_tier else [0, 1]
    vectors = [np.where(prio == level, size, 0.0) for level in levels]
    vectors.append(problem.pair_score * (size if problem.outcome_per_person else 1.0))
    return vectors
