"""Score one new person against its candidates with the trained model, in milliseconds.

Splink's real-time API (``splink.internals.realtime.compare_records``) scores the cartesian
product of the new record and its candidates with the model's own SQL, cached after the first
call; one embedded DuckDB connection per process serves every check (a lock keeps checks from
sharing it at once). Term frequencies come with the records, as the real-time API expects:
the registry's counts of each spelling (``tf_given_latin``, ``tf_family_latin``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from resettle.registry.dedup.blocking import TF_COLUMNS
from resettle.registry.dedup.features import FeatureRow
from resettle.registry.dedup.records import MatchPair

PAIR_COLUMN = "pair_number"
_lock = threading.Lock()
_db_api: Any = None


def _duckdb() -> Any:
    global _db_api  # noqa: PLW0603 - one embedded connection per process, made on first use
    if _db_api is None:
        from splink.backends.duckdb import DuckDBAPI  # noqa: PLC0415

        _db_api = DuckDBAPI()
        # One check is a few hundred pairs: one thread answers sooner than several waking up.
        _db_api._con.execute("SET threads = 1")
    return _db_api


def model_key(model: Mapping[str, Any]) -> str:
    """A stable name for a model's cached SQL: a new model gets new SQL."""
    text = json.dumps(model, sort_keys=True, default=str)
    return "resettle-dedup-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def with_frequencies(row: FeatureRow, frequencies: Mapping[str, Mapping[str, float]]
                     ) -> FeatureRow:
    """``row`` with ``tf_<column>`` for each adjusted column (None when the value is new)."""
    extra = {f"tf_{column}": frequencies.get(column, {}).get(row.get(column) or "")
             for column in TF_COLUMNS}
    return {**row, **extra}


PAIRS_PER_QUERY = 200_000  # pairs scored by one query: bounds the memory of a large import


def score_candidates(new_row: FeatureRow, candidates: Sequence[FeatureRow],
                     model: dict[str, Any], *, threshold: float) -> tuple[MatchPair, ...]:
    """Pairs (new person, candidate) at ``threshold`` or above, most likely first."""
    pairs = score_pairs([(new_row, candidate) for candidate in candidates], model,
                        threshold=threshold)
    return tuple(sorted(pairs, key=lambda p: -p.match_probability))


def score_pairs(pairs: Sequence[tuple[FeatureRow, FeatureRow]], model: dict[str, Any], *,
                threshold: float) -> tuple[MatchPair, ...]:
    """Each (left, right) pair scored by the model; those at ``threshold`` or above, in order.

    The pairs are chosen by the caller (from blocking keys): Splink joins the two sides on a
    pair number, so a batch of rows costs one query, not one per row.
    """
    found: list[MatchPair] = []
    for start in range(0, len(pairs), PAIRS_PER_QUERY):
        found.extend(_score_chunk(pairs[start:start + PAIRS_PER_QUERY], model, threshold))
    return tuple(found)


def _score_chunk(pairs: Sequence[tuple[FeatureRow, FeatureRow]], model: dict[str, Any],
                 threshold: float) -> list[MatchPair]:
    from splink.internals.realtime import compare_records  # noqa: PLC0415

    from resettle.registry.dedup.linkage import pairs_from_records  # noqa: PLC0415

    if not pairs:
        return []
    left = pd.DataFrame([{**a, PAIR_COLUMN: n} for n, (a, _) in enumerate(pairs)])
    right = pd.DataFrame([{**b, PAIR_COLUMN: n} for n, (_, b) in enumerate(pairs)])
    for column in set(left.columns) ^ set(right.columns):  # the same columns on both sides
        (right if column in left.columns else left)[column] = None
    with _lock:
        db_api = _duckdb()
        scored = compare_records(left, right, model, db_api, sql_cache_key=model_key(model),
                                 join_condition=f"l.{PAIR_COLUMN} = r.{PAIR_COLUMN}")
        result = db_api._con.execute(
            f"SELECT * FROM {scored.physical_name} WHERE match_probability >= ?", [threshold])
        names = [column[0] for column in result.description]
        records = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
        scored.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        _drop_inputs(db_api, scored.physical_name.rsplit("_", 1)[-1])
    return list(pairs_from_records(records, model))


def _drop_inputs(db_api: Any, uid: str) -> None:
    """Unregister a comparison's two input frames (named with the result's uid), so a
    long-lived process does not grow."""
    connection = db_api._con  # Splink keeps its DuckDB connection here
    for side in ("left", "right"):
        connection.unregister(f"__splink__compare_records_{side}_{uid}")
