"""A time limit shorter than an instance's fixed work is refused before any work, with the
smallest limit it needs (issue 17 item 0); at that limit the command runs and places."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.errors import BadParameterError
from resettle.placement import budget as budget_module
from resettle.placement.budget import Budget, minimum_seconds, refuse_short_limit
from resettle.placement.files import count_data_rows
from resettle.placement.synthetic import random_problem, write_problem_files

B_CASES, B_PAIRS = 100_000, 10_000_000  # bench/placement_scale.py, instance B


@pytest.fixture
def idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """An idle machine, whatever the load of the one running the tests."""
    monkeypatch.setattr(budget_module, "expected_slowness", lambda: 1.0)


def needed_in(message: str) -> float:
    found = re.search(r"at least ([0-9.]+) s", message)
    assert found, message
    return float(found.group(1))


def test_forty_seconds_at_ten_million_pairs_is_refused_with_the_minimum(idle: None) -> None:
    with pytest.raises(BadParameterError) as caught:
        refuse_short_limit(Budget.of(40), B_CASES, B_PAIRS, reading=True, explaining=True)
    message = str(caught.value)
    assert "10,000,000 allowed pairs" in message and "Nothing was placed" in message
    least = needed_in(message)
    fixed = minimum_seconds(B_CASES, B_PAIRS, reading=True, explaining=True, slowness=1.0)
    assert fixed <= least <= fixed + 1 and fixed > 40  # plus the time spent so far, rounded up
    refuse_short_limit(Budget.of(least + 1), B_CASES, B_PAIRS, reading=True, explaining=True)
    refuse_short_limit(Budget.of(None), B_CASES, B_PAIRS, reading=True, explaining=True)


@given(st.integers(0, 10**6), st.integers(0, 2 * 10**7), st.booleans(), st.booleans(),
       st.floats(1.0, 4.0))
def test_the_minimum_grows_with_the_instance_and_the_load(
    cases: int, pairs: int, reading: bool, explaining: bool, slowness: float
) -> None:
    least = minimum_seconds(cases, pairs, reading=reading, explaining=explaining,
                            slowness=slowness)
    assert least >= minimum_seconds(cases, pairs // 2, reading=reading, explaining=explaining,
                                    slowness=slowness)
    assert least >= minimum_seconds(cases, pairs, reading=False, explaining=explaining,
                                    slowness=1.0)
    fixed = (budget_module.SOLVE_SECONDS_PER_PAIR * pairs) * slowness
    assert least >= fixed / budget_module.FIXED_SHARE - 1e-9  # never below the fixed work


def test_row_counts_need_no_parsing(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("case_id,locality_id,score\nA,L,1\nB,L,2", encoding="utf-8")
    assert count_data_rows(path) == 2
    path.write_text("case_id,locality_id,score\nA,L,1\n", encoding="utf-8")
    assert count_data_rows(path) == 1
    assert count_data_rows(tmp_path / "missing.csv") == 0


def test_the_cli_refuses_below_the_minimum_and_places_at_it(tmp_path: Path,
                                                           idle: None) -> None:
    problem = random_problem(3_000, 60, seed=2, n_dimensions=2, tightness=0.95, density=0.2)
    paths = write_problem_files(problem, tmp_path)
    out = tmp_path / "placements.csv"

    def place(limit: float) -> tuple[int, str]:
        result = CliRunner().invoke(app, [
            "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
            "--scores", str(paths["scores"]), "--out", str(out), "--solver", "large",
            "--time-limit", str(limit)])
        return result.exit_code, result.output

    least = minimum_seconds(problem.n_cases, problem.n_pairs, reading=True, explaining=False,
                            slowness=1.0)
    code, output = place(least / 4)
    assert code == 1, output
    assert "too short" in output and not out.exists()  # refused before any work
    assert needed_in(" ".join(output.split())) >= least
    code, output = place(needed_in(" ".join(output.split())))
    assert code == 0, output
    assert len(out.read_text(encoding="utf-8").splitlines()) > 1
