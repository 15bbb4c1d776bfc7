"""Prediction's demo step: an outcome model trained on a synthetic history, and a short
evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.markup import escape
from threadpoolctl import threadpool_limits

from resettle.adapters.cli.prediction import run_evaluation
from resettle.prediction.artifacts import save_artifacts, train_and_assess
from resettle.prediction.features import build_case_table
from resettle.prediction.scoring import score_matrix
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig
from resettle.simulation.evaluation import EvaluationSpec
from resettle.simulation.evaluation_report import (
    markdown_report,
    plot_evaluation,
    summary_lines,
)
from resettle.simulation.worlds import (
    WorldSpec,
    history_of,
    simulate_history,
    world_over,
)

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


def step_predict(ctx: DemoContext) -> None:
    """Demo: train on a synthetic history over the Ashraf hosts, score the Ashraf cases, and
    run a short honest evaluation (default and placebo worlds)."""
    config = AshrafConfig()
    batch = generate_ashraf(ctx.seed, config)
    world = world_over(batch.localities, WorldSpec(n_history=3000), seed=ctx.seed)
    history = history_of(world, simulate_history(world, seed=ctx.seed))
    with threadpool_limits(limits=1):
        report = train_and_assess(history, seed=ctx.seed)
        card = save_artifacts(report, ctx.output_dir / "model")
        model = report.model  # trained on 80% of the history; the rest measured it
        scores = score_matrix(model, build_case_table(batch.cases, config.as_of), world.localities)
    ctx.models["outcome"] = model
    spec = EvaluationSpec(
        world=WorldSpec(n_localities=6, n_history=1500, n_cohort=100),
        seeds=(0, 1, 2), time_limit_s=10.0,
    )
    reports = run_evaluation(spec, placebo_too=True)
    plot_evaluation(reports, ctx.output_dir / "evaluation.png")
    (ctx.output_dir / "evaluation.md").write_text(
        markdown_report(reports, "evaluation.png"), encoding="utf-8"
    )
    ctx.console.rule("prediction: outcome model and honest evaluation (synthetic)")
    ctx.console.print("(small demo worlds; `resettle evaluate` runs the full-size evaluation)")
    auc = report.overall.auc
    ctx.console.print(
        f"scored {scores.shape[0]} Ashraf cases x {scores.shape[1]} localities, mean "
        f"P(employed within 90 days) {float(np.mean(scores)):.2f}; model card {card} "
        f"(held-out AUC {'n/a' if auc is None else f'{auc:.3f}'})"
    )
    lines = [line for r in reports for line in summary_lines(r)]
    for line in lines:
        ctx.console.print(escape(line))
    ctx.summary["prediction"] = "small demo worlds (1,500 past placements; full-size figures " \
        "in bench/RESULTS.md): " + " | ".join(summary_lines(r)[0] for r in reports)
