"""Workflow actions on one case: load, check, plan, record events, save with its version.

The web app and the CLI call these (through :mod:`resettle.screening.service`) inside one unit
of work. Each change checks the case's version (optimistic concurrency), appends the events
that explain it, and bumps the version. Nothing here knows about SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from resettle.core.case import Case
from resettle.core.issues import Issue
from resettle.core.protection import (
    check_destination,
    no_return_countries,
    person_no_return_countries,
)
from resettle.core.status import CaseStatus, Category, Priority
from resettle.errors import ConflictError, ValidationError
from resettle.screening.ports import ScreeningSettings, ScreeningStore
from resettle.screening.records import consenting_persons, interviewed_persons
from resettle.screening.workflow import (
    POST_RECOGNITION,
    REFERRAL_STATES,
    STATUS_ACTIONS,
    Action,
    ActionRequest,
    CaseEvent,
    CaseFacts,
    check_record_allowed,
    plan_transition,
    referral_country,
)


def utc_now() -> datetime:
    """Naive UTC: what every database stores the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Loaded:
    case: Case
    history: tuple[CaseEvent, ...]
    settings: ScreeningSettings


def load_case(store: ScreeningStore, case_id: str, expected_version: int | None) -> Loaded:
    case = store.get_case(case_id)
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"case {case_id} changed since you read it (version {expected_version}, now "
            f"{case.version}); reload it and try again"
        )
    return Loaded(case, store.history(case_id), store.settings())


def declared_no_return(store: ScreeningStore, case: Case) -> dict[str, list[str]]:
    declared: dict[str, list[str]] = {}
    for d in store.declarations_of(m.person_id for m in case.members):
        declared.setdefault(d.person_id, []).append(d.country)
    return declared


def no_return_list(store: ScreeningStore, case_id: str) -> frozenset[str]:
    """Every country no member of the case may be sent to."""
    case = store.get_case(case_id)
    return no_return_countries(case, store.settings().protection, declared_no_return(store, case))


def person_no_return_list(store: ScreeningStore, person_id: str) -> frozenset[str]:
    """One person's list: origin, declared countries, first asylum where configured."""
    case = store.get_case(store.case_of_person(person_id))
    person = next(m for m in case.members if m.person_id == person_id)
    declared = [d.country for d in store.declarations_of([person_id])]
    return person_no_return_countries(person, store.settings().protection, declared)


def check_case_destination(store: ScreeningStore, case_id: str, country: str) -> None:
    """For every path that targets a country (placement, referral, export to a state)."""
    case = store.get_case(case_id)
    check_destination(case, country, store.settings().protection,
                      declared_no_return(store, case))


def gather_facts(store: ScreeningStore, loaded: Loaded, at: datetime) -> CaseFacts:
    case, settings = loaded.case, loaded.settings
    ids = [m.person_id for m in case.members]
    reviews = store.reviews_of(ids)
    return CaseFacts(
        adults=frozenset(m.person_id for m in case.members if m.is_adult_on(at.date())),
        interviewed=interviewed_persons(
            store.interviews_of(ids), require_private=settings.require_private_interview),
        consenting=consenting_persons(
            store.consents_of(ids), require_private=settings.require_private_consent),
        open_reviews=frozenset(r.person_id for r in reviews if r.is_open),
        excluded=frozenset(r.person_id for r in reviews if r.excluded),
        members=frozenset(ids),
        no_return=no_return_countries(case, settings.protection, declared_no_return(store, case)),
        has_categories=case.primary_category is not None
        and case.secondary_category is not None,
        appeal_days=settings.appeal_days,
        history=loaded.history,
    )


def _check_request(history: tuple[CaseEvent, ...], actor: str, reason: str,
                   at: datetime) -> None:
    found: list[Issue] = []
    if not actor.strip():
        found.append(Issue("missing_value", "name who takes the action", field="actor"))
    if not reason.strip():
        found.append(Issue("missing_value", "give the reason for the action", field="reason"))
    if history and at < history[-1].at:
        found.append(Issue("impossible_date", f"{at} is before the case's last event "
                           f"({history[-1].at}); history is kept in order", field="at"))
    if found:
        raise ValidationError(found)


def _event(loaded: Loaded, request: ActionRequest, to_status: CaseStatus,
           offset: int = 0) -> CaseEvent:
    return CaseEvent(
        loaded.case.case_id, len(loaded.history) + 1 + offset, request.action, request.actor,
        request.at, request.reason, loaded.case.status, to_status, dict(request.data),
    )


def _commit(store: ScreeningStore, loaded: Loaded, case: Case,
            events: list[CaseEvent]) -> Case:
    saved = store.save_case(case, expected_version=loaded.case.version)
    store.append_events(events)
    return saved


def advance_case(
    store: ScreeningStore, case_id: str, action: Action | str, *, actor: str, reason: str,
    at: datetime | None = None, data: Mapping[str, str] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Take one status-changing action; raises the error that says why not, if not."""
    at = at or utc_now()
    if action not in STATUS_ACTIONS:
        raise ValidationError([Issue(
            "bad_value", f"'{action}' is not a workflow action; use one of "
            f"{', '.join(sorted(STATUS_ACTIONS))} (records have their own functions)",
            field="action", record=case_id)])
    loaded = load_case(store, case_id, expected_version)
    _check_request(loaded.history, actor, reason, at)
    data = dict(data or {})
    if Action(action) == Action.REFUSE:
        # The refusing state is the one holding the file; it is remembered so as not to
        # refer there again.
        data.setdefault("country", referral_country(loaded.history) or "")
    request = ActionRequest(Action(action), actor, at, reason, data)
    target = plan_transition(loaded.case.status, gather_facts(store, loaded, at), request)
    case = replace(loaded.case, status=target)
    return _commit(store, loaded, case, [_event(loaded, request, target)])


DECISIONS = {"recognize": Action.RECOGNIZE, "reject": Action.REJECT,
             "grant_appeal": Action.GRANT_APPEAL, "dismiss_appeal": Action.DISMISS_APPEAL}


def decide_status(
    store: ScreeningStore, case_id: str, decision: str, *, actor: str, reason: str,
    at: datetime | None = None, expected_version: int | None = None,
) -> Case:
    """A written decision with reasons: recognize, reject, grant_appeal or dismiss_appeal."""
    if decision not in DECISIONS:
        raise ValidationError([Issue("bad_value", f"decision must be one of "
                                     f"{', '.join(DECISIONS)}", field="decision")])
    return advance_case(store, case_id, DECISIONS[decision], actor=actor, reason=reason, at=at,
                        expected_version=expected_version)


def record_action(
    store: ScreeningStore, loaded: Loaded, request: ActionRequest,
    case: Case | None = None,
) -> Case:
    """Record a non-status action (an interview, a consent...) as an event; bump the version."""
    _check_request(loaded.history, request.actor, request.reason, request.at)
    check_record_allowed(loaded.case.status, request.action)
    case = case or loaded.case
    events = [_event(loaded, request, case.status)]
    follow = _follow_up(store, loaded, case, request)
    if follow is not None:
        case = replace(case, status=follow.to_status)
        events.append(replace(follow, sequence=events[-1].sequence + 1))
    return _commit(store, loaded, case, events)


def _follow_up(store: ScreeningStore, loaded: Loaded, case: Case,
               request: ActionRequest) -> CaseEvent | None:
    """Rules that move a case by themselves, so the invariants hold at every moment."""
    status = case.status
    if request.action == Action.WITHDRAW_CONSENT and status in REFERRAL_STATES:
        # The host state must not keep processing someone who no longer consents.
        return CaseEvent(case.case_id, 0, Action.HOLD, request.actor, request.at,
                         "consent withdrawn by a member: inform the host state; re-consent, "
                         "split or withdraw the case", status, CaseStatus.ON_HOLD,
                         {"person": request.data.get("person", "")})
    if (request.action == Action.DECLARE_NO_RETURN and status in REFERRAL_STATES
            and request.data.get("country") == referral_country(loaded.history)):
        return CaseEvent(case.case_id, 0, Action.WITHDRAW_REFERRAL, request.actor, request.at,
                         "the host state is now on a member's no-return list: referral "
                         "withdrawn, place the case elsewhere", status,
                         CaseStatus.READY_FOR_REFERRAL, {"country": request.data["country"]})
    if request.action == Action.OPEN_EXCLUSION_REVIEW and status in POST_RECOGNITION:
        return CaseEvent(case.case_id, 0, Action.START_EXCLUSION_REVIEW, request.actor,
                         request.at, "exclusion review opened: no submission meanwhile",
                         status, CaseStatus.EXCLUSION_REVIEW,
                         {"person": request.data.get("person", "")})
    return None


def set_categories(
    store: ScreeningStore, case_id: str, *, primary: Category | str,
    secondary: Category | str | None, actor: str, reason: str, at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    primary = Category(primary)
    secondary = Category(secondary) if secondary else None
    if secondary is not None and secondary == primary:
        raise ValidationError([Issue("bad_value", "the secondary category must differ from the "
                                     "primary", field="secondary", record=case_id)])
    loaded = load_case(store, case_id, expected_version)
    request = ActionRequest(Action.SET_CATEGORIES, actor, at or utc_now(), reason,
                            {"primary": primary, "secondary": secondary or ""})
    case = replace(loaded.case, primary_category=primary, secondary_category=secondary)
    return record_action(store, loaded, request, case)


def set_priority(
    store: ScreeningStore, case_id: str, priority: Priority | str, *, actor: str, reason: str,
    at: datetime | None = None, expected_version: int | None = None,
) -> Case:
    """Revise the processing priority (the submission priority is set at referral)."""
    priority = Priority(priority)
    loaded = load_case(store, case_id, expected_version)
    request = ActionRequest(Action.SET_PRIORITY, actor, at or utc_now(), reason,
                            {"processing_priority": priority,
                             "previous": loaded.case.processing_priority})
    return record_action(store, loaded, request,
                         replace(loaded.case, processing_priority=priority))


def case_history(store: ScreeningStore, case_id: str) -> tuple[CaseEvent, ...]:
    store.get_case(case_id)  # a NotFoundError names the case
    return store.history(case_id)
