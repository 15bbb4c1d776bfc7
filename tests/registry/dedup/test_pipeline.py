"""End to end on a small generated registry with known duplicates (Splink on DuckDB, EM).

Thresholds sit below what ``bench/dedup.py`` measures (pairwise F1 0.98 on 3,298 records,
0.95 on 21,837; Persian/Latin recall 1.00 and 0.97), with room for a small sample's noise.
"""

from __future__ import annotations

import pytest

from resettle.errors import DedupModelNeededError
from resettle.registry.dedup import DedupResult, check_person, find_duplicates
from resettle.registry.dedup.evaluation import bcubed_scores, pair_recall, pairwise_scores
from resettle.simulation.duplicates import SyntheticRegistry, generate_registry_with_duplicates

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def registry() -> SyntheticRegistry:
    return generate_registry_with_duplicates(7, 1200)


@pytest.fixture(scope="module")
def result(registry: SyntheticRegistry) -> DedupResult:
    return find_duplicates(registry.cases, seed=1)


def test_clusters_find_the_known_duplicates(registry: SyntheticRegistry,
                                            result: DedupResult) -> None:
    pairwise = pairwise_scores(result.clusters, registry.truth)
    assert pairwise.precision >= 0.9
    assert pairwise.recall >= 0.85
    assert bcubed_scores(result.clusters, registry.truth).f1 >= 0.97


def test_persian_script_registrations_meet_their_latin_twin(registry: SyntheticRegistry,
                                                           result: DedupResult) -> None:
    pairs = [(p, registry.truth[p]) for p in registry.persian_script_ids]
    assert len(pairs) >= 10
    assert pair_recall(result.clusters, pairs) >= 0.9


def test_pairs_carry_reasons_and_the_trained_model(result: DedupResult) -> None:
    assert result.pairs and all(0.5 <= p.match_probability <= 1 for p in result.pairs)
    best = max(result.pairs, key=lambda p: p.match_probability)
    assert "given:" in best.reasons and "family:" in best.reasons
    levels = {c["output_column_name"] for c in result.model["comparisons"]}
    assert {"given", "family", "dob", "sex", "nationality", "relatives"} <= levels


def test_a_new_registration_in_persian_script_is_flagged(registry: SyntheticRegistry,
                                                        result: DedupResult) -> None:
    copy_id = sorted(registry.persian_script_ids)[0]
    persons = {p.person_id: p for p in registry.persons}
    original = persons[registry.truth[copy_id]]
    others = [case for case in registry.cases
              if all(m.person_id != copy_id for m in case.members)]
    matches = check_person(persons[copy_id], others, result.model)
    assert matches and matches[0].right_id == original.person_id
    assert matches[0].match_probability >= 0.5


def test_training_needs_enough_persons(registry: SyntheticRegistry) -> None:
    with pytest.raises(DedupModelNeededError, match="saved by"):
        find_duplicates(registry.cases[:20])
