"""One CSV formula guard for every CSV resettle writes (security finding 6, issue 18)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.core.csv_cells import FormulaSafeDictWriter, guard_formula, unguard_formula

SRC = Path(__file__).resolve().parents[2] / "src" / "resettle"


@pytest.mark.parametrize("text", ["=1+1", "+1", "@SUM(A1)", "-2+3", "-A1", "\t=1", "'=1",
                                  "-1+cmd|' /C calc'!A0"])
def test_formula_like_cells_are_guarded(text: str) -> None:
    assert guard_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["-2", "-2.5", "-1e-05", "12", "Karimi", "", "-"])
def test_plain_values_are_kept(text: str) -> None:
    assert guard_formula(text) == text


@given(st.text())
def test_guard_round_trips(text: str) -> None:
    assert unguard_formula(guard_formula(text)) == text


def test_dict_writer_guards_every_cell() -> None:
    buffer = io.StringIO()
    writer = FormulaSafeDictWriter(buffer, fieldnames=["a", "b"])
    writer.writeheader()
    writer.writerows([{"a": "-2+3", "b": 1}, {"a": "=HYPERLINK(\"x\")", "b": "-4"}])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[1:] == [["'-2+3", "1"], ["'=HYPERLINK(\"x\")", "-4"]]


def test_every_csv_is_written_through_the_one_guard() -> None:
    """csv.writer / csv.DictWriter appear only in core/csv_cells.py."""
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if path.name != "csv_cells.py"
                 and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())]
    assert offenders == []
