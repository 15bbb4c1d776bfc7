"""Cases as the web shows them, for pages and the API alike: the permission on the case and
on each filter, a call to the stage's service, the view by section, the audit entry.

The use cases are the stages' (browsing in :mod:`resettle.registry.service`, notes and
attachments in :mod:`resettle.security.service`); nothing here knows about HTML or JSON, and
each function takes the request's :class:`Ctx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from resettle.adapters.db.registry.case_reader import SqlCaseReader
from resettle.adapters.db.screening.store import SqlScreeningStore
from resettle.adapters.db.security.notes_store import SqlNoteStore
from resettle.adapters.web.guards import Ctx
from resettle.core import Case, Category, Dimension
from resettle.errors import NotFoundError, PermissionDeniedError
from resettle.registry import service as registry
from resettle.registry.service import NEED_FILTERS, CaseFilters
from resettle.security import service as security
from resettle.security.policy import (
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

__all__ = ["AUDIT_IDS_SHOWN", "NEED_FILTERS", "CaseFilters", "Page", "add_case_note",
           "case_timeline", "export_visible_cases", "list_visible_cases", "load_case_for",
           "read_case", "screening_history", "visible_categories"]

AUDIT_IDS_SHOWN = 100


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    capped: bool = False  # a search found too many people to order them all (see find_cases)
    merged: tuple[tuple[str, str], ...] = ()  # found records merged away: (record, merged into)


def _host_state(principal: Principal, scope: Scope) -> str | None:
    """The record scope as the reader takes it, so that lists and single reads agree (parity
    test): None for every case, else the host state whose cases the user may see."""
    return None if scope is Scope.ALL else principal.state or ""


def _unseen(case_id: str) -> NotFoundError:
    # The same words whether the case does not exist or is out of scope: existence never leaks.
    return NotFoundError(f"no case {case_id} that you may see")


def load_case_for(ctx: Ctx, action: Permission, case_id: str) -> Case:
    """The case, if ``action`` is granted on it; else the same 404 whether or not it exists."""
    reader = SqlCaseReader(ctx.session)
    try:
        authorize(ctx.user, action, RecordFacts(case_id, reader.host_states_seeing(case_id)))
        return reader.get_case(case_id)
    except NotFoundError:
        ctx.audit(str(action), subject_type="case", subject_id=case_id[:64], outcome="denied")
        raise _unseen(case_id) from None


def list_visible_cases(ctx: Ctx, filters: CaseFilters, *, offset: int, limit: int) -> Page:
    principal = ctx.user
    authorize(principal, Permission.CASE_LIST)
    scope = scope_of(principal.role, Permission.CASE_LIST)
    assert scope is not None
    _check_need_filter(principal, filters.need)
    _check_category_filter(principal, filters.category)
    found = registry.browse_cases(SqlCaseReader(ctx.session), filters, on=ctx.now.date(),
                                  offset=offset, limit=limit,
                                  host_state=_host_state(principal, scope))
    sections = visible_sections(principal.role)
    ids = [case.case_id for case in found.cases]
    # The search words are not recorded: they may be a person's name.
    ctx.audit("case.list", subject_type="case", detail=" ".join(ids[:AUDIT_IDS_SHOWN]))
    items = [view_case_summary(c, sections) for c in found.cases]
    if found.matched and Section.IDENTITY in sections:  # which member the search found
        for item, case in zip(items, found.cases, strict=True):
            item["matched"] = [f"{m.given_name} {m.family_name} ({m.person_id})"
                               for m in found.matched.get(case.case_id, [])]
    # A record merged away is found only as merged into its survivor (ids, not names).
    merged = found.merged if Section.IDENTITY in sections else ()
    return Page(items, found.total, offset, limit, found.capped, merged)


def _check_need_filter(principal: Principal, need: Dimension | None) -> None:
    """Filtering by a need tells which cases have it: only for roles that see needs."""
    if need is not None and Section.NEEDS not in visible_sections(principal.role):
        raise PermissionDeniedError(f"your role ({principal.role}) does not see needs; list "
                                    "the cases without the needs filter")


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
    case = load_case_for(ctx, Permission.CASE_READ, case_id)
    sections = visible_sections(ctx.user.role)
    notes = security.case_notes(SqlNoteStore(ctx.session, ctx.config.keys), ctx.user, case_id)
    history = case_timeline(ctx, case) if Section.HISTORY in sections else []
    ctx.audit("case.read", subject_type="case", subject_id=case_id,
              detail="sections: " + ",".join(sorted(sections)))
    return view_case(case, sections, on=ctx.now.date(), notes=notes, history=history)


def add_case_note(ctx: Ctx, case_id: str, section: Section, text: str) -> int:
    load_case_for(ctx, Permission.NOTE_WRITE, case_id)
    note_id = security.add_note(SqlNoteStore(ctx.session, ctx.config.keys), ctx.user,
                                case_id=case_id, section=section, text=text, now=ctx.now)
    ctx.audit("note.add", subject_type="case", subject_id=case_id, detail=f"section {section}")
    return note_id


def export_visible_cases(ctx: Ctx, *, offset: int, limit: int) -> list[Case]:
    """Cases in the user's export scope; the export itself is audited with every case id."""
    principal = ctx.user
    authorize(principal, Permission.CASE_EXPORT)
    scope = scope_of(principal.role, Permission.CASE_EXPORT)
    assert scope is not None
    found = registry.browse_cases(SqlCaseReader(ctx.session), CaseFilters(), on=ctx.now.date(),
                                  offset=offset, limit=limit,
                                  host_state=_host_state(principal, scope))
    cases = list(found.cases)
    ctx.audit("case.export", subject_type="case",
              detail=" ".join(c.case_id for c in cases[:AUDIT_IDS_SHOWN]))
    return cases
