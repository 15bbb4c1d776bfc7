"""The Python scorer gives Splink's own probabilities, weights and reasons.

Pairs of a synthetic registry with known re-registrations (every pair its blocking rules find,
plus strangers paired at random, so every level of every comparison is met), scored by
Splink's real-time API and by ``scoring.score_pairs`` with the same trained model.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from tests.registry.dedup.make_model import trained_model

from resettle.errors import UnknownChoiceError
from resettle.registry.dedup.blocking import TF_COLUMNS, blocking_keys
from resettle.registry.dedup.features import FeatureRow, registry_rows
from resettle.registry.dedup.realtime import score_pairs as splink_scores
from resettle.registry.dedup.realtime import with_frequencies
from resettle.registry.dedup.scoring import compiled, condition_of, score_pairs
from resettle.simulation.duplicates import generate_registry_with_duplicates

Pair = tuple[FeatureRow, FeatureRow]


@pytest.fixture(scope="module")
def pairs() -> list[Pair]:
    rows = list(registry_rows(generate_registry_with_duplicates(11, 300).cases))
    shares = {column: {value: n / len(rows) for value, n in
                       Counter(r.get(column) or "" for r in rows).items()}
              for column in TF_COLUMNS}
    rows = [with_frequencies(r, shares) for r in rows]
    blocked: dict[tuple[str, str], list[FeatureRow]] = {}
    for row in rows:
        for key in blocking_keys(row):
            blocked.setdefault(key, []).append(row)
    found = {(a["unique_id"], b["unique_id"]): (a, b) for group in blocked.values()
             for a in group for b in group if a["unique_id"] < b["unique_id"]}
    chance = random.Random(3)
    for _ in range(300):
        a, b = chance.sample(rows, 2)
        found[(a["unique_id"], b["unique_id"])] = (a, b)
    for a, b in [chance.sample(rows, 2) for _ in range(40)]:  # a reading shared, rarely met
        found[(a["unique_id"], b["unique_id"])] = (a, {**b, **{
            f"{name}_candidates": a[f"{name}_candidates"] for name in ("given", "family")}})
    for a in rows[:20]:  # spellings close, skeletons apart: rarely met too
        found[(a["unique_id"], "respelled")] = (a, {
            **a, "unique_id": "respelled", "given_latin": f"{a['given_latin']}e",
            "given_key": "qqxq", "given_candidates": None})
    return list(found.values())


def test_probabilities_weights_and_reasons_are_splinks(pairs: list[Pair]) -> None:
    model = trained_model()
    ours = {(p.left_id, p.right_id): p for p in score_pairs(pairs, model, threshold=0.0)}
    theirs = {(p.left_id, p.right_id): p for p in splink_scores(pairs, model, threshold=0.0)}
    assert len(pairs) > 300
    assert set(ours) == set(theirs)
    for key, expected in theirs.items():
        got = ours[key]
        assert got.match_probability == pytest.approx(expected.match_probability, abs=1e-12)
        assert got.match_weight == pytest.approx(expected.match_weight, abs=1e-9)
        assert got.agreements == expected.agreements


def test_every_level_of_the_model_is_met_by_the_sample(pairs: list[Pair]) -> None:
    """So the equality above covers every condition, not only the common ones."""
    from resettle.registry.dedup.scoring import score_record

    scoring = compiled(trained_model())
    met: set[tuple[str, int]] = set()
    for left, right in pairs:
        record = score_record(scoring, left, right)
        met.update((c.name, record[f"gamma_{c.name}"]) for c in scoring.comparisons)
    expected = {(c.name, lv.gamma) for c in scoring.comparisons for lv in c.levels
                if lv.gamma >= 0 and c.name != "nationality"}  # one nationality in the scenario
    assert expected - met == set()


def test_the_threshold_keeps_the_likely_pairs(pairs: list[Pair]) -> None:
    model = trained_model()
    kept = score_pairs(pairs, model, threshold=0.5)
    assert kept and all(p.match_probability >= 0.5 for p in kept)
    assert len(kept) == len(splink_scores(pairs, model, threshold=0.5))


def test_a_condition_it_does_not_know_is_refused() -> None:
    with pytest.raises(UnknownChoiceError):
        condition_of('levenshtein("given_latin_l", "given_latin_r") <= 2')


def test_a_missing_value_takes_the_null_level() -> None:
    model: dict[str, Any] = trained_model()
    scoring = compiled(model)
    levels = next(c.levels for c in scoring.comparisons if c.name == "dob")
    null = next(lv for lv in levels if lv.gamma == -1)
    assert null.condition({"dob": None}, {"dob": "1980-01-01"})
    assert not null.condition({"dob": "1980-01-01"}, {"dob": "1980-01-01"})
