"""What pages and the API both call: policy check, repository call, section view, audit entry.

Nothing here knows about HTML or JSON; each function takes the request's :class:`Ctx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from resettle.adapters.db.referral.access import case_ids_with_access_query, states_with_access
from resettle.adapters.db.registry.store import find_cases, get_case, list_cases
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security import notes_store as casework
from resettle.adapters.web.guards import Ctx
from resettle.core import Case, CaseStatus, Category, Dimension, Issue, Priority
from resettle.errors import (
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from resettle.registry.search import matching_members
from resettle.security.policy import (
    SENSITIVE_SECTIONS,
    Permission,
    Principal,
    RecordFacts,
    Scope,
    Section,
    authorize,
    scope_of,
    section_of_category,
    section_of_event,
    visible_sections,
)
from resettle.security.views import TimelineEvent, view_case, view_case_summary

AUDIT_IDS_SHOWN = 100


# What a case list can filter by need: every case needs persons' places.
NEED_FILTERS = tuple(d for d in Dimension if d is not Dimension.PERSONS)


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: CaseStatus | None = None
    priority: Priority | None = None
    category: Category | None = None
    need: Dimension | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    capped: bool = False  # a search found too many people to order them all (see find_cases)


def _within(principal: Principal, scope: Scope) -> Any:
    """The SQL form of a record scope, so that lists and single reads agree (parity test)."""
    if scope is Scope.ALL:
        return None
    return case_ids_with_access_query(principal.state or "")


def _facts(ctx: Ctx, case_id: str) -> RecordFacts:
    return RecordFacts(case_id, states_with_access(ctx.session, case_id))


def _unseen(case_id: str) -> NotFoundError:
    # The same words whether the case does not exist or is out of scope: existence never leaks.
    return NotFoundError(f"no case {case_id} that you may see")


def load_case_for(ctx: Ctx, action: Permission, case_id: str) -> Case:
    """The case, if ``action`` is granted on it; else the same 404 whether or not it exists."""
    return _load_case(ctx, action, case_id)


def _load_case(ctx: Ctx, action: Permission, case_id: str) -> Case:
    principal = ctx.user
    try:
        authorize(principal, action, _facts(ctx, case_id))
        return get_case(ctx.session, case_id=case_id)
    except NotFoundError:
        ctx.audit(str(action), subject_type="case", subject_id=case_id[:64], outcome="denied")
        raise _unseen(case_id) from None


def list_visible_cases(ctx: Ctx, filters: CaseFilters, *, offset: int, limit: int) -> Page:
    principal = ctx.user
    authorize(principal, Permission.CASE_LIST)
    scope = scope_of(principal.role, Permission.CASE_LIST)
    assert scope is not None
    within = _within(principal, scope)
    _check_need_filter(principal, filters.need)
    _check_category_filter(principal, filters.category)
    if filters.q.strip():
        page = find_cases(ctx.session, text=filters.q, offset=offset, limit=limit, within=within)
    else:
        page = list_cases(ctx.session, status=filters.status, priority=filters.priority,
                          category=filters.category, need=filters.need, on=ctx.now.date(),
                          offset=offset, limit=limit, within=within)
    sections = visible_sections(principal.role)
    ids = [case.case_id for case in page.cases]
    # The search words are not recorded: they may be a person's name.
    ctx.audit("case.list", subject_type="case", detail=" ".join(ids[:AUDIT_IDS_SHOWN]))
    items = [view_case_summary(c, sections) for c in page.cases]
    if filters.q.strip() and Section.IDENTITY in sections:  # which member the search found
        for item, case in zip(items, page.cases, strict=True):
            item["matched"] = [f"{m.given_name} {m.family_name} ({m.person_id})"
                               for m in matching_members(case.members, filters.q)]
    return Page(items, page.total, offset, limit, page.capped)


def _check_need_filter(principal: Principal, need: Dimension | None) -> None:
    """Filtering by a need tells which cases have it: only for roles that see needs."""
    if need is None:
        return
    if Section.NEEDS not in visible_sections(principal.role):
        raise PermissionDeniedError(f"your role ({principal.role}) does not see needs; list "
                                    "the cases without the needs filter")
    if need not in NEED_FILTERS:
        raise ValidationError([Issue("bad_value", "every case needs persons' places; filter "
                                     f"by one of {', '.join(NEED_FILTERS)}", field="needs")])


def _check_category_filter(principal: Principal, category: Category | None) -> None:
    """Filtering by a category tells which cases have it: only for roles that see it."""
    if category is not None and \
            section_of_category(category) not in visible_sections(principal.role):
        raise PermissionDeniedError(f"your role ({principal.role}) does not see the category "
                                    f"{category}; list the cases without that filter")


def visible_categories(principal: Principal) -> list[Category]:
    """The categories a role may see and filter by (the list page offers only these)."""
    sections = visible_sections(principal.role)
    return [c for c in Category if section_of_category(c) in sections]


def case_timeline(ctx: Ctx, case: Case) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    if case.registered_on is not None:
        events.append(TimelineEvent(datetime.combine(case.registered_on, datetime.min.time()),
                                    "registered"))
    events.extend(screening_history(ctx, case.case_id))
    return sorted(events, key=lambda e: e.at.replace(tzinfo=None))


def screening_history(ctx: Ctx, case_id: str) -> list[TimelineEvent]:
    """The case's steps, filtered by section like every other view: a step of a sensitive
    section the role does not see shows only the status change it made (nothing if none)."""
    sections = visible_sections(ctx.user.role)
    timeline = []
    for e in SqlScreeningStore(ctx.session).history(case_id):
        if section_of_event(e.action) in sections:
            timeline.append(TimelineEvent(e.at, f"{e.action}: {e.from_status} → {e.to_status}",
                                          e.actor, e.reason))
        elif e.from_status != e.to_status:
            timeline.append(TimelineEvent(e.at, f"status: {e.from_status} → {e.to_status}"))
    return timeline


def read_case(ctx: Ctx, case_id: str) -> dict[str, Any]:
    """The case as the user's role may see it; the read is audited."""
    case = _load_case(ctx, Permission.CASE_READ, case_id)
    sections = visible_sections(ctx.user.role)
    notes = casework.list_notes(ctx.session, keys=ctx.config.keys, case_id=case_id,
                                sections=sections)
    history = case_timeline(ctx, case) if Section.HISTORY in sections else []
    ctx.audit("case.read", subject_type="case", subject_id=case_id,
              detail="sections: " + ",".join(sorted(sections)))
    return view_case(case, sections, on=ctx.now.date(), notes=notes, history=history)


def writable_note_sections(principal: Principal) -> list[Section]:
    if scope_of(principal.role, Permission.NOTE_WRITE) is None:
        return []
    return sorted(visible_sections(principal.role) & SENSITIVE_SECTIONS)


def add_case_note(ctx: Ctx, case_id: str, section: Section, text: str) -> int:
    _load_case(ctx, Permission.NOTE_WRITE, case_id)
    if not text.strip():
        raise ValidationError([Issue("missing_value", "write the note first", field="text")])
    if section not in writable_note_sections(ctx.user):
        raise PermissionDeniedError(f"your role may not write {section} notes")
    note_id = casework.add_note(ctx.session, keys=ctx.config.keys, case_id=case_id,
                                section=section, text=text, author=ctx.user.username, now=ctx.now)
    ctx.audit("note.add", subject_type="case", subject_id=case_id, detail=f"section {section}")
    return note_id


def export_visible_cases(ctx: Ctx, *, offset: int, limit: int) -> list[Case]:
    """Cases in the user's export scope; the export itself is audited with every case id."""
    principal = ctx.user
    authorize(principal, Permission.CASE_EXPORT)
    scope = scope_of(principal.role, Permission.CASE_EXPORT)
    assert scope is not None
    page = list_cases(ctx.session, offset=offset, limit=limit, within=_within(principal, scope))
    cases = list(page.cases)
    ctx.audit("case.export", subject_type="case",
              detail=" ".join(c.case_id for c in cases[:AUDIT_IDS_SHOWN]))
    return cases

