"""Deduplication's demo step: a separate synthetic registry seeded with known re-registrations."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from resettle.adapters.cli.dedup import pairs_table, quiet_splink
from resettle.registry.dedup import DedupResult, find_duplicates
from resettle.registry.dedup.evaluation import pair_recall, pairwise_scores
from resettle.registry.dedup.features import registry_rows
from resettle.registry.dedup.ports import MemoryCandidateSource
from resettle.registry.dedup.service import check_new_person
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


DEMO_POPULATION = 800


def step_dedup(ctx: DemoContext) -> None:
    """Demo: a synthetic registry seeded with known re-registrations, deduplicated."""
    quiet_splink()
    registry = generate_registry_with_duplicates(ctx.seed, DEMO_POPULATION)
    result = find_duplicates(registry.cases, seed=ctx.seed)
    scores = pairwise_scores(result.clusters, registry.truth)
    seeded = len(registry.truth) - len(set(registry.truth.values()))
    persian = pair_recall(result.clusters,
                          [(p, registry.truth[p]) for p in registry.persian_script_ids])
    ctx.console.rule("registry: likely duplicates (a separate synthetic registry)")
    pairs = tuple(sorted(result.pairs, key=lambda p: -p.match_probability))
    ctx.console.print(pairs_table("Likely duplicates (first 5)", pairs, 5))
    line = (f"{len(registry.truth):,} records with {seeded} known re-registrations: "
            f"{len(result.groups())} clusters found, pairwise precision {scores.precision:.2f}, "
            f"recall {scores.recall:.2f}; Persian-script re-registrations found {persian:.0%}")
    ctx.console.print(line)
    ctx.console.print(_registration_check(registry, result))
    ctx.summary["deduplication"] = line


def _registration_check(registry: SyntheticRegistry, result: DedupResult) -> str:
    """One Persian-script re-registration checked as at registration: its blocking keys in an
    index of the others, scored by the model the run trained."""
    copy_id = sorted(registry.persian_script_ids)[0]
    person = next(p for p in registry.persons if p.person_id == copy_id)
    others = MemoryCandidateSource(registry_rows(
        c for c in registry.cases if c.case_id != person.case_id))
    check_new_person(others, person, result.model)  # the first builds the model's SQL
    began = time.perf_counter()
    found = check_new_person(others, person, result.model)
    took = 1000 * (time.perf_counter() - began)
    named = f"{person.given_name} {person.family_name}"
    if not found:
        return f"registration check of {copy_id} ({named}): no likely match ({took:.0f} ms)"
    best = found[0]
    truth = "the known original" if best.right_id == registry.truth[copy_id] else "not the original"
    return (f"registration check of {copy_id} ({named}): likely {best.right_id} ({truth}), "
            f"probability {best.match_probability:.2f}, {took:.0f} ms; {best.reasons}")
