"""The evaluation as people read it: summary lines, a Markdown report and a figure (PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from resettle.simulation.evaluation import FAIR, EvaluationReport, Interval

LABELS = {
    "status_quo": "status quo",
    "random": "random",
    "greedy": "greedy (model)",
    "model": "model + optimizer",
    "oracle": "oracle",
    FAIR: "model + optimizer, fair",
}


def _ci(value: Interval, unit: str = " pp") -> str:
    return f"{value.mean:+.2f}{unit} [{value.low:+.2f}, {value.high:+.2f}]"


def summary_lines(report: EvaluationReport) -> list[str]:
    """The verdict, then the model's true gain, its share of the oracle's, the back-test."""
    lines = [report.verdict()]
    price = report.price_of_fairness_pp()
    if price is not None and not report.no_true_gain():
        lines.append(
            f"fair option (every group at least at its status quo): costs {_ci(price)} "
            "of total outcome"
        )
    return lines


def policy_table(report: EvaluationReport) -> list[str]:
    lines = [
        "| policy | true outcome (% employed) | true gain vs status quo | % of oracle gain |",
        "|---|---:|---:|---:|",
    ]
    for policy in report.policies:
        outcome = report.true_outcome(policy)
        share = report.share_of_oracle(policy)
        share_text = "n/a (oracle gains nothing)" if share is None else _ci(share, "%")
        lines.append(
            f"| {LABELS.get(policy, policy)} | {100 * outcome.mean:.2f} | "
            f"{_ci(report.gain_pp(policy))} | {share_text} |"
        )
    claim = report.claimed_gain_pp()
    lines.append(f"| *back-test claim for model + optimizer* | | {_ci(claim)} | |")
    return lines


def group_table(report: EvaluationReport) -> list[str]:
    policies = report.policies
    lines = [
        "| group | " + " | ".join(LABELS.get(p, p) for p in policies) + " |",
        "|---|" + "---:|" * len(policies),
    ]
    names = dict.fromkeys(g for r in report.results for g in r.group_true)  # seeds may differ
    for group in names:
        present = [r.group_true[group] for r in report.results if group in r.group_true]
        means = [100 * float(np.mean([g[p] for g in present])) for p in policies]
        lines.append(f"| {group} | " + " | ".join(f"{v:.1f}" for v in means) + " |")
    return lines


def markdown_report(reports: list[EvaluationReport], figure: str | None) -> str:
    spec = reports[0].spec
    lines = [
        "# Honest evaluation of outcome-based placement",
        "",
        f"Model: {spec.model_kind}; seeds: {list(spec.seeds)}; history "
        f"{spec.world.n_history} placements, cohort {spec.world.n_cohort} cases, "
        f"{spec.world.n_localities} localities. Outcomes are the TRUE expected share of "
        "cases employed within 90 days, known because the world is synthetic. Intervals: "
        "95% over seeds.",
        "",
    ]
    for report in reports:
        title = "Placebo world (location has no effect)" if report.spec.world.placebo else (
            "Default world")
        lines += [f"## {title}", "", *summary_lines(report), "", *policy_table(report), "",
                  "True outcome per group (% employed):", "", *group_table(report), ""]
    if figure:
        lines += [f"![evaluation]({figure})", ""]
    return "\n".join(lines)


def plot_evaluation(reports: list[EvaluationReport], path: Path) -> None:
    """True gain per policy (with 95% CI) and the back-test claim, one panel per world."""
    fig, axes = plt.subplots(1, len(reports), figsize=(5.5 * len(reports), 4.2), squeeze=False)
    for ax, report in zip(axes[0], reports, strict=True):
        policies = [p for p in report.policies if p != "status_quo"]
        gains = [report.gain_pp(p) for p in policies]
        claim = report.claimed_gain_pp()
        names = [LABELS.get(p, p) for p in policies] + ["back-test claim"]
        means = [g.mean for g in gains] + [claim.mean]
        errors = np.array([[g.mean - g.low, g.high - g.mean] for g in [*gains, claim]]).T
        colours = ["#4c72b0"] * len(policies) + ["#c44e52"]
        ax.barh(names, means, xerr=errors, color=colours, capsize=3)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_xlabel("gain over status quo (percentage points employed)")
        placebo = report.spec.world.placebo
        ax.set_title("placebo world: true gain ~ 0" if placebo else "default world")
    fig.suptitle("True gains (blue) vs what a model-based back-test claims (red)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
