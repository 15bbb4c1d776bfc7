"""Score candidate pairs with the trained model's own parameters, in Python, without DuckDB.

A registration check scores a few hundred pairs; Splink's real-time API (``realtime.py``)
does it with the model's SQL in an embedded DuckDB, at the cost of registering two tables and
running several statements per check. The arithmetic is small: for each comparison, the first
level whose condition holds gives a Bayes factor (m / u, as Splink computes it from the same
model), term-frequency adjusted on an exact spelling; the prior's odds times every factor give
the match weight and probability. This module evaluates the same levels in Python, from the
conditions Splink stores in the model (``settings.py`` writes them), and combines the factors
in Splink's order, with Splink's clamps, so the probabilities are Splink's
(``tests/registry/dedup/test_scoring.py`` checks them against Splink's predictions).

A model holding a condition this module does not know is refused (``UnknownChoiceError``):
score it with ``realtime.score_pairs`` instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import JaroWinkler

from resettle.errors import UnknownChoiceError
from resettle.registry.dedup.features import FeatureRow
from resettle.registry.dedup.records import MatchPair

Condition = Callable[[FeatureRow, FeatureRow], bool]
_COLUMN = r'"?(\w+)_l"?'  # Splink quotes most column names, not those of a custom level


@dataclass(frozen=True)
class TermFrequency:
    """Splink's adjustment of an exact spelling: (u of the exact level / the spelling's share
    of the registry) ** weight, the larger share of the two records counting."""

    column: str
    u_exact: float
    weight: float
    minimum: float


@dataclass(frozen=True)
class Level:
    gamma: int  # Splink's comparison vector value (-1: a value is missing)
    label: str
    condition: Condition
    bayes_factor: float
    frequency: TermFrequency | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]  # in Splink's order: the first whose condition holds counts
    adjusted: bool  # a level has a term-frequency adjustment (Splink adds its factor)


@dataclass(frozen=True)
class ScoringModel:
    prior_factor: float  # the prior probability as odds
    comparisons: tuple[Comparison, ...]


def score_pairs(pairs: Sequence[tuple[FeatureRow, FeatureRow]], model: dict[str, Any], *,
                threshold: float) -> tuple[MatchPair, ...]:
    """Each (left, right) pair scored by the model; those at ``threshold`` or above, in order
    (the same answer as ``realtime.score_pairs``)."""
    from resettle.registry.dedup.linkage import pairs_from_records  # noqa: PLC0415

    scoring = compiled(model)
    records = (score_record(scoring, left, right) for left, right in pairs)
    return pairs_from_records([r for r in records if r["match_probability"] >= threshold],
                              model)


def score_record(scoring: ScoringModel, left: FeatureRow, right: FeatureRow
                 ) -> dict[str, Any]:
    """One pair as Splink's prediction row: ids, ``gamma_``/``bf_`` per comparison, weight
    and probability."""
    record: dict[str, Any] = {"unique_id_l": left["unique_id"],
                              "unique_id_r": right["unique_id"]}
    factor, infinite = scoring.prior_factor, False
    for comparison in scoring.comparisons:
        level = _level_met(comparison.levels, left, right)
        record[f"gamma_{comparison.name}"] = level.gamma
        record[f"bf_{comparison.name}"] = level.bayes_factor
        factor *= level.bayes_factor  # Splink multiplies in this order: same rounding
        infinite = infinite or math.isinf(level.bayes_factor)
        if comparison.adjusted:
            adjustment = _term_frequency(level, left, right)
            factor *= adjustment
            infinite = infinite or math.isinf(adjustment)
    factor = min(max(factor, 1e-300), 1e300)
    record["match_weight"] = math.log2(factor)
    record["match_probability"] = 1.0 if infinite else factor / (1 + factor)
    return record


def _level_met(levels: tuple[Level, ...], left: FeatureRow, right: FeatureRow) -> Level:
    for level in levels:
        if level.condition(left, right):
            return level
    return levels[-1]  # never reached: a comparison ends with ELSE


def _term_frequency(level: Level, left: FeatureRow, right: FeatureRow) -> float:
    tf = level.frequency
    if tf is None:
        return 1.0
    shares = [s for s in (left.get(f"tf_{tf.column}"), right.get(f"tf_{tf.column}"))
              if s is not None]
    if not shares:
        return 1.0
    divisor = max(*shares, tf.minimum)
    return float((tf.u_exact / divisor) ** tf.weight)


def compiled(model: dict[str, Any]) -> ScoringModel:
    """The model's levels as Python conditions and Bayes factors (cached per model)."""
    from resettle.registry.dedup.realtime import model_key  # noqa: PLC0415

    key = model_key(model)
    if key not in _compiled:
        if len(_compiled) >= MODELS_KEPT:
            _compiled.clear()
        _compiled[key] = _compile(model)
    return _compiled[key]


MODELS_KEPT = 8  # models compiled in one process (a new model replaces the old one in use)
_compiled: dict[str, ScoringModel] = {}


def _compile(model: dict[str, Any]) -> ScoringModel:
    from splink.internals.settings_creator import SettingsCreator  # noqa: PLC0415

    settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
    prior = settings.core_model_settings.probability_two_random_records_match
    comparisons = []
    for comparison in settings.core_model_settings.comparisons:
        levels = tuple(_level(level, comparison.comparison_levels)
                       for level in comparison.comparison_levels)
        comparisons.append(Comparison(comparison.output_column_name, levels,
                                      any(level.frequency for level in levels)))
    return ScoringModel(prior / (1 - prior), tuple(comparisons))


def _level(level: Any, siblings: list[Any]) -> Level:
    frequency = None
    if level._has_tf_adjustments and level._tf_adjustment_weight != 0 and not \
            level._is_else_level:
        frequency = TermFrequency(level._tf_adjustment_input_column_name,
                                  level._u_probability_corresponding_to_exact_match(siblings),
                                  level._tf_adjustment_weight, level._tf_minimum_u_value)
    factor = level._bayes_factor
    return Level(level.comparison_vector_value, level.label_for_charts,
                 condition_of(level.sql_condition, null=level.is_null_level),
                 1.0 if factor is None else float(factor), frequency)


def condition_of(sql: str, *, null: bool = False) -> Condition:
    """The Python test of one of the level conditions ``settings.py`` writes."""
    sql = sql.strip()
    for pattern, build in _CONDITIONS:
        found = re.fullmatch(pattern, sql)
        if found and (pattern != _NULL or null):
            return build(*found.groups())
    raise UnknownChoiceError(f"the fast scorer does not know the level condition {sql!r}; "
                             "score with Splink (registry.dedup.realtime)")


def _null(column: str) -> Condition:
    return lambda a, b: a.get(column) is None or b.get(column) is None


def _equal(column: str) -> Condition:
    def test(a: FeatureRow, b: FeatureRow) -> bool:
        left, right = a.get(column), b.get(column)
        return left is not None and right is not None and left == right
    return test


def _shared(column: str, least: str) -> Condition:
    needed = int(least)

    def test(a: FeatureRow, b: FeatureRow) -> bool:
        left, right = a.get(column), b.get(column)
        if left is None or right is None:
            return False
        return len(set(left).intersection(right) - {None}) >= needed
    return test


def _jaro_winkler(column: str, least: str) -> Condition:
    cutoff = float(least)

    def test(a: FeatureRow, b: FeatureRow) -> bool:
        left, right = a.get(column), b.get(column)
        return (left is not None and right is not None
                and JaroWinkler.similarity(left, right) >= cutoff)
    return test


def _placeholder_year(year: str, flag: str, joined: str) -> Condition:
    both = joined == "AND"

    def test(a: FeatureRow, b: FeatureRow) -> bool:
        left, right = a.get(year), b.get(year)
        flags = (a.get(flag) is True, b.get(flag) is True)
        return (left is not None and right is not None and left == right
                and (all(flags) if both else any(flags)))
    return test


def _both(first: str, second: str) -> Condition:
    """Splink's ``And`` of two levels: ``(first) AND (second)``."""
    one, other = condition_of(first), condition_of(second)
    return lambda a, b: one(a, b) and other(a, b)


def _within_seconds(column: str, seconds: str) -> Condition:
    limit = float(seconds)

    def test(a: FeatureRow, b: FeatureRow) -> bool:
        left, right = _epoch(a.get(column)), _epoch(b.get(column))
        return left is not None and right is not None and abs(left - right) <= limit
    return test


@lru_cache(maxsize=100_000)
def _epoch(text: str | None) -> float | None:
    if text is None:
        return None
    try:  # DuckDB's try_strptime: an unreadable date is NULL, not an error
        return (datetime.strptime(text, "%Y-%m-%d") - datetime(1970, 1, 1)).total_seconds()
    except ValueError:
        return None


_NULL = rf'{_COLUMN} IS NULL OR "?\1_r"? IS NULL'
_CONDITIONS: tuple[tuple[str, Callable[..., Condition]], ...] = (
    (_NULL, _null),
    (rf'{_COLUMN} = "?\1_r"?', _equal),
    (rf'array_length\(list_intersect\({_COLUMN}, "?\1_r"?\)\) >= (\d+)',
     _shared),
    (rf'jaro_winkler_similarity\({_COLUMN}, "?\1_r"?\) >= ([0-9.]+)',
     _jaro_winkler),
    (rf'{_COLUMN} = "?\1_r"? AND \({_COLUMN} (OR|AND) "?\2_r"?\)', _placeholder_year),
    (rf"ABS\(EPOCH\(try_strptime\({_COLUMN}, '%Y-%m-%d'\)\) - "
     rf"EPOCH\(try_strptime\(\"?\1_r\"?, '%Y-%m-%d'\)\)\) <= ([0-9.]+)",
     _within_seconds),
    ("ELSE", lambda: lambda a, b: True),
    (r"\((.+?)\) AND \((.+)\)", _both),  # last: the others are tried on each side
)

