"""Model artifacts: the fitted model (joblib), its metadata (JSON), a model card (Markdown)
with per-locality and per-group metrics, and a calibration plot (PNG).

Metrics come from a held-out share of the history that the model did not train on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import joblib
import matplotlib

matplotlib.use("Agg")  # no display in the field or in CI
import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import brier_score_loss, roc_auc_score

from resettle.prediction.fairness import case_groups
from resettle.prediction.history import History
from resettle.prediction.scoring import TrainedModel, history_matrix, train_model

MIN_ROWS_FOR_AUC = 20


@dataclass(frozen=True)
class Metrics:
    rows: int
    positives: int
    auc: float | None  # None when one class only or too few rows
    brier: float

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "positives": self.positives, "auc": self.auc,
                "brier": self.brier}


def compute_metrics(y: NDArray[np.int8], p: NDArray[np.float64]) -> Metrics:
    both = len(np.unique(y)) == 2 and len(y) >= MIN_ROWS_FOR_AUC
    return Metrics(
        rows=len(y),
        positives=int(y.sum()),
        auc=float(roc_auc_score(y, p)) if both else None,
        brier=float(brier_score_loss(y, p, pos_label=1)) if len(y) else float("nan"),
    )


def split_history(history: History, test_fraction: float, seed: int) -> tuple[History, History]:
    rng = np.random.default_rng([seed, 4])
    test = rng.random(len(history)) < test_fraction
    return _subset(history, np.flatnonzero(~test)), _subset(history, np.flatnonzero(test))


def _subset(history: History, rows: NDArray[np.int64]) -> History:
    return replace(
        history,
        cases=history.cases.take(rows),
        locality_index=history.locality_index[rows],
        employed=history.employed[rows],
        other_outcomes={k: v[rows] for k, v in history.other_outcomes.items()},
    )


@dataclass(frozen=True, eq=False)
class ModelReport:
    model: TrainedModel
    overall: Metrics
    per_locality: dict[str, Metrics]
    per_group: dict[str, Metrics]
    test_y: NDArray[np.int8]
    test_p: NDArray[np.float64]


def train_and_assess(
    history: History, kind: str = "pooled", *, seed: int = 0, test_fraction: float = 0.2
) -> ModelReport:
    """Train on most of the history; measure on the rest (per locality and per group)."""
    train, test = split_history(history, test_fraction, seed)
    model = train_model(train, kind, seed=seed)
    p = model.estimator.predict_proba(history_matrix(test, model.locality_ids))[:, 1]
    y = test.employed
    per_locality = {
        lid: compute_metrics(y[test.locality_index == j], p[test.locality_index == j])
        for j, lid in enumerate(test.localities.locality_ids)
        if (test.locality_index == j).any()
    }
    per_group = {g.name: compute_metrics(y[g.cases], p[g.cases]) for g in case_groups(test.cases)}
    overall = compute_metrics(y, p)
    metadata = {**model.metadata, "test_rows": len(test), "metrics": overall.as_dict()}
    return ModelReport(replace(model, metadata=metadata), overall, per_locality, per_group, y, p)


def plot_calibration(report: ModelReport, path: Path, bins: int = 10) -> None:
    """Reliability diagram: mean predicted vs observed rate per predicted-probability decile."""
    edges = np.quantile(report.test_p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, report.test_p, side="right") - 1, 0, bins - 1)
    predicted = [report.test_p[which == b].mean() for b in range(bins) if (which == b).any()]
    observed = [report.test_y[which == b].mean() for b in range(bins) if (which == b).any()]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.plot(predicted, observed, marker="o", label=f"{report.model.kind} model")
    ax.set_xlabel("predicted P(employed within 90 days)")
    ax.set_ylabel("observed share employed")
    ax.set_title(f"Calibration on {len(report.test_y)} held-out placements")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(rows: dict[str, Metrics], heading: str) -> list[str]:
    lines = [f"| {heading} | rows | employed | AUC | Brier |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {m.rows} | {m.positives} | {_fmt(m.auc)} | {m.brier:.3f} |"
              for name, m in rows.items()]
    return lines


def model_card(report: ModelReport, plot_name: str) -> str:
    meta = report.model.metadata
    lines = [
        f"# Model card: {report.model.kind} outcome model",
        "",
        "Predicts P(employed within 90 days | case, locality) for placement scores.",
        "",
        f"- trained: {meta['trained_at']} on {meta['training_rows']} placements in "
        f"{meta['training_localities']} localities "
        f"(data SHA-256 `{meta['training_data_sha256'][:16]}…`)",
        f"- features ({len(meta['features'])}): {', '.join(meta['features'])}",
        f"- held-out test: {report.overall.rows} placements, AUC {_fmt(report.overall.auc)}, "
        f"Brier {report.overall.brier:.3f}",
        "",
        "**Limits.** Trained on status-quo placements: caseworkers chose where people went, "
        "partly on what no file records, so locality effects can be confounded. Good AUC "
        "does not show that placing by this model gains anything: only an evaluation against "
        "a known truth can (`resettle evaluate`, docs/prediction.md).",
        "",
        f"![calibration]({plot_name})",
        "",
        "## Per group (principal applicant)",
        "",
        *_table(report.per_group, "group"),
        "",
        "## Per locality",
        "",
        *_table(report.per_locality, "locality"),
        "",
    ]
    return "\n".join(lines)


def save_artifacts(report: ModelReport, directory: Path, name: str = "outcome-model") -> Path:
    """Write ``<name>.joblib``, ``<name>.json``, ``<name>-card.md`` and the calibration PNG."""
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(report.model.estimator, directory / f"{name}.joblib")
    metadata = {
        **report.model.metadata,
        "locality_ids": list(report.model.locality_ids),
        "per_locality": {k: m.as_dict() for k, m in report.per_locality.items()},
        "per_group": {k: m.as_dict() for k, m in report.per_group.items()},
    }
    (directory / f"{name}.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    plot = f"{name}-calibration.png"
    plot_calibration(report, directory / plot)
    card = directory / f"{name}-card.md"
    card.write_text(model_card(report, plot), encoding="utf-8")
    return card


def load_model(directory: Path, name: str = "outcome-model") -> TrainedModel:
    """Read back what :func:`save_artifacts` wrote (only load files you made yourself:
    joblib runs code from the file)."""
    metadata = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    estimator = joblib.load(directory / f"{name}.joblib")
    return TrainedModel(estimator, metadata["kind"], tuple(metadata["locality_ids"]), metadata)


