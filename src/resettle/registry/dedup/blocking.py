"""Blocking keys of one person: what a registry index stores so a check finds candidates fast.

A key per rule of ``settings.PREDICTION_BLOCKING`` (the rules Splink blocks the whole registry
on), so a new person meets at registration the same candidates it would meet in a batch run:
the persons sharing at least one key. A rule whose column is empty gives no key.
"""

from __future__ import annotations

from collections.abc import Iterable

from resettle.registry.dedup.features import FeatureRow
from resettle.registry.dedup.settings import PREDICTION_BLOCKING

# The columns the model adjusts by how common a value is (settings.name_comparison).
TF_COLUMNS = ("given_latin", "family_latin")
KEY_SEPARATOR = "\x1f"  # the unit separator: never inside a name or a date


def rule_name(columns: tuple[str, ...]) -> str:
    return "+".join(columns)


BLOCKING_RULE_NAMES = tuple(rule_name(cols) for cols in PREDICTION_BLOCKING)


def blocking_keys(row: FeatureRow,
                  rules: Iterable[tuple[str, ...]] = PREDICTION_BLOCKING,
                  ) -> tuple[tuple[str, str], ...]:
    """``(rule, key)`` pairs of ``row``: one per rule whose columns all have a value."""
    found: list[tuple[str, str]] = []
    for columns in rules:
        values = [row.get(column) for column in columns]
        if any(value is None or value == "" for value in values):
            continue
        found.append((rule_name(columns), KEY_SEPARATOR.join(str(v) for v in values)))
    return tuple(found)


TF_PREFIX = "tf:"  # rows counted for term frequencies, never used to find candidates


def frequency_keys(row: FeatureRow, columns: Iterable[str] = TF_COLUMNS,
                   ) -> tuple[tuple[str, str], ...]:
    """``(tf:<column>, value)`` for each term-frequency column with a value."""
    return tuple((f"{TF_PREFIX}{column}", str(row[column])) for column in columns
                 if row.get(column))
