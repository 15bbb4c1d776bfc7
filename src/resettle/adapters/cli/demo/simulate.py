"""The operation simulator's demo step: a quick forecast with few replications, levers ranked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.simulate import render, run_forecast
from resettle.simulation.operation.report import summary_line

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


def step_simulate(context: DemoContext) -> None:
    """Demo: a quick forecast with few replications, and the levers ranked."""
    context.console.rule("operation simulator")
    run = run_forecast(context.database_url, replications=6, seed=context.seed, as_of=None,
                       jobs=2, levers=True, risk_rate=2.3, interviewers=8)
    lines = render(run, context.output_dir / "simulation")
    for line in lines:
        context.console.print(line, soft_wrap=True)
    context.summary["simulator"] = summary_line(run.forecast, run.levers)
