"""Dynamic placement: % of the hindsight optimum reached by greedy, myopic and potentials.

Seeded arrival streams (``placement.dynamic.simulate_arrivals``): a pledge year of 52 weekly
batches, 25 cases a week, 12 localities, 2 capacity dimensions, annual capacity 80% of the
year's demand. Each policy places every batch on arrival; the hindsight optimum knows all
arrivals (a MIP over the year). Baseline: per-batch greedy, the caseworker habit.
Run: ``python -m bench placement_dynamic``.
"""

from __future__ import annotations

import numpy as np

from bench.machine import describe_machine

STREAMS = 3
WEEKS, PER_WEEK, LOCALITIES = 52, 25, 12


def main() -> None:
    from resettle.placement.dynamic import POLICIES, run_policy, simulate_arrivals, solve_hindsight

    print(describe_machine())
    value: dict[str, list[float]] = {p: [] for p in POLICIES}
    outcome: dict[str, list[float]] = {p: [] for p in POLICIES}
    persons: dict[str, list[float]] = {p: [] for p in POLICIES}
    seconds: dict[str, list[float]] = {p: [] for p in POLICIES}
    hindsight_gap = []
    for seed in range(STREAMS):
        stream = simulate_arrivals(WEEKS, PER_WEEK, LOCALITIES, seed=seed, tightness=0.8)
        best, bound = solve_hindsight(stream, time_limit=120)
        hindsight_gap.append((bound - best.value) / bound)
        for policy in POLICIES:
            run = run_policy(stream, policy, seed=seed)
            value[policy].append(run.value / best.value)
            outcome[policy].append(run.outcome / best.outcome)
            persons[policy].append(run.persons / best.persons)
            seconds[policy].append(run.seconds)
    print(f"\n{STREAMS} streams x {WEEKS} weeks x {PER_WEEK} cases, {LOCALITIES} localities; "
          f"hindsight MIP gap <= {100 * max(hindsight_gap):.4f}%")
    print("| policy | % of hindsight (weighted objective) | min..max | "
          "% of hindsight outcome | % of hindsight persons | s per year |")
    print("|---|---|---|---|---|---|")
    for policy in POLICIES:
        v = 100 * np.array(value[policy])
        print(f"| {policy} | {v.mean():.2f}% | {v.min():.2f}..{v.max():.2f} | "
              f"{100 * np.mean(outcome[policy]):.2f}% | {100 * np.mean(persons[policy]):.2f}% | "
              f"{np.mean(seconds[policy]):.1f} |")
    ratio = np.mean(value["potentials"]) / np.mean(value["greedy"])
    print(f"\npotentials / greedy (weighted objective): {ratio:.3f}x")


if __name__ == "__main__":
    main()
