"""What a role may see of a case: one view builder, used by pages, the API and exports alike.

Fields are grouped by :class:`Section`; a key appears in a view only when its section is
visible. ``SECTION_KEYS`` lists the keys so tests can assert that hidden ones never leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.security.policy import Section, section_of_category, section_of_need

WITHHELD = "withheld"  # a sensitive category shown to a role without its section

CASE_KEYS = ("case_id", "status", "processing_priority", "primary_category",
             "secondary_category", "size", "registered_on", "no_return_countries")
IDENTITY_KEYS = ("person_id", "given_name", "family_name", "given_name_original",
                 "family_name_original", "sex", "birth_date", "birth_date_precision",
                 "nationality", "relationship")
NEEDS_MEMBER_KEYS = ("languages", "education", "occupation", "skills", "specific_needs")
NEEDS_CASE_KEYS = ("needs",)

SECTION_KEYS: Mapping[Section, tuple[str, ...]] = {
    Section.CASE: CASE_KEYS,
    Section.IDENTITY: IDENTITY_KEYS,
    Section.NEEDS: NEEDS_MEMBER_KEYS + NEEDS_CASE_KEYS,
    Section.RELATIVES: ("relatives",),
    Section.HISTORY: ("history",),
    Section.MEDICAL: ("medical_conditions", "medical_notes", "services_needed"),
    Section.VIOLENCE: ("violence_notes",),
    Section.EXCLUSION: ("profiles", "exclusion_notes"),
    Section.CONFIDENTIAL: ("confidential_notes",),
}
NOTE_SECTIONS = (Section.MEDICAL, Section.VIOLENCE, Section.EXCLUSION, Section.CONFIDENTIAL)


@dataclass(frozen=True)
class CaseNote:
    """A sensitive free-text note on a case, in one section; stored encrypted."""

    note_id: int
    case_id: str
    section: Section
    text: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Attachment:
    """A file attached to a case in one sensitive section (its bytes sealed at rest)."""

    attachment_id: str
    case_id: str
    section: Section
    filename: str
    media_type: str
    size: int
    author: str
    created_at: datetime


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    what: str  # e.g. "registered -> needs_assessed"
    actor: str = ""
    reason: str = ""


def shown_category(category: object, sections: frozenset[Section]) -> str | None:
    """A submission category as the holder of ``sections`` may see it."""
    if category is None:
        return None
    return str(category) if section_of_category(str(category)) in sections else WITHHELD


def _member_view(person: Person, sections: frozenset[Section]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    if Section.IDENTITY in sections:
        view.update(
            person_id=person.person_id, given_name=person.given_name,
            family_name=person.family_name, given_name_original=person.given_name_original,
            family_name_original=person.family_name_original, sex=str(person.sex),
            birth_date=person.birth_date.isoformat(),
            birth_date_precision=str(person.birth_date_precision),
            nationality=person.nationality, relationship=str(person.relationship),
        )
    if Section.NEEDS in sections:
        view.update(
            languages=[f"{s.code}:{s.proficiency}" for s in person.languages],
            education=str(person.education), occupation=person.occupation,
            skills=list(person.skills),
            specific_needs=[need for need in person.specific_needs
                            if section_of_need(need) in sections],
        )
    if Section.RELATIVES in sections:
        view["relatives"] = [
            {"name": r.name, "relation": r.relation, "country": r.country}
            for r in person.relatives
        ]
    if Section.MEDICAL in sections:
        view["medical_conditions"] = [
            {"name": c.name, "severity": str(c.severity), "services": list(c.services)}
            for c in person.medical_conditions
        ]
    if Section.EXCLUSION in sections:
        view["profiles"] = list(person.profiles)
    return view


def view_case(
    case: Case,
    sections: frozenset[Section],
    *,
    on: date,
    notes: Iterable[CaseNote] = (),
    history: Iterable[TimelineEvent] = (),
) -> dict[str, Any]:
    """The case as the holder of ``sections`` may see it (JSON-ready)."""
    view: dict[str, Any] = {"case_id": case.case_id}
    if Section.CASE in sections:
        view.update(
            status=str(case.status), processing_priority=str(case.processing_priority),
            primary_category=shown_category(case.primary_category, sections),
            secondary_category=shown_category(case.secondary_category, sections),
            size=case.size,
            registered_on=case.registered_on and case.registered_on.isoformat(),
            no_return_countries=sorted(case.no_return_countries),
        )
    if Section.NEEDS in sections:
        view["needs"] = {str(k): v for k, v in case.needs(on).as_dict().items()}
    if Section.MEDICAL in sections:  # services come from diagnoses (e.g. trauma_care)
        view["services_needed"] = sorted(case.services_needed)
    member_sections = sections - {Section.CASE, Section.HISTORY}
    if member_sections & {Section.IDENTITY, Section.NEEDS, Section.MEDICAL, Section.EXCLUSION,
                          Section.RELATIVES}:
        view["members"] = [_member_view(m, sections) for m in case.members]
    for section in NOTE_SECTIONS:
        if section in sections:
            view[f"{section}_notes"] = [
                {"note_id": n.note_id, "text": n.text, "author": n.author,
                 "created_at": n.created_at.isoformat()}
                for n in notes if n.section == section
            ]
    if Section.HISTORY in sections:
        view["history"] = [
            {"at": e.at.isoformat(), "what": e.what, "actor": e.actor, "reason": e.reason}
            for e in history
        ]
    return view


def view_case_summary(case: Case, sections: frozenset[Section]) -> dict[str, Any]:
    """One row of a case list: case fields and, where visible, the principal's names."""
    row: dict[str, Any] = {"case_id": case.case_id}
    if Section.CASE in sections:
        row.update(status=str(case.status), processing_priority=str(case.processing_priority),
                   primary_category=shown_category(case.primary_category, sections),
                   size=case.size)
    principal = case.principal
    if Section.IDENTITY in sections and principal is not None:
        row.update(given_name=principal.given_name, family_name=principal.family_name,
                   given_name_original=principal.given_name_original,
                   family_name_original=principal.family_name_original)
    return row


def hidden_keys(sections: frozenset[Section]) -> frozenset[str]:
    """Keys that must never appear in a view for ``sections``."""
    visible = {k for s in sections for k in SECTION_KEYS[s]} | {"case_id"}
    return frozenset(k for s in Section for k in SECTION_KEYS[s]) - visible


EXPORT_MEMBER_KEYS = IDENTITY_KEYS + NEEDS_MEMBER_KEYS + ("relatives", "medical_conditions",
                                                         "profiles")


def export_rows(cases: Iterable[Case], sections: frozenset[Section]) -> list[dict[str, str]]:
    """One flat row per person: the case's visible fields, then the member's visible fields.

    Notes are never exported; nested values are joined as text.
    """
    rows: list[dict[str, str]] = []
    for case in cases:
        view = view_case(case, sections, on=date.today())
        base = {k: _flat(v) for k, v in view.items() if k not in ("members", "history")
                and not k.endswith("_notes")}
        for member in view.get("members", [{}]):
            rows.append({**base, **{k: _flat(member[k]) for k in EXPORT_MEMBER_KEYS
                                    if k in member}})
    return rows


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={_flat(v)}" for k, v in value.items())
    return "" if value is None else str(value)


# Person fields an import may carry that belong to a sensitive section (specific needs: each
# code by its own section). A role writes only the sections it sees.
SENSITIVE_PERSON_FIELDS: Mapping[str, Section] = {
    "medical_conditions": Section.MEDICAL, "profiles": Section.EXCLUSION,
}


def hidden_fields(person: Person, sections: frozenset[Section]) -> list[str]:
    """Fields of ``person`` holding values of sections the holder of ``sections`` cannot see
    (and so may not write)."""
    found = [name for name, section in SENSITIVE_PERSON_FIELDS.items()
             if section not in sections and getattr(person, name)]
    if any(section_of_need(n) not in sections for n in person.specific_needs):
        found.append("specific_needs")
    return found


def keep_hidden(incoming: Person, stored: Person | None,
                sections: frozenset[Section]) -> Person:
    """``incoming`` with every value of a section not in ``sections`` taken from ``stored``
    (empty for a new person): a write never changes, erases or compares what the writer
    cannot see."""
    def kept(name: str) -> object:
        return getattr(stored, name) if stored is not None else ()

    values = {name: kept(name) for name, section in SENSITIVE_PERSON_FIELDS.items()
              if section not in sections}
    seen = [n for n in incoming.specific_needs if section_of_need(n) in sections]
    before = list(stored.specific_needs) if stored is not None else []
    # The stored order, so that an unchanged list compares equal.
    needs = [n for n in before if section_of_need(n) not in sections or n in seen]
    needs += [n for n in seen if n not in needs]
    return replace(incoming, specific_needs=tuple(needs), **values)  # type: ignore[arg-type]
