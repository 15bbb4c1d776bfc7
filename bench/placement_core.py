"""Placement (core): exact solver vs plain HiGHS and CP-SAT; stable mode vs `matching`.

1. Camp Ashraf scenario (every case, 17 localities, 5 dimensions, simple score): our exact
   solver vs plain HiGHS MIP (defaults, same pair model, same lexicographic tiers in turn).
2. Tight weekly batch, 300 cases x 300 localities, 2 dimensions (capacity = demand):
   ours vs plain HiGHS vs OR-Tools CP-SAT, same time budget each, same tiers.
3. Stable mode: our deferred acceptance vs `matching` (HospitalResident) at 1,000 and
   10,000 refugees x 50 localities, unit sizes (where the answer is unique).
"""

from __future__ import annotations

import time
from datetime import date

import highspy
import numpy as np

from bench.machine import describe_machine
from resettle.placement.objective import tier_coefficients
from resettle.placement.problem import PlacementProblem
from resettle.placement.solve import solve_placement
from resettle.placement.solvers._highs import build_rows, new_model
from resettle.placement.synthetic import random_problem

BUDGET = 60.0


def ashraf_problem() -> PlacementProblem:
    from resettle.placement.build import build_problem
    from resettle.placement.records import placement_inputs_from_registry
    from resettle.placement.simple_score import simple_scores
    from resettle.simulation.ashraf import generate_ashraf
    from resettle.simulation.ashraf_config import ASHRAF_PROTECTION

    batch = generate_ashraf(2011)
    on = date(2015, 6, 30)
    cases, locs = placement_inputs_from_registry(batch.cases, batch.localities, batch.pledges,
                                                 on=on, protection=ASHRAF_PROTECTION)
    return build_problem(cases, locs, simple_scores(batch.cases, batch.localities, on=on))


def plain_highs(problem: PlacementProblem, budget: float) -> tuple[str, float, tuple[float, ...]]:
    """HiGHS defaults on the one-binary-per-pair model, tiers in turn (no aggregation)."""
    started = time.perf_counter()
    highs = new_model(problem, build_rows(problem), integer=True, seed=0)
    values: list[float] = []
    status = "optimal"
    cols = np.arange(problem.n_pairs, dtype=np.int32)
    for coef in tier_coefficients(problem):
        highs.changeColsCost(problem.n_pairs, cols, coef)
        highs.setOptionValue("time_limit", max(budget - (time.perf_counter() - started), 0.1))
        highs.run()
        model_status = highs.getModelStatus()
        x = np.asarray(highs.getSolution().col_value)
        values.append(float(coef @ x))
        if model_status != highspy.HighsModelStatus.kOptimal:
            status = f"{highs.modelStatusToString(model_status)} (gap "
            status += f"{100 * highs.getInfo().mip_gap:.2f}%)"
            break
        nz = np.flatnonzero(coef).astype(np.int32)
        highs.addRow(values[-1] - 1e-6, highspy.kHighsInf, len(nz), nz, coef[nz])
    return status, time.perf_counter() - started, tuple(values)


def cp_sat(problem: PlacementProblem, budget: float) -> tuple[str, float, tuple[float, ...]]:
    """OR-Tools CP-SAT on the same model; the outcome scaled to integers (x 10,000)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{p}") for p in range(problem.n_pairs)]
    for case in range(problem.n_cases):
        s, e = problem.case_indptr[case], problem.case_indptr[case + 1]
        model.Add(sum(x[s:e]) <= 1)
    for loc in range(problem.n_localities):
        pairs = np.flatnonzero(problem.pair_locality == loc)
        for d in range(len(problem.dimensions)):
            terms = [int(problem.pair_needs[p, d]) * x[p] for p in pairs
                     if problem.pair_needs[p, d]]
            if terms:
                model.Add(sum(terms) <= int(problem.capacity[loc, d]))
    values: list[float] = []
    status = "optimal"
    for coef in tier_coefficients(problem):
        weights = np.round(coef * 10_000).astype(np.int64)
        objective = sum(int(w) * x[p] for p, w in enumerate(weights) if w)
        model.Maximize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(budget - (time.perf_counter() - started), 0.1)
        solver.parameters.num_workers = 2
        result = solver.Solve(model)
        if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "no solution", time.perf_counter() - started, tuple(values)
        value = solver.ObjectiveValue()
        values.append(value / 10_000)
        if result != cp_model.OPTIMAL:
            bound = solver.BestObjectiveBound()
            status = f"feasible (gap {100 * (bound - value) / max(abs(bound), 1):.2f}%)"
            break
        model.Add(objective >= round(value))
    return status, time.perf_counter() - started, tuple(values)


def compare(name: str, problem: PlacementProblem, *, with_cp_sat: bool) -> None:
    print(f"-- {name}: {problem.n_cases} cases x {problem.n_localities} localities, "
          f"{len(problem.dimensions)} dimensions, {problem.n_pairs} allowed pairs")
    ours = solve_placement(problem, solver="exact", time_limit=BUDGET)
    print(f"   resettle exact : {ours.status}, {ours.seconds:.2f}s, tiers {_fmt(ours.tiers)}, "
          f"bound {ours.bound}, gap {ours.gap}")
    status, seconds, values = plain_highs(problem, BUDGET)
    print(f"   plain HiGHS MIP: {status}, {seconds:.2f}s, tiers {_fmt(values)}; "
          f"ratio {seconds / max(ours.seconds, 1e-9):.1f}x")
    if with_cp_sat:
        status, seconds, values = cp_sat(problem, BUDGET)
        print(f"   CP-SAT (2 workers): {status}, {seconds:.2f}s, tiers {_fmt(values)}; "
              f"ratio {seconds / max(ours.seconds, 1e-9):.1f}x")
    greedy = solve_placement(problem, solver="greedy")
    print(f"   greedy baseline: tiers {_fmt(greedy.tiers)}")


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.4f}" if v % 1 else f"{v:.0f}" for v in values) + ")"


def stable_vs_matching(n: int, m: int) -> None:
    import warnings

    from matching.games import HospitalResident

    from resettle.placement.solvers import get_solver

    rng = np.random.default_rng(n)
    k = min(m, 10)  # each refugee ranks 10 localities
    pair_case = np.repeat(np.arange(n), k)
    pair_loc = np.concatenate([np.sort(rng.choice(m, k, replace=False)) for _ in range(n)])
    pref = np.concatenate([rng.permutation(k) + 1 for _ in range(n)])
    order = rng.permutation(n)
    rank_of = np.argsort(order) + 1
    problem = PlacementProblem(
        case_ids=tuple(f"R{i}" for i in range(n)), locality_ids=tuple(f"H{j}" for j in range(m)),
        locality_countries=("ALB",) * m, dimensions=("persons",),
        needs=np.ones((n, 1), dtype=np.int64),
        capacity=np.full((m, 1), int(0.9 * n / m), dtype=np.int64),
        priority=np.full(n, 2, dtype=np.int8), pair_case=pair_case.astype(np.int64),
        pair_locality=pair_loc.astype(np.int64), pair_score=np.zeros(n * k),
        pair_pref_rank=pref.astype(np.int64), pair_priority_rank=rank_of[pair_case],
    )
    ours = get_solver("stable").solve(problem)
    residents = {f"R{i}": [] for i in range(n)}
    for p in np.lexsort((pref, pair_case)):
        residents[f"R{pair_case[p]}"].append(f"H{pair_loc[p]}")
    applicants: dict[int, list[int]] = {j: [] for j in range(m)}
    for case, loc in zip(pair_case.tolist(), pair_loc.tolist(), strict=True):
        applicants[loc].append(case)
    hospital_prefs = {f"H{j}": [f"R{i}" for i in sorted(cases, key=lambda c: rank_of[c])]
                      for j, cases in applicants.items()}
    capacities = {f"H{j}": int(0.9 * n / m) for j in range(m)}
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospital_prefs, capacities)
        solution = game.solve(optimal="resident")
    theirs_seconds = time.perf_counter() - started
    theirs = {r.name: h.name for h, rs in solution.items() for r in rs}
    same = theirs == dict(ours.placed_pairs(problem))
    print(f"-- stable, {n} refugees x {m} localities: resettle {ours.seconds:.3f}s, "
          f"matching {theirs_seconds:.2f}s (ratio {theirs_seconds / ours.seconds:.0f}x), "
          f"same matching: {same}, blocking pairs {ours.stats['blocking_pairs']:.0f}")


def main() -> None:
    print(describe_machine())
    compare("Camp Ashraf scenario (seed 2011, simple score)", ashraf_problem(),
            with_cp_sat=False)
    compare("tight weekly batch", random_problem(300, 300, seed=1, n_dimensions=2,
                                                 tightness=1.0), with_cp_sat=True)
    stable_vs_matching(1_000, 50)
    stable_vs_matching(10_000, 50)


if __name__ == "__main__":
    main()
