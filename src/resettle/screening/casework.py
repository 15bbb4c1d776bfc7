"""Service functions across persons and cases: exclusion review, split, merge, deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from resettle.core.case import Case, Relationship
from resettle.core.issues import Issue
from resettle.core.membership import member_of
from resettle.core.status import CaseStatus
from resettle.errors import IllegalTransitionError, ValidationError
from resettle.screening import deadlines, exclusion, membership
from resettle.screening.actions import _check_request, load_case, record_action, utc_now
from resettle.screening.exclusion import (
    Assessment,
    ExclusionReview,
    Indicators,
    ReviewDecision,
    match_triggers,
)
from resettle.screening.ports import ScreeningStore
from resettle.screening.workflow import Action, ActionRequest


def open_exclusion_review(
    store: ScreeningStore, case_id: str, person_id: str, *, actor: str, reason: str,
    indicators: Indicators | None = None, triggers: tuple[str, ...] = (),
    at: datetime | None = None, expected_version: int | None = None,
) -> ExclusionReview:
    """Open an individual review for one person: configured triggers met by ``indicators``,
    or triggers named by the officer. Family members are not touched."""
    at = at or utc_now()
    loaded = load_case(store, case_id, expected_version)
    member_of(loaded.case, person_id, store.survivors)
    found = match_triggers(indicators, loaded.settings.triggers) if indicators else ()
    named = tuple(sorted({*found, *triggers}))
    if not named:
        raise ValidationError([Issue("no_trigger", "no configured trigger is met; name the "
                                     "trigger that warrants a review", field="triggers")])
    if any(r.is_open for r in store.reviews_of([person_id])):
        raise IllegalTransitionError(f"{person_id} already has an open exclusion review")
    review = ExclusionReview(store.new_id("XR"), case_id, person_id, named, actor, at)
    store.save_review(review)
    # The event references the review, whose triggers are sealed; it never copies them.
    request = ActionRequest(Action.OPEN_EXCLUSION_REVIEW, actor, at, reason,
                            {"person": person_id, "review": review.review_id})
    record_action(store, loaded, request)
    return review


def _case_of(store: ScreeningStore, review: ExclusionReview) -> str:
    """Reviews follow the person through splits and merges; record on the case they are in."""
    return store.case_of_person(review.person_id)


def assess_exclusion(
    store: ScreeningStore, review_id: str, assessment: Assessment, *, reason: str = "assessed",
) -> ExclusionReview:
    review = exclusion.assess_exclusion(store.get_review(review_id), assessment)
    store.save_review(review)
    loaded = load_case(store, _case_of(store, review), None)
    record_action(store, loaded, ActionRequest(
        Action.ASSESS_EXCLUSION, assessment.assessor, assessment.at, reason,
        {"person": review.person_id, "review": review_id,
         "recommendation": assessment.recommendation}))
    return review


def review_exclusion(
    store: ScreeningStore, review_id: str, *, reviewer: str, decision: ReviewDecision | str,
    reason: str, at: datetime | None = None,
) -> ExclusionReview:
    """A second person decides; the assessor cannot (PermissionDeniedError)."""
    at = at or utc_now()
    review = exclusion.review_exclusion(store.get_review(review_id), reviewer=reviewer, at=at,
                                        decision=ReviewDecision(decision), reason=reason)
    store.save_review(review)
    loaded = load_case(store, _case_of(store, review), None)
    record_action(store, loaded, ActionRequest(
        Action.REVIEW_EXCLUSION, reviewer, at, reason,
        {"person": review.person_id, "review": review_id, "decision": str(decision),
         "outcome": review.outcome or ""}))
    return review


def split_case(
    store: ScreeningStore, case_id: str, member_ids: frozenset[str], *, new_principal_id: str,
    actor: str, reason: str, remaining_principal_id: str | None = None,
    at: datetime | None = None, expected_version: int | None = None,
) -> tuple[Case, Case]:
    """Separate cases for adults who want different things; both keep the whole history."""
    at = at or utc_now()
    loaded = load_case(store, case_id, expected_version)
    _check_request(loaded.history, actor, reason, at)
    change = membership.split_case(
        loaded.case, loaded.history, new_case_id=store.new_case_id(case_id),
        member_ids=member_ids, new_principal_id=new_principal_id,
        remaining_principal_id=remaining_principal_id, actor=actor, at=at, reason=reason,
        survivors=store.survivors)
    source, new = change.cases
    saved = store.save_cases([(source, loaded.case.version), (new, None)])
    store.append_events(change.events)
    return saved[0], saved[1]


def merge_cases(
    store: ScreeningStore, target_id: str, source_id: str, *, actor: str, reason: str,
    relationship: str = Relationship.OTHER_RELATIVE, at: datetime | None = None,
    expected_versions: tuple[int, int] | None = None,
) -> Case:
    """A family found: the source's members join the target; the source is closed."""
    at = at or utc_now()
    versions = expected_versions or (None, None)
    target = load_case(store, target_id, versions[0])
    source = load_case(store, source_id, versions[1])
    _check_request(target.history, actor, reason, at)
    _check_request(source.history, actor, reason, at)
    change = membership.merge_cases(target.case, target.history, source.case, source.history,
                                    actor=actor, at=at, reason=reason,
                                    relationship=relationship)
    merged, closed = change.cases
    saved = store.save_cases([(merged, target.case.version), (closed, source.case.version)])
    store.append_events(change.events)
    return saved[0]


def list_due(
    store: ScreeningStore, today: date, within_days: int | None = None,
) -> deadlines.DueList:
    return deadlines.list_due(store.case_clocks(), store.settings().deadlines, today,
                              within_days)


def due_day(store: ScreeningStore, clock_day: date) -> date:
    """The day deadlines count from: ``clock_day``, or the last recorded activity when the
    records stop well before it (deadlines.deadline_day)."""
    return deadlines.deadline_day(store.latest_activity_day(), clock_day,
                                  store.settings().deadlines.records_as_of)


@dataclass(frozen=True)
class Funnel:
    counts: Mapping[CaseStatus, int]
    overdue: int
    due_soon: int


def pipeline_funnel(store: ScreeningStore, today: date) -> Funnel:
    """Counts per status, in pipeline order, and how many cases are late or nearly so."""
    counts = store.count_by_status()
    due = list_due(store, today)
    return Funnel({s: counts.get(s, 0) for s in CaseStatus}, len(due.overdue), len(due.due_soon))
