"""Store and read placement runs and caseworker decisions. Never commits: the caller does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from resettle.adapters.db.placement.tables import (
    PlacementAssignmentRow,
    PlacementDecisionRow,
    PlacementRunRow,
)
from resettle.core.issues import Issue
from resettle.errors import NotFoundError, ValidationError
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun

_RUN_FIELDS = ("run_id", "created_at", "created_by", "label", "inputs_hash", "solver",
               "parameters", "seed", "status", "objective", "bound", "gap", "seconds", "tiers",
               "persons_placed", "message")


def save_run(session: Session, *, run: PlacementRun) -> None:
    session.add(PlacementRunRow(**{name: getattr(run, name) for name in _RUN_FIELDS}))
    session.flush()
    session.add_all(
        PlacementAssignmentRow(run_id=run.run_id, case_id=case_id, locality_id=loc, score=score)
        for case_id, loc, score in run.assignments
    )
    session.flush()


def get_run(session: Session, *, run_id: str) -> PlacementRun:
    row = session.get(PlacementRunRow, run_id)
    if row is None:
        raise NotFoundError(f"no placement run {run_id}; list them with `resettle placement runs`")
    assignments = session.scalars(
        select(PlacementAssignmentRow).where(PlacementAssignmentRow.run_id == run_id)
        .order_by(PlacementAssignmentRow.case_id)
    )
    return PlacementRun(
        **{name: getattr(row, name) for name in _RUN_FIELDS},
        assignments=tuple((a.case_id, a.locality_id, a.score) for a in assignments),
    )


def list_runs(session: Session, *, limit: int = 50, offset: int = 0) -> list[PlacementRun]:
    rows = session.scalars(
        select(PlacementRunRow)
        .order_by(PlacementRunRow.created_at.desc(), PlacementRunRow.run_id)
        .offset(offset).limit(limit))
    return [PlacementRun(**{name: getattr(r, name) for name in _RUN_FIELDS}) for r in rows]


def record_decision(session: Session, *, decision: PlacementDecision) -> None:
    """Accept the run's placement of a case, or override it; an override needs a reason."""
    run = get_run(session, run_id=decision.run_id)
    proposed = {case_id: loc for case_id, loc, _ in run.assignments}
    issues = []
    if decision.case_id not in proposed:
        issues.append(Issue("unknown_id", f"case {decision.case_id} is not in run "
                            f"{decision.run_id}", record=decision.case_id, field="case_id"))
    if decision.action == DecisionAction.OVERRIDE and not decision.reason.strip():
        issues.append(Issue("missing_value", "an override needs a reason",
                            record=decision.case_id, field="reason"))
    if issues:
        raise ValidationError(issues)
    locality = (proposed[decision.case_id] if decision.action == DecisionAction.ACCEPT
                else decision.locality_id)
    session.add(PlacementDecisionRow(
        run_id=decision.run_id, case_id=decision.case_id, action=str(decision.action),
        locality_id=locality, reason=decision.reason, decided_by=decision.decided_by,
        at=decision.at,
    ))
    session.flush()


def decisions_for_run(session: Session, *, run_id: str) -> list[PlacementDecision]:
    rows = session.scalars(
        select(PlacementDecisionRow).where(PlacementDecisionRow.run_id == run_id)
        .order_by(PlacementDecisionRow.decision_id))
    return [PlacementDecision(r.run_id, r.case_id, DecisionAction(r.action), r.locality_id,
                              r.reason, r.decided_by, r.at) for r in rows]
