"""``resettle evaluate``, ``resettle model train`` and ``resettle model history``: outcome
models and the honest evaluation of placing by them (all worlds here are synthetic)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from threadpoolctl import threadpool_limits

from resettle.adapters.cli.output import console, failing_cleanly, progress_bar
from resettle.prediction.artifacts import save_artifacts, train_and_assess
from resettle.prediction.history import read_history, write_history
from resettle.prediction.models import MODEL_KINDS
from resettle.simulation.evaluation import (
    EvaluationReport,
    EvaluationSpec,
    evaluate_policies,
    placebo_of,
)
from resettle.simulation.evaluation_report import (
    markdown_report,
    plot_evaluation,
    policy_table,
    summary_lines,
)
from resettle.simulation.worlds import (
    WorldSpec,
    history_of,
    make_world,
    simulate_history,
)

Kind = Annotated[str, typer.Option("--model", help=f"Model kind: {', '.join(MODEL_KINDS)}.")]


def register(app: typer.Typer) -> None:
    app.command()(evaluate)
    model = typer.Typer(help="Outcome models: synthetic histories, training, model cards.",
                        no_args_is_help=True)
    model.command("history")(model_history)
    model.command("train")(model_train)
    app.add_typer(model, name="model")


def _check_kind(kind: str) -> None:
    if kind not in MODEL_KINDS:
        raise typer.BadParameter(f"choose one of: {', '.join(MODEL_KINDS)}", param_hint="--model")


def run_evaluation(spec: EvaluationSpec, *, placebo_too: bool) -> list[EvaluationReport]:
    specs = [spec, placebo_of(spec)] if placebo_too else [spec]
    reports = []
    with progress_bar(transient=True) as bar:
        for one in specs:
            world = "placebo world" if one.world.placebo else "world"
            task = bar.add_task(f"evaluating ({world}), one seed at a time", total=len(one.seeds))
            reports.append(
                evaluate_policies(one, progress=lambda _, t=task: bar.advance(t))  # type: ignore[misc]
            )
    return reports


def evaluate(
    *,
    seeds: Annotated[int, typer.Option(min=1, max=30, help="Seeds (worlds) to average.")] = 5,
    model_kind: Kind = "pooled",
    localities: Annotated[int, typer.Option(min=2, help="Localities per world.")] = 20,
    history: Annotated[int, typer.Option(min=100, help="Past placements to train on.")] = 30000,
    cohort: Annotated[int, typer.Option(min=10, help="New cases to place per seed.")] = 300,
    placebo: Annotated[bool, typer.Option(help="Also run the placebo world.")] = True,
    placebo_only: Annotated[bool, typer.Option(help="Run only the placebo world.")] = False,
    fairness: Annotated[bool, typer.Option(help="Add the fair plan (group floors).")] = True,
    time_limit: Annotated[float, typer.Option(help="Seconds per exact solve.")] = 20.0,
    output_dir: Annotated[Path, typer.Option(help="Where the report and figure go.")] = Path(
        "evaluation-output"
    ),
) -> None:
    """Place synthetic cohorts by status quo, random, greedy, model + optimizer and oracle;
    report the TRUE outcome of each beside what a model-based back-test would claim."""
    _check_kind(model_kind)
    world = WorldSpec(n_localities=localities, n_history=history, n_cohort=cohort,
                      placebo=placebo_only)
    spec = EvaluationSpec(world=world, model_kind=model_kind, seeds=tuple(range(seeds)),
                          fairness=fairness, time_limit_s=time_limit)
    with failing_cleanly():
        reports = run_evaluation(spec, placebo_too=placebo and not placebo_only)
    output_dir.mkdir(parents=True, exist_ok=True)
    plot_evaluation(reports, output_dir / "evaluation.png")
    (output_dir / "evaluation.md").write_text(
        markdown_report(reports, "evaluation.png"), encoding="utf-8"
    )
    out = console()
    for report in reports:
        for line in summary_lines(report):
            out.print(escape(line))
        for line in policy_table(report):
            out.print(escape(line), soft_wrap=True)
    out.print(f"report: {output_dir / 'evaluation.md'}, figure: {output_dir / 'evaluation.png'}")


def model_history(
    *,
    output: Annotated[Path, typer.Option(help="CSV file to write.")] = Path("history.csv"),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 0,
    rows: Annotated[int, typer.Option(min=1, help="Placements to simulate.")] = 8000,
    localities: Annotated[int, typer.Option(min=1, help="Localities.")] = 20,
    placebo: Annotated[bool, typer.Option(help="A world where location has no effect.")] = False,
) -> None:
    """Write a synthetic placement history (docs/history-format.md) to train models on."""
    world = make_world(WorldSpec(n_localities=localities, placebo=placebo), seed)
    write_history(history_of(world, simulate_history(world, n=rows, seed=seed)), output)
    console().print(f"wrote {rows} synthetic placements to {output}")


def model_train(
    history_file: Annotated[Path, typer.Argument(help="History CSV (docs/history-format.md).")],
    *,
    model_kind: Kind = "pooled",
    output_dir: Annotated[Path, typer.Option(help="Where the artifacts go.")] = Path("model"),
    seed: Annotated[int, typer.Option(help="Seed for the split and the model.")] = 0,
) -> None:
    """Train a model on a history file; write the model, its metadata, model card and plot."""
    _check_kind(model_kind)
    with failing_cleanly():
        history = read_history(history_file)
    with threadpool_limits(limits=1), console().status("training"):
        report = train_and_assess(history, model_kind, seed=seed)
    card = save_artifacts(report, output_dir)
    auc = report.overall.auc
    console().print(
        f"held-out AUC {'n/a' if auc is None else f'{auc:.3f}'}, Brier "
        f"{report.overall.brier:.3f}; model card: {card}"
    )
