"""Screening's demo step: the pipeline funnel on the scenario's snapshot day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.options import open_engine
from resettle.adapters.db.screening.store import screening_store
from resettle.core import CaseStatus
from resettle.screening import service

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


# Pipeline buckets for the demo's one-line summary.
_BUCKETS = (
    ("before decision", {CaseStatus.REGISTERED, CaseStatus.NEEDS_ASSESSED,
                         CaseStatus.INTERVIEW_SCHEDULED, CaseStatus.INTERVIEWED,
                         CaseStatus.ASSESSED}),
    ("recognized to ready", {CaseStatus.RECOGNIZED, CaseStatus.EXCLUSION_REVIEW,
                             CaseStatus.SUBMISSION_DRAFTED, CaseStatus.SUBMISSION_REVISE,
                             CaseStatus.NOT_RECOMMENDED, CaseStatus.READY_FOR_REFERRAL}),
    ("with a host state", {CaseStatus.REFERRED, CaseStatus.MORE_INFORMATION,
                           CaseStatus.ACCEPTED, CaseStatus.PRE_DEPARTURE}),
    ("departed", {CaseStatus.DEPARTED, CaseStatus.ARRIVED}),
)


def step_screening_funnel(ctx: DemoContext) -> None:
    """Demo: the screening pipeline in progress, and how many cases are late."""
    engine = open_engine(ctx.database_url)
    try:
        with screening_store(engine) as store:
            funnel = service.pipeline_funnel(store, DEMO_CONFIG.as_of)
    finally:
        engine.dispose()
    ctx.console.rule(f"screening: the pipeline on {DEMO_CONFIG.as_of}")
    widest = max(funnel.counts.values(), default=0) or 1
    for status, count in funnel.counts.items():
        if count:
            bar = "█" * max(1, round(40 * count / widest))
            ctx.console.print(f"{status:>20} {count:>5} {bar}")
    ctx.console.print(f"overdue: {funnel.overdue}, due within 14 days: {funnel.due_soon}")
    parts = [f"{sum(funnel.counts[s] for s in statuses)} {name}"
             for name, statuses in _BUCKETS]
    ctx.summary["screening"] = (f"{', '.join(parts)}; {funnel.counts[CaseStatus.EXCLUDED]} "
                                f"excluded; {funnel.overdue} overdue, {funnel.due_soon} "
                                "due soon")
