"""Large placement instances: the ``large`` solver against HiGHS MIP, CP-SAT and CBC.

Instances (seeded, ``placement.synthetic.random_problem``; capacity 95% of demand in every
dimension, so not everyone fits):
  A: 20,000 cases x 300 localities x 2 dimensions, 30 allowed localities per case (600,000 pairs)
  B: 100,000 cases x 1,000 localities x 3 dimensions, 100 allowed per case (10,000,000 pairs)

Every solver gets the same time budget (A: 15 s, B: 180 s, the targets) and optimises the same
weighted objective (the lexicographic tiers folded with the large solver's weights). Each run is
a fresh process that builds the instance itself, so its peak memory is its own (and capped at
8 GiB: a solver that needs more fails instead of starving the machine). Gaps are measured
against the large solver's proven bound on that objective (valid for every solver). The
outcome-tier gap is the one the large solver reports (outcome bound given the persons placed).
Baselines in the same run: ``large-columns`` (the large solver as it was before the price path:
persons flow, column generation, rounding) and ``greedy`` (the caseworker habit). The load
average is recorded beside each row. Run: ``python -m bench placement_scale``;
``PLACEMENT_SCALE=A`` (or ``B``, or ``S``, a small smoke instance) in the environment runs only
those; ``PLACEMENT_SCALE_SOLVERS=large,greedy`` only those solvers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from typing import Any

import numpy as np

from bench.machine import describe_machine

INSTANCES = {
    "A": dict(n_cases=20_000, n_localities=300, n_dimensions=2, density=0.1, budget=15.0),
    "B": dict(n_cases=100_000, n_localities=1_000, n_dimensions=3, density=0.1, budget=180.0),
    "S": dict(n_cases=2_000, n_localities=50, n_dimensions=2, density=0.2, budget=5.0),
}
DEFAULT = ("A", "B")
SOLVERS = ("large", "large-columns", "greedy", "highs-mip", "cp-sat", "cbc")
MEMORY_CAP = 8 * 2**30
BUILD_ALLOWANCE = 60.0  # seconds a competitor may spend building its model beyond the budget


def make_instance(name: str) -> Any:
    from resettle.placement.synthetic import random_problem

    spec = INSTANCES[name]
    return random_problem(int(spec["n_cases"]), int(spec["n_localities"]), seed=1,
                          n_dimensions=int(spec["n_dimensions"]), tightness=0.95,
                          density=float(spec["density"]))


def _weighted(problem: Any, assignment: np.ndarray) -> tuple[float, int]:
    from resettle.placement.objective import tier_coefficients
    from resettle.placement.solvers.large import tier_weights

    chosen = problem.pairs_of_assignment(assignment)
    chosen = chosen[chosen >= 0]
    weights = tier_weights(problem)
    value = sum(w * float(c[chosen].sum()) for w, c in
                zip(weights, tier_coefficients(problem), strict=True))
    return value, int(problem.sizes[problem.pair_case[chosen]].sum())


def run_large(problem: Any, budget: float) -> dict[str, Any]:
    from resettle.placement.solvers import get_solver

    result = get_solver("large").solve(problem, time_limit=budget)
    return {"assignment": result.assignment, "bound": result.stats.get("lp_bound"),
            "outcome_gap": result.gap, "status": str(result.status)}


def run_large_columns(problem: Any, budget: float) -> dict[str, Any]:
    """The large solver as it was before the price path (#17 item 1): persons flow, column
    generation, rounding, at every size."""
    from resettle.placement.solvers import large

    large.PRICES_ABOVE_PAIRS = 10**15
    return run_large(problem, budget)


def run_greedy(problem: Any, budget: float) -> dict[str, Any]:
    from resettle.placement.solvers import get_solver

    return {"assignment": get_solver("greedy").solve(problem, time_limit=budget).assignment}


def run_highs(problem: Any, budget: float) -> dict[str, Any]:
    from resettle.placement.lagrange import run_guarded
    from resettle.placement.rounding import assignment_model
    from resettle.placement.solvers.large import build_arrays, tier_weights

    arrays = build_arrays(problem, tier_weights(problem))
    cols = np.arange(problem.n_pairs, dtype=np.int64)
    highs = assignment_model(arrays, cols, arrays.capacity, 0, gap=1e-4)
    highs.setOptionValue("presolve", "off")  # else the time limit is not polled
    run_guarded(highs, budget, accept_feasible=True)
    if highs.getInfo().primal_solution_status != 2:
        return {"assignment": None}
    take = np.asarray(highs.getSolution().col_value) > 0.5
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    assignment[problem.pair_case[take]] = problem.pair_locality[take]
    return {"assignment": assignment}


def run_cpsat(problem: Any, budget: float) -> dict[str, Any]:
    from ortools.sat.python import cp_model

    from resettle.placement.solvers.large import build_arrays, tier_weights

    arrays = build_arrays(problem, tier_weights(problem))
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(problem.n_pairs)]
    indptr = problem.case_indptr
    for i in range(problem.n_cases):
        model.add_at_most_one(x[indptr[i]:indptr[i + 1]])
    by_loc = np.argsort(problem.pair_locality, kind="stable")
    bounds = np.searchsorted(problem.pair_locality[by_loc], np.arange(problem.n_localities + 1))
    for j in range(problem.n_localities):
        ids = by_loc[bounds[j]:bounds[j + 1]]
        for d in range(len(problem.dimensions)):
            need = problem.pair_needs[ids, d]
            use = ids[need > 0]
            expr = cp_model.LinearExpr.weighted_sum(
                [x[p] for p in use], [int(problem.pair_needs[p, d]) for p in use])
            model.add(expr <= int(problem.capacity[j, d]))
    coeffs = np.rint(100 * arrays.weight).astype(np.int64).tolist()
    model.maximize(cp_model.LinearExpr.weighted_sum(x, coeffs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = budget
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"assignment": None}
    values = np.array([solver.boolean_value(v) for v in x])
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    assignment[problem.pair_case[values]] = problem.pair_locality[values]
    return {"assignment": assignment}


def run_cbc(problem: Any, budget: float) -> dict[str, Any]:
    import pulp

    from resettle.placement.solvers.large import build_arrays, tier_weights

    arrays = build_arrays(problem, tier_weights(problem))
    model = pulp.LpProblem("placement", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{p}", cat="Binary") for p in range(problem.n_pairs)]
    model += pulp.lpSum(float(w) * v for w, v in zip(arrays.weight, x, strict=True))
    indptr = problem.case_indptr
    for i in range(problem.n_cases):
        model += pulp.lpSum(x[indptr[i]:indptr[i + 1]]) <= 1
    for j in range(problem.n_localities):
        ids = np.flatnonzero(problem.pair_locality == j)
        for d in range(len(problem.dimensions)):
            model += pulp.lpSum(float(problem.pair_needs[p, d]) * x[p] for p in ids
                                if problem.pair_needs[p, d]) <= float(problem.capacity[j, d])
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=budget))
    values = np.array([(v.value() or 0.0) > 0.5 for v in x])
    if not values.any():
        return {"assignment": None}
    assignment = np.full(problem.n_cases, -1, dtype=np.int64)
    assignment[problem.pair_case[values]] = problem.pair_locality[values]
    return {"assignment": assignment}


RUNNERS = {"large": run_large, "large-columns": run_large_columns, "greedy": run_greedy,
           "highs-mip": run_highs, "cp-sat": run_cpsat, "cbc": run_cbc}


def _child(name: str, solver: str, budget: float, queue: Any) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    try:
        problem = make_instance(name)
        wall, cpu = time.perf_counter(), time.process_time()
        out = RUNNERS[solver](problem, budget)
        out["seconds"] = time.perf_counter() - wall
        out["cpu_seconds"] = time.process_time() - cpu
        if out["assignment"] is not None:
            from resettle.placement.check import check_placement

            check_placement(problem, out["assignment"])
            out["weighted"], out["persons"] = _weighted(problem, out["assignment"])
        out.pop("assignment")
    except MemoryError:
        out = {"error": "out of memory (8 GiB cap)"}
    except Exception as error:  # a failing competitor is a result, not a crash
        out = {"error": " ".join(f"{type(error).__name__}: {error}".split())[:120]}
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(out)


def run_one(name: str, solver: str, budget: float) -> dict[str, Any]:
    context = mp.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(name, solver, budget, queue))
    started = time.perf_counter()
    process.start()
    wait = budget + BUILD_ALLOWANCE + 60.0
    try:
        out: dict[str, Any] = queue.get(timeout=wait)
    except Exception:
        process.kill()
        out = {"error": f"no result after {time.perf_counter() - started:.0f} s (killed)"}
    process.join(timeout=10)
    out["load"] = f"{os.getloadavg()[0]:.1f}"  # 1-minute load average as the run ended
    return out


def _row(solver: str, out: dict[str, Any], bound: float | None) -> str:
    load = out.get("load", "?")
    if "error" in out:
        return (f"| {solver} | — | — | — | — | {out.get('peak_mib', 0):.0f} | {load} | "
                f"{out['error']} |")
    if "weighted" not in out:
        return (f"| {solver} | {out['seconds']:.1f} | {out['cpu_seconds']:.1f} | — | — | "
                f"{out['peak_mib']:.0f} | {load} | no solution within the budget |")
    gap = "—" if not bound else f"{100 * (bound - out['weighted']) / bound:.3f}%"
    extra = ""
    if out.get("outcome_gap") is not None:
        extra = f"outcome-tier gap {100 * out['outcome_gap']:.3f}%, {out['status']}"
    return (f"| {solver} | {out['seconds']:.1f} | {out['cpu_seconds']:.1f} | {gap} | "
            f"{out['persons']} | {out['peak_mib']:.0f} | {load} | {extra} |")


def main() -> None:
    chosen = os.environ.get("PLACEMENT_SCALE", "")
    names = [a for a in chosen.split(",") if a in INSTANCES] or list(DEFAULT)
    wanted = os.environ.get("PLACEMENT_SCALE_SOLVERS", ",".join(SOLVERS)).split(",")
    print(describe_machine())
    for name in names:
        spec = INSTANCES[name]
        budget = float(spec["budget"])
        print(f"\n### {name}: {spec['n_cases']:,} cases x {spec['n_localities']:,} localities x "
              f"{spec['n_dimensions']} dims, budget {budget:.0f} s")
        results = {}
        for solver in SOLVERS:
            if solver in wanted:
                print(f"running {solver} (load {os.getloadavg()[0]:.1f})", flush=True)
                results[solver] = run_one(name, solver, budget)
        # Every large run's bound is valid for every solver: the smallest is the honest one.
        bounds = [out["bound"] for out in results.values() if out.get("bound")]
        bound = min(bounds) if bounds else None
        print(f"bound used: {bound}")
        print("| solver | wall s | CPU s | gap to bound (weighted) | persons placed | "
              "peak MiB | load | notes |")
        print("|---|---|---|---|---|---|---|---|")
        for solver, out in results.items():
            print(_row(solver, out, bound), flush=True)


if __name__ == "__main__":
    main()
