"""``resettle place-dynamic`` on a small simulated year."""

from __future__ import annotations

from typer.testing import CliRunner

from resettle.adapters.cli.main import app

runner = CliRunner()


def test_place_dynamic_prints_every_policy_against_hindsight() -> None:
    result = runner.invoke(
        app, ["place-dynamic", "--weeks", "6", "--per-week", "8", "--localities", "4"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    for policy in ("greedy", "myopic", "potentials", "hindsight"):
        assert policy in result.stdout
    assert "100.00%" in result.stdout  # hindsight against itself


def test_place_dynamic_refuses_a_bad_option() -> None:
    result = runner.invoke(app, ["place-dynamic", "--weeks", "0"])
    assert result.exit_code != 0
