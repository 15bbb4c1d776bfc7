"""Re-placement after host refusals, on the Camp Ashraf scenario, against the hindsight optimum.

Every case placed is referred to the state of its locality; each state refuses each case with
probability p, drawn once per (case, state) and seed, so every policy meets the same answers.
After each round of decisions, accepted cases stay where they are (locks) and refused cases
come back with the refusing state excluded (``referral.replacement.replacement_problem``);
rounds go on until a round brings no new refusal. Compared in one run, from the same first
placement (the exact solver's):

(a) optimal re-placement: this project's exact solver on each round's problem;
(b) greedy re-placement: the greedy solver (most urgent first, best score that still fits);
(c) hindsight: the exact solver once, every refusal known in advance.

Reported: persons placed and total expected outcome as ratios to hindsight, rounds, seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bench.machine import describe_machine
from bench.placement_core import ashraf_problem
from resettle.placement.problem import PlacementProblem
from resettle.placement.solve import solve_placement
from resettle.referral.replacement import replacement_problem

REFUSAL_RATES = (0.1, 0.25, 0.4)
SEEDS = (1, 2, 3)
MAX_ROUNDS = 12


@dataclass(frozen=True)
class Replay:
    persons: int
    outcome: float
    rounds: int
    refusals: int
    seconds: float


def draw_refusals(problem: PlacementProblem, rate: float, seed: int) -> NDArray[np.bool_]:
    """(n_cases, n_localities): whether the locality's state refuses the case."""
    countries = sorted(set(problem.locality_countries))
    rng = np.random.default_rng([seed, round(rate * 1000)])
    by_state = rng.random((problem.n_cases, len(countries))) < rate
    columns = [countries.index(c) for c in problem.locality_countries]
    return by_state[:, columns]


def totals(problem: PlacementProblem, assignment: NDArray[np.int64]) -> tuple[int, float]:
    pairs = problem.pairs_of_assignment(assignment)
    placed = pairs >= 0
    sizes = problem.sizes[placed]
    return int(sizes.sum()), float((problem.pair_score[pairs[placed]] * sizes).sum())


def replay(problem: PlacementProblem, refuses: NDArray[np.bool_],
           first: NDArray[np.int64], solver: str) -> Replay:
    started = time.perf_counter()
    accepted: dict[str, str] = {}
    refused: dict[str, set[str]] = {}
    assignment, rounds, count = first, 0, 0
    while rounds < MAX_ROUNDS:
        new = 0
        for i, loc in enumerate(assignment.tolist()):
            case_id = problem.case_ids[i]
            if loc < 0 or case_id in accepted:
                continue
            if refuses[i, loc]:
                refused.setdefault(case_id, set()).add(problem.locality_countries[loc])
                new += 1
            else:
                accepted[case_id] = problem.locality_ids[loc]
        if not new:
            break
        count += new
        rounds += 1
        again = replacement_problem(problem, refused=refused, accepted=accepted)
        assignment = solve_placement(again, solver=solver).assignment
    persons, outcome = totals(problem, assignment)
    return Replay(persons, outcome, rounds, count, time.perf_counter() - started)


def hindsight(problem: PlacementProblem, refuses: NDArray[np.bool_]) -> Replay:
    started = time.perf_counter()
    refused: dict[str, set[str]] = {}
    for i, j in zip(*np.nonzero(refuses), strict=True):
        refused.setdefault(problem.case_ids[i], set()).add(problem.locality_countries[j])
    known = replacement_problem(problem, refused=refused, accepted={})
    persons, outcome = totals(problem, solve_placement(known, solver="exact").assignment)
    return Replay(persons, outcome, 0, 0, time.perf_counter() - started)


def main() -> None:
    print(describe_machine())
    problem = ashraf_problem()
    first = solve_placement(problem, solver="exact")
    base_persons, base_outcome = totals(problem, first.assignment)
    print(f"-- Camp Ashraf (seed 2011): {problem.n_cases} cases, {problem.n_localities} "
          f"localities, {problem.n_pairs} allowed pairs; first placement (exact, no refusal "
          f"yet): {base_persons} persons, outcome {base_outcome:.1f}, {first.seconds:.2f}s")
    print("   p    seed | hindsight persons, outcome | optimal re-placement: persons, outcome "
          "(ratios), rounds, refusals, s | greedy re-placement: same")
    ratios: dict[str, list[tuple[float, float]]] = {"exact": [], "greedy": []}
    for rate in REFUSAL_RATES:
        for seed in SEEDS:
            refuses = draw_refusals(problem, rate, seed)
            best = hindsight(problem, refuses)
            line = f"   {rate:.2f} {seed:>4} | {best.persons:>5}, {best.outcome:8.1f} |"
            for solver in ("exact", "greedy"):
                got = replay(problem, refuses, first.assignment, solver)
                pr, orat = got.persons / best.persons, got.outcome / best.outcome
                ratios[solver].append((pr, orat))
                line += (f" {got.persons:>5} ({pr:.4f}), {got.outcome:8.1f} ({orat:.4f}), "
                         f"{got.rounds}, {got.refusals}, {got.seconds:.1f} |")
            print(line, flush=True)
    for solver, values in ratios.items():
        persons = np.array([v[0] for v in values])
        outcome = np.array([v[1] for v in values])
        print(f"   {solver:>6} re-placement vs hindsight: persons mean {persons.mean():.4f} "
              f"(min {persons.min():.4f}), outcome mean {outcome.mean():.4f} "
              f"(min {outcome.min():.4f})")


if __name__ == "__main__":
    main()
