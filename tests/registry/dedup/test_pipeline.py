"""End to end on a small generated registry with known duplicates (Splink on DuckDB, EM).

Thresholds sit below what ``bench/dedup.py`` measures (pairwise F1 0.98 on 3,298 records,
0.95 on 21,837; Persian/Latin recall 1.00 and 0.97), with room for a small sample's noise.
"""

from __future__ import annotations

import pytest

from resettle.errors import DedupModelNeededError
from resettle.registry.dedup import DedupResult, check_person, find_duplicates
from resettle.registry.dedup.evaluation import bcubed_scores, pair_recall, pairwise_scores
from resettle.registry.dedup.linkage import training_sample
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


def test_the_date_of_birth_is_learned_not_left_at_splinks_defaults(result: DedupResult) -> None:
    """The date's m probabilities come from EM (the third training pass): a real date shared
    weighs more than two 1 January placeholders of one year, which weigh more than nothing."""
    dob = next(c for c in result.model["comparisons"] if c["output_column_name"] == "dob")
    learned = {level["label_for_charts"]: level for level in dob["comparison_levels"]
               if "m_probability" in level and "u_probability" in level}
    factor = {label: lv["m_probability"] / lv["u_probability"] for label, lv in learned.items()}
    same, both_placeholders = factor["same date"], factor["same year, both 1 January placeholders"]
    assert same > both_placeholders > 1
    assert 0.3 < learned["same date"]["m_probability"] < 0.95  # not every true pair: noise


def test_training_draws_a_seeded_sample_past_its_size() -> None:
    rows = [{"unique_id": str(i)} for i in range(1000)]
    assert training_sample(rows, size=1000) is rows
    drawn = training_sample(rows, seed=3, size=100)
    assert len(drawn) == 100 == len({r["unique_id"] for r in drawn})
    assert drawn == training_sample(rows, seed=3, size=100)
    assert drawn != training_sample(rows, seed=4, size=100)
