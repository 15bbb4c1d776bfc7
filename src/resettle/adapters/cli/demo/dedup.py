"""Deduplication's demo step: a separate synthetic registry seeded with known re-registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.dedup import pairs_table, quiet_splink
from resettle.registry.dedup import find_duplicates
from resettle.registry.dedup.evaluation import pair_recall, pairwise_scores
from resettle.simulation.duplicates import generate_registry_with_duplicates

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
    ctx.summary["deduplication"] = line
