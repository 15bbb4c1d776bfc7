"""Honest evaluation: what placement policies truly achieve in a world whose truth is known.

Per seed: build a world, simulate a history under the status quo, train a model on it, draw a
new cohort with places, then place the cohort five ways and score each placement with the
**true** probabilities: status quo (caseworker habits), random, greedy on model scores, model +
exact optimizer, oracle (true probabilities + exact optimizer). Beside the truth stands what a
model-based back-test would claim: the model's own predictions for its plan, minus the outcomes
observed under the status quo. Optionally a fair plan keeps every group at least at its
(predicted) status-quo outcome through the placement problem's group floors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from resettle.errors import PlacementFailedError
from resettle.placement.objective import fairness_shortfalls
from resettle.placement.problem import GroupFloor, PlacementProblem, PriorityLevel
from resettle.placement.solvers.base import get_solver
from resettle.prediction.fairness import Group, case_groups
from resettle.prediction.scoring import score_matrix, train_model
from resettle.simulation.worlds import (
    WorldSpec,
    assign_status_quo,
    cohort_capacity,
    draw_cohort,
    history_of,
    make_world,
    simulate_history,
    true_probability,
)

POLICIES = ("status_quo", "random", "greedy", "model", "oracle")
FAIR = "model_fair"
T_95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}
MIP_GAP = 1e-3  # relative: 0.1% of the total outcome, far below every effect measured
NEAR_ZERO_PP = 0.5  # a true gain within +-0.5 points (and its CI covering 0) is "no gain"


@dataclass(frozen=True)
class EvaluationSpec:
    world: WorldSpec = field(default_factory=WorldSpec)
    model_kind: str = "pooled"
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    fairness: bool = True
    time_limit_s: float = 20.0


@dataclass(frozen=True)
class SeedResult:
    """One seed: true mean outcome per policy (share of cohort cases employed at 90 days)."""

    seed: int
    true_mean: dict[str, float]
    claimed_mean: float  # the model's own prediction for its plan
    observed_status_quo: float  # what the status quo's cases were seen to achieve
    group_true: dict[str, dict[str, float]]  # group -> policy -> true mean
    unplaced: dict[str, int]


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


def interval(values: list[float]) -> Interval:
    """Mean and 95% t-interval over seeds (a single seed gives a zero-width interval)."""
    data = np.asarray(values, dtype=np.float64)
    mean = float(data.mean())
    if len(data) < 2:
        return Interval(mean, mean, mean)
    half = T_95.get(len(data) - 1, 1.96) * float(data.std(ddof=1)) / np.sqrt(len(data))
    return Interval(mean, mean - half, mean + half)


@dataclass(frozen=True)
class EvaluationReport:
    spec: EvaluationSpec
    results: tuple[SeedResult, ...]

    @property
    def policies(self) -> tuple[str, ...]:
        return tuple(self.results[0].true_mean)

    def true_outcome(self, policy: str) -> Interval:
        return interval([r.true_mean[policy] for r in self.results])

    def gain_pp(self, policy: str) -> Interval:
        """True gain over the status quo, in percentage points of cases employed."""
        return interval(
            [100 * (r.true_mean[policy] - r.true_mean["status_quo"]) for r in self.results]
        )

    def share_of_oracle(self, policy: str) -> Interval | None:
        """The policy's true gain as % of the oracle's; None where the oracle gains nothing."""
        shares = []
        for r in self.results:
            oracle = r.true_mean["oracle"] - r.true_mean["status_quo"]
            if oracle <= 1e-3:
                return None
            shares.append(100 * (r.true_mean[policy] - r.true_mean["status_quo"]) / oracle)
        return interval(shares)

    def claimed_gain_pp(self) -> Interval:
        """What a model-based back-test claims: predicted(plan) - observed(status quo)."""
        return interval([100 * (r.claimed_mean - r.observed_status_quo) for r in self.results])

    def no_true_gain(self) -> bool:
        gain = self.gain_pp("model")
        return (abs(gain.mean) <= NEAR_ZERO_PP and gain.covers(0.0)) or (
            abs(gain.high) <= NEAR_ZERO_PP and abs(gain.low) <= NEAR_ZERO_PP
        )

    def price_of_fairness_pp(self) -> Interval | None:
        if FAIR not in self.policies:
            return None
        return interval([100 * (r.true_mean["model"] - r.true_mean[FAIR]) for r in self.results])

    def verdict(self) -> str:
        """The one line the report leads with."""
        gain, claim = self.gain_pp("model"), self.claimed_gain_pp()
        world = "placebo world (location has no effect)" if self.spec.world.placebo else "world"
        if self.no_true_gain():
            return (
                f"{world}: NO TRUE GAIN — model + optimizer {gain.mean:+.2f} pp "
                f"[{gain.low:+.2f}, {gain.high:+.2f}], while a model-based back-test would "
                f"claim {claim.mean:+.2f} pp. Do not trust back-tests."
            )
        share = self.share_of_oracle("model")
        share_text = "" if share is None else f", {share.mean:.0f}% of the oracle's gain"
        return (
            f"{world}: model + optimizer gains {gain.mean:+.2f} pp "
            f"[{gain.low:+.2f}, {gain.high:+.2f}] over the status quo{share_text}; "
            f"a back-test would claim {claim.mean:+.2f} pp"
        )


def placement_problem(
    scores: NDArray[np.float64],
    sizes: NDArray[np.int64],
    capacity: NDArray[np.int64],
    groups: tuple[GroupFloor, ...] = (),
) -> PlacementProblem:
    """Every case allowed everywhere (worlds have no no-return rules), one persons dimension."""
    n, m = scores.shape
    return PlacementProblem(
        case_ids=tuple(f"c{i}" for i in range(n)),
        locality_ids=tuple(f"l{j}" for j in range(m)),
        locality_countries=("XXX",) * m,
        dimensions=("persons",),
        needs=sizes.astype(np.int64).reshape(n, 1),
        capacity=capacity.astype(np.int64).reshape(m, 1),
        priority=np.full(n, PriorityLevel.NORMAL, dtype=np.int8),
        pair_case=np.repeat(np.arange(n, dtype=np.int64), m),
        pair_locality=np.tile(np.arange(m, dtype=np.int64), n),
        pair_score=np.ascontiguousarray(scores, dtype=np.float64).ravel(),
        outcome_per_person=False,
        group_floors=groups,
    )


def place(
    solver: str, problem: PlacementProblem, *, seed: int, time_limit_s: float
) -> NDArray[np.int64]:
    result = get_solver(solver).solve(problem, time_limit=time_limit_s, gap=MIP_GAP, seed=seed)
    if not result.status.has_solution:
        raise PlacementFailedError(f"{solver} placement failed: {result.status} {result.message}")
    return result.assignment


def mean_outcome(p: NDArray[np.float64], assignment: NDArray[np.int64]) -> float:
    """Mean true outcome over all cases; an unplaced case counts as not employed."""
    placed = assignment >= 0
    picked = p[np.arange(len(p))[placed], assignment[placed]]
    return float(picked.sum() / len(p))


def status_quo_floors(
    groups: list[Group], scores: NDArray[np.float64], status_quo: NDArray[np.int64]
) -> tuple[GroupFloor, ...]:
    """Each group's floor: its mean *predicted* outcome under the status quo (the truth is
    unknown in real life; whether the floor holds in truth is what the evaluation checks)."""
    floors = []
    for group in groups:
        members = group.cases[status_quo[group.cases] >= 0]
        if len(members) == 0:
            continue
        floor = float(scores[members, status_quo[members]].mean())
        floors.append(GroupFloor(group.name, group.cases, min_mean_score=floor))
    return tuple(floors)


def _plans(
    spec: EvaluationSpec, seed: int, scores: NDArray[np.float64], truth: NDArray[np.float64],
    *, sizes: NDArray[np.int64], capacity: NDArray[np.int64],
) -> dict[str, NDArray[np.int64]]:
    model_problem = placement_problem(scores, sizes, capacity)

    def run(name: str, problem: PlacementProblem) -> NDArray[np.int64]:
        return place(name, problem, seed=seed, time_limit_s=spec.time_limit_s)

    return {
        "random": run("random", model_problem),
        "greedy": run("greedy", model_problem),
        "model": run("exact", model_problem),
        "oracle": run("exact", placement_problem(truth, sizes, capacity)),
    }


def evaluate_seed(spec: EvaluationSpec, seed: int) -> SeedResult:
    world = make_world(spec.world, seed)
    model = train_model(history_of(world, simulate_history(world, seed=seed)),
                        spec.model_kind, seed=seed)
    rng = np.random.default_rng([seed, 3])
    cohort = draw_cohort(world, spec.world.n_cohort, rng, prefix="N")
    capacity = cohort_capacity(world, cohort, rng)
    truth = true_probability(world, cohort)
    scores = score_matrix(model, cohort.cases, world.localities)
    status_quo = assign_status_quo(world, cohort, rng, capacity)
    sizes = cohort.cases.size
    plans = {
        "status_quo": status_quo,
        **_plans(spec, seed, scores, truth, sizes=sizes, capacity=capacity),
    }
    groups = case_groups(cohort.cases)
    if spec.fairness:
        floors = status_quo_floors(groups, scores, status_quo)
        fair = placement_problem(scores, sizes, capacity, floors)
        # The unconstrained optimum is optimal for the floored problem too when it already
        # meets every floor: skip the (much slower) floored solve then.
        plans[FAIR] = (
            plans["model"] if not fairness_shortfalls(fair, plans["model"])
            else place("exact", fair, seed=seed, time_limit_s=spec.time_limit_s)
        )
    observed = rng.random(len(sizes)) < truth[np.arange(len(sizes)), np.maximum(status_quo, 0)]
    return SeedResult(
        seed=seed,
        true_mean={name: mean_outcome(truth, plan) for name, plan in plans.items()},
        claimed_mean=mean_outcome(scores, plans["model"]),
        observed_status_quo=float((observed & (status_quo >= 0)).mean()),
        group_true={
            g.name: {name: mean_outcome(truth[g.cases], plan[g.cases])
                     for name, plan in plans.items()}
            for g in groups
        },
        unplaced={name: int((plan < 0).sum()) for name, plan in plans.items()},
    )


def evaluate_policies(
    spec: EvaluationSpec, progress: Callable[[int], None] | None = None
) -> EvaluationReport:
    """Run every seed (single-threaded numerics: the machine is shared) and collect."""
    results = []
    with threadpool_limits(limits=1):
        for seed in spec.seeds:
            results.append(evaluate_seed(spec, seed))
            if progress is not None:
                progress(seed)
    return EvaluationReport(spec, tuple(results))


def placebo_of(spec: EvaluationSpec) -> EvaluationSpec:
    return replace(spec, world=replace(spec.world, placebo=True))

