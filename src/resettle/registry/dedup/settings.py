"""The linkage model as data: Splink blocking rules and comparisons, one place.

Blocking keeps the pairs worth scoring (same name skeleton; same family or given skeleton and
birth year; same date of birth). Each comparison lists its levels from most to least alike;
Splink learns how much each level weighs (u by random sampling, m by expectation
maximisation), so no weight here is set by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# What each rule catches when the others miss: a changed family name (given skeleton, year and
# the family skeleton's first letter: typos and readings rarely change it), a changed given
# name (family skeleton and year), both changed (exact date and sex). Two tighter rules than
# before keep the scored pairs linear enough for 1,000,000 persons: "same date" no longer
# pairs every 1 January placeholder of a year (a quarter of the persons), and "same given name
# and year" no longer pairs every Mohammad born in 1970. On 54,000 generated records (seed
# 2013, national names) they score 7 times fewer pairs and lose no true pair the old rules kept.
PREDICTION_BLOCKING = (
    ("name_key",),
    ("family_key", "birth_year"),
    ("given_key", "birth_year", "family_initial"),
    ("exact_dob", "sex"),
)
# Training blocks: each EM pass fixes what it blocks on and learns the other comparisons. EM
# needs blocks where true pairs are not drowned by strangers who agree on what is left free,
# and the larger the registry, the more strangers share a common given name, a family name
# and a year, or a 1 January placeholder. Blocking on the date of birth alone (placeholders
# included) let EM take "same given name and date" for a match at 200,000 persons (a family
# name that differs weighed nothing); blocking on family skeleton and sex drowned at 55,000
# (bench/RESULTS.md). So each pass fixes two strong fields and leaves placeholders out:
# - same real date and given skeleton: learns the family name, relatives, sex;
# - same real date and family skeleton: learns the given name, relatives, sex;
# - same name skeletons and the same relatives' names: learns the date of birth (without it
#   the date's m probabilities kept Splink's defaults: a calendar slip weighed almost nothing).
# Written as SQL (DuckDB's dialect; Splink translates it for Spark).
TrainingBlock = tuple[str, ...] | str  # columns to be equal, or a SQL condition
TRAINING_BLOCKING: tuple[TrainingBlock, ...] = (
    "l.dob = r.dob AND l.given_key = r.given_key AND NOT l.dob_placeholder",
    "l.dob = r.dob AND l.family_key = r.family_key AND NOT l.dob_placeholder",
    ("given_key", "family_key", "relatives_keys"),
)
DETERMINISTIC_RULES = (("name_key", "dob"),)


def name_comparison(prefix: str) -> cl.CustomComparison:
    latin, key = f"{prefix}_latin", f"{prefix}_key"
    return cl.CustomComparison(
        output_column_name=prefix,
        comparison_levels=[
            cll.NullLevel(key),
            cll.ExactMatchLevel(latin).configure(tf_adjustment_column=latin,
                                                 label_for_charts="same spelling"),
            # Hossein/Hassan, Mahmoud/Mohammad share a skeleton but are other names: a
            # respelling of one name keeps its spelling close, another name does not.
            cll.And(cll.ExactMatchLevel(key), cll.JaroWinklerLevel(latin, 0.88)).configure(
                label_for_charts="same consonant skeleton, spellings close"),
            cll.ExactMatchLevel(key).configure(
                label_for_charts="same consonant skeleton, spellings apart"),
            cll.ArrayIntersectLevel(f"{prefix}_candidates", 1).configure(
                label_for_charts="one romanization agrees"),
            cll.JaroWinklerLevel(key, 0.88).configure(label_for_charts="skeletons close"),
            cll.JaroWinklerLevel(latin, 0.88).configure(label_for_charts="spellings close"),
            cll.ElseLevel(),
        ],
    )


def birth_date_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            # Two 1 January placeholders of one year say only that the year agrees: a
            # registry holds many of them, so this is not "same date".
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND (dob_placeholder_l AND dob_placeholder_r)",
                label_for_charts="same year, both 1 January placeholders",
                base_dialect_str="duckdb",
            ),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date"),
            cll.ArrayIntersectLevel("dob_variants", 1).configure(
                label_for_charts="calendar conversion or day/month swap"),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND (dob_placeholder_l OR dob_placeholder_r)",
                label_for_charts="same year, one is a 1 January placeholder",
                base_dialect_str="duckdb",
            ),
            cll.AbsoluteDateDifferenceLevel(
                "dob", input_is_string=True, threshold=1, metric="year",
            ).configure(label_for_charts="within a year"),
            cll.ElseLevel(),
        ],
    )


def same_or_not(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[cll.NullLevel(column),
                           cll.ExactMatchLevel(column).configure(label_for_charts="same"),
                           cll.ElseLevel()],
    )


def dedup_settings(*, probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    """The settings every backend uses (DuckDB by default, Spark past one machine)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=probability_two_random_records_match,
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in PREDICTION_BLOCKING],
        comparisons=[
            name_comparison("given"),
            name_comparison("family"),
            birth_date_comparison(),
            same_or_not("sex"),
            same_or_not("nationality"),
            cl.CustomComparison(
                output_column_name="relatives",
                comparison_levels=[
                    cll.NullLevel("relatives_keys"),
                    cll.ArrayIntersectLevel("relatives_keys", 2).configure(
                        label_for_charts="two or more names shared"),
                    cll.ArrayIntersectLevel("relatives_keys", 1).configure(
                        label_for_charts="one name shared"),
                    cll.ElseLevel(),
                ],
            ),
        ],
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["case_id"],
    )


def baseline_settings() -> SettingsCreator:
    """The plain baseline: Jaro-Winkler on ASCII-folded Latin names plus exact date of birth."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("dob"), block_on("given_plain", "family_plain")],
        comparisons=[
            cl.JaroWinklerAtThresholds("given_plain", [0.92, 0.85]),
            cl.JaroWinklerAtThresholds("family_plain", [0.92, 0.85]),
            cl.ExactMatch("dob"),
            cl.ExactMatch("sex"),
        ],
    )


def as_dict(settings: SettingsCreator, dialect: str = "duckdb") -> dict[str, Any]:
    """The settings as plain data (JSON-ready), as Splink stores them in a model file."""
    result: dict[str, Any] = settings.get_settings(dialect).as_dict()
    return result


@dataclass(frozen=True)
class ModelSpec:
    """A linkage model as data: its settings and how its probabilities are trained."""

    name: str
    settings: Callable[[], SettingsCreator]
    training_blocking: tuple[TrainingBlock, ...]
    deterministic_rules: tuple[tuple[str, ...], ...]
    # m from known truth instead of EM: only for a benchmark's baseline, never in production
    m_from_truth: bool = False


DEDUP = ModelSpec("scripts, skeletons and calendars", dedup_settings, TRAINING_BLOCKING,
                  DETERMINISTIC_RULES)
# The baseline's EM collapses on this population (few distinct names: it learns "same sex" as
# the match signal), so its m probabilities come from the truth: a stronger baseline than it
# could be in the field, which makes the comparison conservative.
BASELINE = ModelSpec("baseline: Jaro-Winkler on ASCII names + exact date of birth",
                     baseline_settings, (), (("given_plain", "family_plain", "dob"),),
                     m_from_truth=True)
