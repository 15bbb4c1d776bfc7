"""`resettle place --time-limit T --report` holds T end to end at national scale (issue 17):
reading 600,000 scores, the solve, the checker, explanations and shadow prices together."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resettle.adapters.cli.main import app
from resettle.placement.budget import MARGIN_SECONDS
from resettle.placement.synthetic import random_problem, write_problem_files

pytestmark = pytest.mark.slow
LIMIT = 30.0  # 15 s: bench/placement_budget.py; 30 s leaves room for the fixed work at load


def test_place_with_report_holds_the_time_limit_at_20000_cases(tmp_path: Path) -> None:
    problem = random_problem(20_000, 300, seed=1, n_dimensions=2, tightness=0.95, density=0.1)
    paths = write_problem_files(problem, tmp_path)
    out, report = tmp_path / "placements.csv", tmp_path / "report.json"
    load = os.getloadavg()[0]
    started, cpu = time.monotonic(), time.process_time()
    result = CliRunner().invoke(app, [
        "place", "--cases", str(paths["cases"]), "--localities", str(paths["localities"]),
        "--scores", str(paths["scores"]), "--out", str(out), "--solver", "large",
        "--time-limit", str(LIMIT), "--report", str(report)])
    took, cpu = time.monotonic() - started, time.process_time() - cpu
    assert result.exit_code == 0, result.output
    # CPU (this process and its solver threads) always; before issue 17 it was 11 minutes
    assert cpu <= LIMIT + MARGIN_SECONDS, f"{cpu:.1f} CPU s for a {LIMIT:.0f} s limit"
    if load <= 2 * (os.cpu_count() or 1):  # wall time only means something if we get a core
        assert took <= LIMIT + MARGIN_SECONDS, f"took {took:.1f} s for a {LIMIT:.0f} s limit"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] in {"optimal", "within_gap", "time_limit", "feasible"}
    assert len(data["explanations"]) == 20_000
    prices = data["shadow_prices"]
    assert len(prices) == 300 * 2
    # 600,000 pairs: no exact LP in the budget, so the solver's own duals, said to be so
    assert data["shadow_price_method"].startswith("approximate")
    assert all(p["approximate"] for p in prices)
    assert all(p["outcome_price"] >= 0 and p["persons_price"] >= 0 for p in prices)
    assert data["bound"] >= data["objective"]
