"""The prediction commands end to end on tiny synthetic worlds."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from resettle.adapters.cli.main import app

runner = CliRunner()


def test_history_then_train_writes_a_model_card(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    made = runner.invoke(app, ["model", "history", "--output", str(history), "--rows", "1500",
                               "--localities", "4"])
    assert made.exit_code == 0, made.output
    trained = runner.invoke(app, ["model", "train", str(history), "--output-dir",
                                  str(tmp_path / "model")])
    assert trained.exit_code == 0, trained.output
    assert "AUC" in trained.output
    assert (tmp_path / "model" / "outcome-model-card.md").exists()
    assert (tmp_path / "model" / "outcome-model.json").exists()


def test_train_reports_every_problem_of_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,locality_id\nC1,L1\n", encoding="utf-8")
    result = runner.invoke(app, ["model", "train", str(bad)])
    assert result.exit_code == 1
    assert "missing_column" in result.output and "employed_90d" in result.output


def test_evaluate_on_a_tiny_world(tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "evaluate", "--seeds", "2", "--localities", "4", "--history", "1500", "--cohort", "60",
        "--output-dir", str(tmp_path), "--time-limit", "10",
    ])
    assert result.exit_code == 0, result.output
    assert "NO TRUE GAIN" in result.output  # the placebo world runs by default
    assert (tmp_path / "evaluation.png").stat().st_size > 1000
    assert "back-test claim" in (tmp_path / "evaluation.md").read_text(encoding="utf-8")


def test_unknown_model_kind_is_refused() -> None:
    result = runner.invoke(app, ["evaluate", "--model", "magic"])
    assert result.exit_code != 0
