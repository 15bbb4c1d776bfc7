"""Deduplication use cases, the one place the CLI (and later the web) call.

- ``find_duplicates``: the whole registry, trained on itself (or with a saved model), scored
  and clustered; the pairs are candidates for a registration officer, never merged here.
- ``check_person``: one new person against the registry before it is stored: likely matches
  with the fields that agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.errors import DedupModelNeededError
from resettle.registry.dedup.features import person_features, registry_rows
from resettle.registry.dedup.linkage import PAIR_THRESHOLD, deduplicate, find_matches
from resettle.registry.dedup.records import Backend, DedupResult, MatchPair

MIN_PERSONS_TO_TRAIN = 200  # EM needs enough pairs; below this, use a saved model


def find_duplicates(cases: Iterable[Case], *, model: dict[str, Any] | None = None,
                    backend: Backend = Backend.DUCKDB, spark: Any = None,
                    seed: int = 0) -> DedupResult:
    """Likely duplicate pairs and clusters of the registry's persons."""
    rows = list(registry_rows(cases))
    if model is None and len(rows) < MIN_PERSONS_TO_TRAIN:
        raise DedupModelNeededError(
            f"the registry holds {len(rows)} persons; training needs at least "
            f"{MIN_PERSONS_TO_TRAIN}: give a model saved by 'resettle dedup run --save-model'")
    return deduplicate(rows, model=model, backend=backend, spark=spark, seed=seed)


def check_person(person: Person, cases: Iterable[Case], model: dict[str, Any], *,
                 household: Iterable[Person] = (), threshold: float = PAIR_THRESHOLD,
                 ) -> tuple[MatchPair, ...]:
    """Registry persons likely to be ``person``, most likely first, with their reasons."""
    rows = [row for row in registry_rows(cases) if row["unique_id"] != person.person_id]
    return find_matches(rows, person_features(person, household), model, threshold=threshold)


def save_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")


def load_model(path: Path) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return model
