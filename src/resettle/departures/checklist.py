"""Pre-departure checklists per host state, as versioned data, and the travel-ready rule.

A checklist names the items every person must have, each with its validity rule: how long
before the flight it may have been issued (fit to travel: 72 hours), how long it must still be
valid after the flight (a passport: often six months). A new version of a state's checklist
replaces the old one for every later check; the old versions stay stored.

*Travel-ready on a day* is one rule, here: every member of the case has every item, valid at
the flight's departure time. The planner, booking and departure all ask it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from resettle.core.codes import is_country_code
from resettle.core.issues import Issue
from resettle.departures.records import (
    UNFIT,
    Blocker,
    ChecklistItem,
    EscortNeed,
    ItemKind,
    Problem,
)
from resettle.errors import ValidationError


@dataclass(frozen=True)
class ItemRule:
    kind: ItemKind
    window_hours: int | None = None  # issued at most this long before departure
    min_days_left: int = 0  # still valid this many days after departure


@dataclass(frozen=True)
class Checklist:
    country: str  # host state, ISO 3166-1 alpha-3; "*" is the default for every state
    version: int
    items: tuple[ItemRule, ...]
    escort_ratio: int = 4  # persons needing an escort that one escort may accompany
    arrival_cap_per_day: int | None = None  # reception capacity when no day is set apart
    note: str = ""
    created_by: str = ""
    created_at: datetime | None = None

    def rule(self, kind: ItemKind) -> ItemRule | None:
        return next((r for r in self.items if r.kind == kind), None)


DEFAULT_ITEMS = (
    ItemRule(ItemKind.TRAVEL_DOCUMENT, min_days_left=0),
    ItemRule(ItemKind.ENTRY_PERMIT),
    ItemRule(ItemKind.EXIT_PERMIT),
    ItemRule(ItemKind.MEDICAL_EXAM, window_hours=180 * 24),
    ItemRule(ItemKind.FIT_TO_TRAVEL, window_hours=72),
    ItemRule(ItemKind.ORIENTATION),
    ItemRule(ItemKind.ESCORT_ASSESSMENT),
)
DEFAULT_CHECKLIST = Checklist(country="*", version=1, items=DEFAULT_ITEMS,
                              note="default: IOM movement practice")


def latest_items(items: Iterable[ChecklistItem]) -> dict[tuple[str, ItemKind], ChecklistItem]:
    """The record that counts for each (person, kind): the last one recorded."""
    latest: dict[tuple[str, ItemKind], ChecklistItem] = {}
    for item in sorted(items, key=lambda i: (i.recorded_at, i.item_id)):
        latest[(item.person_id, item.kind)] = item
    return latest


def item_problem(item: ChecklistItem | None, rule: ItemRule, at: datetime) -> Problem | None:
    """What is wrong with ``item`` for a departure at ``at``; None when it is valid."""
    if item is None:
        return Problem.MISSING
    if item.kind == ItemKind.FIT_TO_TRAVEL and item.value == UNFIT:
        return Problem.UNFIT
    if item.valid_from > at:
        return Problem.NOT_YET_VALID
    if item.valid_until is not None and item.valid_until < at + timedelta(
            days=rule.min_days_left):
        return Problem.EXPIRED
    if rule.window_hours is not None and at - item.valid_from > timedelta(
            hours=rule.window_hours):
        return Problem.TOO_OLD
    return None


def blockers(person_ids: Sequence[str], items: Iterable[ChecklistItem], checklist: Checklist,
             at: datetime) -> list[Blocker]:
    """Every missing or invalid item of every person for a departure at ``at``."""
    latest = latest_items(items)
    found = []
    for person_id in person_ids:
        for rule in checklist.items:
            problem = item_problem(latest.get((person_id, rule.kind)), rule, at)
            if problem is not None:
                found.append(Blocker(person_id, rule.kind, problem))
    return found


def escort_persons(person_ids: Sequence[str], items: Iterable[ChecklistItem]) -> int:
    """Members whose latest escort assessment says they need an escort."""
    latest = latest_items(items)
    return sum(1 for p in person_ids
               if (item := latest.get((p, ItemKind.ESCORT_ASSESSMENT))) is not None
               and item.value in (EscortNeed.MEDICAL, EscortNeed.OPERATIONAL))


def checklist_for(country: str, checklists: Mapping[str, Checklist]) -> Checklist:
    return checklists.get(country) or checklists.get("*") or DEFAULT_CHECKLIST


# -- the file format (docs/departures.md) -------------------------------------------------

def checklist_to_dict(checklist: Checklist) -> dict[str, Any]:
    return {
        "country": checklist.country, "version": checklist.version,
        "escort_ratio": checklist.escort_ratio,
        "arrival_cap_per_day": checklist.arrival_cap_per_day, "note": checklist.note,
        "items": [{"kind": r.kind.value, "window_hours": r.window_hours,
                   "min_days_left": r.min_days_left} for r in checklist.items],
    }


def checklist_from_dict(data: Mapping[str, Any], *, version: int = 1) -> Checklist:
    """Parse a checklist; every problem is reported at once, nothing is half-read."""
    found: list[Issue] = []
    country = str(data.get("country", "")).upper()
    if country != "*" and not is_country_code(country):
        found.append(Issue("bad_value", f"'{country}' is not an ISO 3166-1 alpha-3 host state "
                           "(or '*' for the default)", field="country"))
    rules = []
    for n, raw in enumerate(data.get("items") or [], start=1):
        rule = _rule(raw, n, found)
        if rule is not None:
            rules.append(rule)
    if not data.get("items"):
        found.append(Issue("missing_value", "list at least one item", field="items"))
    kinds = [r.kind for r in rules]
    if len(set(kinds)) != len(kinds):
        found.append(Issue("duplicate", "each kind of item is listed once", field="items"))
    ratio, cap = data.get("escort_ratio", 4), data.get("arrival_cap_per_day")
    if not isinstance(ratio, int) or ratio < 1:
        found.append(Issue("bad_value", "escort_ratio is a whole number of at least 1",
                           field="escort_ratio"))
    if cap is not None and (not isinstance(cap, int) or cap < 0):
        found.append(Issue("bad_value", "arrival_cap_per_day is a whole number of persons",
                           field="arrival_cap_per_day"))
    if found:
        raise ValidationError(found)
    return Checklist(country=country, version=version, items=tuple(rules),
                     escort_ratio=int(ratio), arrival_cap_per_day=cap,
                     note=str(data.get("note", "")))


def _rule(raw: Any, n: int, found: list[Issue]) -> ItemRule | None:
    where = f"items[{n}]"
    if not isinstance(raw, Mapping) or raw.get("kind") not in set(ItemKind):
        found.append(Issue("bad_value", "each item needs a kind, one of "
                           f"{', '.join(ItemKind)}", field=where))
        return None
    window, days = raw.get("window_hours"), raw.get("min_days_left", 0)
    if window is not None and (not isinstance(window, int) or window <= 0):
        found.append(Issue("bad_value", "window_hours is a positive whole number of hours",
                           field=where))
        return None
    if not isinstance(days, int) or days < 0:
        found.append(Issue("bad_value", "min_days_left is a whole number of days",
                           field=where))
        return None
    return ItemRule(ItemKind(raw["kind"]), window, days)


def read_checklist_json(text: str) -> dict[str, Any]:
    """A checklist file's content, to pass to ``set_checklist`` (which checks it)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError([Issue("bad_file", f"not JSON: {error}")]) from error
    if not isinstance(data, dict):
        raise ValidationError([Issue("bad_file", "a checklist is one JSON object")])
    return data


@dataclass(frozen=True)
class Readiness:
    case_id: str
    at: datetime
    blockers: tuple[Blocker, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not self.blockers
