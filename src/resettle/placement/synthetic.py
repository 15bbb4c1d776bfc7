"""Synthetic placement instances from arrays, for tests, benchmarks and demos (no personal data).

``random_problem`` draws case sizes like a refugee caseload (mostly singles and small
families, a few large ones), a priority mix, capacities scaled to a target tightness
(total capacity / total demand per dimension) and a sparse or dense set of allowed pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from resettle.core.csv_cells import formula_safe_writer
from resettle.placement.problem import PERSONS, PlacementProblem

PRIORITY_NAMES = ("emergency", "urgent", "normal")

EXTRA_DIMENSIONS = ("large_family_units", "medical_places", "accessible_units", "school_places")
SIZE_WEIGHTS = np.array([0.45, 0.15, 0.12, 0.1, 0.08, 0.05, 0.03, 0.02])  # sizes 1..8


def random_problem(
    n_cases: int,
    n_localities: int,
    *,
    seed: int = 0,
    n_dimensions: int = 1,
    tightness: float = 1.0,
    density: float = 1.0,
    priority_shares: tuple[float, float] = (0.05, 0.15),
    countries: tuple[str, ...] = ("ALB", "DEU", "CAN", "SWE", "NLD"),
) -> PlacementProblem:
    """A random instance; ``tightness`` < 1 means less capacity than demand."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice(np.arange(1, 9), size=n_cases, p=SIZE_WEIGHTS / SIZE_WEIGHTS.sum())
    dims = (PERSONS, *EXTRA_DIMENSIONS[: n_dimensions - 1])
    needs = np.zeros((n_cases, len(dims)), dtype=np.int64)
    needs[:, 0] = sizes
    if len(dims) > 1:
        needs[:, 1] = sizes >= 6
    for d in range(2, len(dims)):
        needs[:, d] = rng.binomial(sizes, 0.1)
    share = rng.dirichlet(np.full(n_localities, 2.0), size=len(dims)).T  # (m, d)
    capacity = np.floor(share * needs.sum(axis=0) * tightness).astype(np.int64)
    emergency, urgent = priority_shares
    priority = rng.choice(3, size=n_cases, p=[emergency, urgent, 1 - emergency - urgent])
    pair_case, pair_locality = _pairs(rng, n_cases, n_localities, density)
    base = rng.beta(2, 3, size=n_cases)[pair_case]
    effect = rng.normal(0, 0.12, size=n_localities)[pair_locality]
    score = np.clip(base + effect + rng.normal(0, 0.05, size=len(pair_case)), 0.01, 0.99)
    return PlacementProblem(
        case_ids=tuple(f"C{i:06d}" for i in range(n_cases)),
        locality_ids=tuple(f"L{j:04d}" for j in range(n_localities)),
        locality_countries=tuple(countries[j % len(countries)] for j in range(n_localities)),
        dimensions=dims,
        needs=needs,
        capacity=capacity,
        priority=priority.astype(np.int8),
        pair_case=pair_case,
        pair_locality=pair_locality,
        pair_score=score.astype(np.float64),
        no_return=tuple(frozenset({"IRN", "IRQ"}) for _ in range(n_cases)),
    )


def _pairs(
    rng: np.random.Generator, n: int, m: int, density: float
) -> tuple[np.ndarray, np.ndarray]:
    if density >= 1.0:
        return np.repeat(np.arange(n), m).astype(np.int64), np.tile(np.arange(m), n).astype(
            np.int64
        )
    per_case = max(1, round(density * m))
    cases = np.repeat(np.arange(n), per_case)
    locs = np.concatenate([np.sort(rng.choice(m, size=per_case, replace=False)) for _ in range(n)])
    return cases.astype(np.int64), locs.astype(np.int64)


def write_problem_files(problem: PlacementProblem, folder: Path) -> dict[str, Path]:
    """cases.csv, localities.csv and scores.csv (docs/placement-format.md) of an instance, so
    that tests and benchmarks can run ``resettle place`` on it as a user would."""
    paths = {name: folder / f"{name}.csv" for name in ("cases", "localities", "scores")}
    extra = problem.dimensions[1:]
    with paths["cases"].open("w", newline="", encoding="utf-8") as handle:
        writer = formula_safe_writer(handle)
        writer.writerow(["case_id", "size", "priority", *(f"need_{d}" for d in extra)])
        for i, case_id in enumerate(problem.case_ids):
            writer.writerow([case_id, int(problem.needs[i, 0]),
                             PRIORITY_NAMES[int(problem.priority[i])],
                             *(int(v) for v in problem.needs[i, 1:])])
    with paths["localities"].open("w", newline="", encoding="utf-8") as handle:
        writer = formula_safe_writer(handle)
        writer.writerow(["locality_id", "country", "capacity_persons",
                         *(f"capacity_{d}" for d in extra)])
        for j, loc_id in enumerate(problem.locality_ids):
            writer.writerow([loc_id, problem.locality_countries[j],
                             *(int(v) for v in problem.capacity[j])])
    with paths["scores"].open("w", newline="", encoding="utf-8") as handle:
        writer = formula_safe_writer(handle)
        writer.writerow(["case_id", "locality_id", "score"])
        cases = np.asarray(problem.case_ids)[problem.pair_case]
        locs = np.asarray(problem.locality_ids)[problem.pair_locality]
        writer.writerows(zip(cases.tolist(), locs.tolist(),
                             (f"{v:.6f}" for v in problem.pair_score.tolist()), strict=True))
    return paths
