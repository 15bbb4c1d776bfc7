"""History files: written and read back unchanged; every problem reported with row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from resettle.errors import ValidationError
from resettle.prediction.history import REQUIRED_COLUMNS, read_history, write_history
from resettle.simulation.worlds import WorldSpec, history_of, make_world, simulate_history


def _history(rows: int = 200):
    world = make_world(WorldSpec(n_localities=5), seed=3)
    return history_of(world, simulate_history(world, n=rows, seed=3))


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    history = _history()
    path = tmp_path / "history.csv"
    write_history(history, path)
    back = read_history(path)
    assert back.cases.case_ids == history.cases.case_ids
    assert np.array_equal(back.employed, history.employed)
    assert np.array_equal(back.cases.language_level, history.cases.language_level)
    assert np.array_equal(back.cases.sector, history.cases.sector)
    assert back.cases.relative_countries == history.cases.relative_countries
    assert back.cases.medical_services == history.cases.medical_services
    used = sorted(set(history.locality_index.tolist()))
    ids = [history.localities.locality_ids[j] for j in used]
    assert sorted(back.localities.locality_ids) == sorted(ids)
    assert [back.localities.locality_ids[j] for j in back.locality_index] == [
        history.localities.locality_ids[j] for j in history.locality_index
    ]
    assert back.fingerprint() != "" and read_history(path).fingerprint() == back.fingerprint()


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


GOOD = {
    "case_id": "C1", "locality_id": "ALB-TIR", "principal_sex": "M", "principal_age": "44",
    "case_size": "1", "adults": "1", "education": "university", "locality_country": "ALB",
    "employed_90d": "1", "languages": "fas:native;eng:basic", "relative_countries": "DEU",
    "locality_languages": "sqi", "locality_urban": "true", "outcome_housing_180d": "",
}  # fmt: skip


def test_every_problem_is_collected_with_row_and_column(tmp_path: Path) -> None:
    bad = dict(GOOD, case_id="C2", principal_sex="Q", principal_age="old", adults="3",
               languages="xxq:native", relative_countries="ZZZ", employed_90d="maybe",
               outcome_housing_180d="2")  # fmt: skip
    dup = dict(GOOD, locality_urban="false")  # same case id, locality described differently
    path = tmp_path / "history.csv"
    _write(path, [GOOD, bad, dup])
    with pytest.raises(ValidationError) as raised:
        read_history(path)
    found = {(i.row, i.field, i.code) for i in raised.value.issues}
    assert {
        (3, "principal_sex", "bad_value"),
        (3, "principal_age", "bad_value"),
        (3, "adults", "bad_value"),
        (3, "languages", "unknown_language"),
        (3, "relative_countries", "unknown_country"),
        (3, "employed_90d", "bad_value"),
        (3, "outcome_housing_180d", "bad_value"),
        (4, "case_id", "duplicate"),
        (4, "locality_id", "inconsistent_locality"),
    } <= found
    assert all(i.file == "history.csv" for i in raised.value.issues)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("case_id,locality_id\nC1,L1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        read_history(path)
    assert {i.field for i in raised.value.issues} == set(REQUIRED_COLUMNS) - {
        "case_id", "locality_id"}


def test_optional_outcomes_are_read(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    _write(path, [GOOD, dict(GOOD, case_id="C2", outcome_housing_180d="1")])
    history = read_history(path)
    assert np.isnan(history.other_outcomes["housing_180d"][0])
    assert history.other_outcomes["housing_180d"][1] == 1.0
