"""A placement run as a record: what went in (a fingerprint), how it was solved, what came out.

Runs are stored so they can be reproduced and compared: the same fingerprint, solver,
parameters and seed give the same placement. Caseworkers then accept a proposed placement or
override it with a reason; both are recorded against the run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np

from resettle.placement.problem import PlacementProblem
from resettle.placement.reasons import reasons_starting_with
from resettle.placement.result import PlacementResult


class DecisionAction(StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"


@dataclass(frozen=True)
class PlacementRun:
    run_id: str
    created_at: datetime
    created_by: str
    label: str  # e.g. the scenario or the weekly batch
    inputs_hash: str
    solver: str
    parameters: dict[str, Any]
    seed: int
    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    tiers: dict[str, float]
    persons_placed: dict[str, int]
    message: str = ""
    assignments: tuple[tuple[str, str | None, float | None], ...] = field(default=())


@dataclass(frozen=True)
class PlacementDecision:
    run_id: str
    case_id: str
    action: DecisionAction
    locality_id: str | None  # where the case goes: the proposal (accept) or another (override)
    reason: str
    decided_by: str
    at: datetime


def fingerprint_problem(problem: PlacementProblem) -> str:
    """SHA-256 of everything a solver reads: ids, needs, capacity, pairs, scores, locks, rules."""
    digest = hashlib.sha256()
    header = {
        "cases": problem.case_ids, "localities": problem.locality_ids,
        "countries": problem.locality_countries, "dimensions": problem.dimensions,
        "locks": sorted(problem.locks.items()),
        "no_return": [sorted(s) for s in problem.no_return],
        "per_person": problem.outcome_per_person, "coverage": problem.coverage_tier,
        "floors": [(f.name, f.cases.tolist(), f.min_share_placed, f.min_mean_score)
                   for f in problem.group_floors],
    }
    refusals = sorted(f"{i}:{j}:{reason}" for (i, j), reason in
                      reasons_starting_with(problem.exclusion_reasons, "refused:"))
    if refusals:  # a host state's refusal is an input (absent: older hashes unchanged)
        header["refused"] = refusals
    digest.update(json.dumps(header, sort_keys=True).encode())
    for array in (problem.needs, problem.capacity, problem.priority, problem.pair_case,
                  problem.pair_locality, problem.pair_score, problem.pair_pref_rank,
                  problem.pair_priority_rank):
        if array is not None:
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def make_run(
    problem: PlacementProblem,
    result: PlacementResult,
    *,
    run_id: str,
    created_at: datetime,
    created_by: str,
    label: str,
    parameters: dict[str, Any],
) -> PlacementRun:
    placements = []
    for case, loc in enumerate(result.assignment.tolist()):
        at = problem.pair_index(case, loc) if loc >= 0 else -1
        placements.append((problem.case_ids[case], problem.locality_ids[loc] if loc >= 0
                           else None, float(problem.pair_score[at]) if at >= 0 else None))
    return PlacementRun(
        run_id=run_id, created_at=created_at, created_by=created_by, label=label,
        inputs_hash=fingerprint_problem(problem), solver=result.solver, parameters=parameters,
        seed=result.seed, status=str(result.status), objective=result.objective,
        bound=result.bound, gap=result.gap, seconds=result.seconds,
        tiers=dict(zip(result.tier_names, result.tiers, strict=True)),
        persons_placed=dict(result.persons_placed), message=result.message,
        assignments=tuple(placements),
    )
