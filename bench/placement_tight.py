"""Tight weekly batch: the exact solver over fillings against its baselines, same run.

Instance: ``random_problem(300, 300, seed, n_dimensions=2, tightness=1.0)`` — 300 cases,
300 localities holding 2 persons on average, capacity = demand (#17, "tight batches"); seed 1
is the recorded target, ``PLACEMENT_TIGHT_SEEDS=1,2,3`` runs more.

Solvers, each in a fresh process (memory capped at 8 GiB, killed if it overruns its budget by
more than ``GRACE`` s), all on the same lexicographic tiers with the same budget:
  exact        — resettle's exact solver as it is now (fillings bound for tiny capacities);
  exact-pairs  — the same solver with the fillings path switched off: the exact solver as it
                 was before (pair LP, reduced-cost fixing, HiGHS MIP), the named baseline;
  highs-mip    — HiGHS's MIP directly on the one-binary-per-pair model, tiers in turn.
Every placement is verified by the independent checker; CPU and wall seconds and the load
average (``uptime``) before each run are printed beside each figure.
Run: ``python -m bench placement_tight``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import subprocess
import time
from typing import Any

import numpy as np

from bench.machine import describe_machine

BUDGET = 60.0
GRACE = 30.0  # plain HiGHS has overrun its time limit by minutes on this instance
MEMORY_CAP = 8 * 2**30
SOLVERS = ("exact", "exact-pairs", "highs-mip")


def make_instance(seed: int) -> Any:
    from resettle.placement.synthetic import random_problem

    return random_problem(300, 300, seed=seed, n_dimensions=2, tightness=1.0)


def run_exact(problem: Any, budget: float, *, fillings: bool) -> dict[str, Any]:
    from resettle.placement.solvers._dantzig import FillingsModel
    from resettle.placement.solvers.exact import ExactSolver

    if not fillings:  # this process only: the solver as it was before fillings
        FillingsModel.applicable = lambda self: False  # type: ignore[method-assign]
    result = ExactSolver().solve(problem, time_limit=budget)
    return {"assignment": result.assignment, "status": result.status.value,
            "bound": result.bound, "gap": result.gap}


def run_highs(problem: Any, budget: float) -> dict[str, Any]:
    """HiGHS defaults on the pair model, each tier held as a row for the next."""
    import highspy

    from resettle.placement.objective import tier_coefficients, tier_names
    from resettle.placement.solvers._highs import build_rows, new_model

    started = time.perf_counter()
    highs = new_model(problem, build_rows(problem), integer=True, seed=0)
    cols = np.arange(problem.n_pairs, dtype=np.int32)
    status, x = "optimal", None
    for name, coef in zip(tier_names(problem), tier_coefficients(problem), strict=True):
        highs.changeColsCost(problem.n_pairs, cols, coef)
        highs.setOptionValue("time_limit", max(budget - (time.perf_counter() - started), 0.1))
        highs.run()
        if highs.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
            status = f"no solution for the {name} tier (the previous tier's is shown)"
            break
        x = np.asarray(highs.getSolution().col_value)
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = f"time limit in the {name} tier (gap {100 * highs.getInfo().mip_gap:.2f}%)"
            break
        nz = np.flatnonzero(coef).astype(np.int32)
        highs.addRow(float(coef @ x) - 1e-6, highspy.kHighsInf, len(nz), nz, coef[nz])
    assignment = None
    if x is not None:
        take = x > 0.5
        assignment = np.full(problem.n_cases, -1, dtype=np.int64)
        assignment[problem.pair_case[take]] = problem.pair_locality[take]
    return {"assignment": assignment, "status": status, "bound": None, "gap": None}


def _run(problem: Any, solver: str, budget: float) -> dict[str, Any]:
    if solver == "highs-mip":
        return run_highs(problem, budget)
    return run_exact(problem, budget, fillings=solver == "exact")


def _child(seed: int, solver: str, budget: float, queue: Any) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    try:
        from resettle.placement.check import check_placement
        from resettle.placement.objective import evaluate_tiers

        problem = make_instance(seed)
        wall, cpu = time.perf_counter(), time.process_time()
        out = _run(problem, solver, budget)
        out["seconds"] = time.perf_counter() - wall
        out["cpu_seconds"] = time.process_time() - cpu
        assignment = out.pop("assignment")
        if assignment is not None:
            check_placement(problem, assignment)  # the independent checker
            out["tiers"] = evaluate_tiers(problem, assignment)
    except Exception as error:  # a failing competitor is a result, not a crash
        out = {"error": f"{type(error).__name__}: {error}"[:120]}
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(out)


def run_one(seed: int, solver: str, budget: float) -> dict[str, Any]:
    context = mp.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(seed, solver, budget, queue))
    started = time.perf_counter()
    process.start()
    try:
        out: dict[str, Any] = queue.get(timeout=budget + GRACE + 30.0)
    except Exception:
        process.kill()
        out = {"error": f"no result after {time.perf_counter() - started:.0f} s (killed)"}
    process.join(timeout=10)
    return out


def uptime() -> str:
    try:
        text = subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return text.strip().split("load average:")[-1].strip()


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.4f}" if v % 1 else f"{v:.0f}" for v in values) + ")"


def _row(solver: str, out: dict[str, Any], load: str, reference: float | None) -> str:
    if "error" in out:
        return f"| {solver} | — | — | — | — | {load} | {out['error']} |"
    tiers = _fmt(out["tiers"]) if "tiers" in out else "no placement"
    gap = "—" if out.get("gap") is None else f"{100 * out['gap']:.2g}%"
    ratio = "" if reference is None else f" ({out['cpu_seconds'] / reference:.1f}× exact)"
    return (f"| {solver} | {out['status']} | {tiers} | gap {gap} | "
            f"{out['cpu_seconds']:.2f} CPU s{ratio}, {out['seconds']:.2f} s wall | {load} | "
            f"{out['peak_mib']:.0f} MiB |")


def main() -> None:
    print(describe_machine())
    seeds = [int(s) for s in os.environ.get("PLACEMENT_TIGHT_SEEDS", "1").split(",")]
    for seed in seeds:
        print(f"-- random_problem(300, 300, seed={seed}, n_dimensions=2, tightness=1.0), "
              f"budget {BUDGET:.0f} s each")
        print("| solver | status | tiers (E, U, N, outcome) | bound | CPU / wall | "
              "load (1, 5, 15 min) before | peak |")
        print("|---|---|---|---|---|---|---|")
        reference = None
        for solver in SOLVERS:
            load = uptime()
            out = run_one(seed, solver, BUDGET)
            print(_row(solver, out, load, reference), flush=True)
            if solver == "exact" and "cpu_seconds" in out:
                reference = out["cpu_seconds"]


if __name__ == "__main__":
    main()
