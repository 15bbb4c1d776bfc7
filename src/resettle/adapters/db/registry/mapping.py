"""Convert between the frozen domain dataclasses and plain row dictionaries.

Rows are plain dicts (column name -> value) so the same mapping serves bulk Core inserts,
comparisons for idempotent upserts, and reads. JSON columns hold lists and dicts only (never
tuples or sets) and sets are sorted, so an unchanged record maps to an equal row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from resettle.core import (
    Case,
    CaseStatus,
    Category,
    DatePrecision,
    Dimension,
    EducationLevel,
    LanguageSkill,
    Locality,
    MedicalCondition,
    Person,
    Pledge,
    PledgeCriteria,
    Priority,
    Proficiency,
    Relative,
    Severity,
    Sex,
)
from resettle.core.case import LARGE_FAMILY_SIZE
from resettle.security.policy import SENSITIVE_SECTIONS, section_of_need

Row = dict[str, Any]
# Person fields kept in the ``details`` JSON column as plain lists of strings.
PLAIN_DETAILS = ("skills", "specific_needs", "feared_countries", "profiles")
# What reveals illness, violence survived or an exclusion profile (DOMAIN.md, security): kept
# out of ``details`` in ``sealed_details``, which the store encrypts (sealing.py).
SEALED_DETAILS = ("medical_conditions", "profiles")
RowLike = Mapping[Any, Any]  # a Row, or SQLAlchemy's RowMapping


def person_to_row(person: Person, member_index: int) -> Row:
    return {
        "person_id": person.person_id,
        "case_id": person.case_id,
        "member_index": member_index,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "given_name_original": person.given_name_original,
        "family_name_original": person.family_name_original,
        "sex": str(person.sex),
        "birth_date": person.birth_date,
        "birth_date_precision": str(person.birth_date_precision),
        "nationality": person.nationality,
        "relationship": str(person.relationship),
        "education": str(person.education),
        "occupation": person.occupation,
        **split_details(_details(person)),
    }


def is_sealed_need(code: str) -> bool:
    """A need naming an illness or violence survived (e.g. survivor_of_torture) is sealed;
    others (wheelchair_user, older_person) stay plain."""
    return section_of_need(code) in SENSITIVE_SECTIONS


def split_details(details: Mapping[str, Any]) -> Row:
    """``details`` (plain) and ``sealed_details`` (None when there is nothing sensitive).

    When any specific need is sensitive, the whole ordered list is sealed and only the others
    stay plain, so a person reads back exactly as stored.
    """
    if not any(key in details for key in (*SEALED_DETAILS, "specific_needs")):
        return {"details": dict(details), "sealed_details": None}  # most persons: nothing
    plain = {k: v for k, v in details.items() if k not in SEALED_DETAILS}
    sealed = {k: v for k, v in details.items() if k in SEALED_DETAILS}
    needs = details.get("specific_needs", [])
    if any(is_sealed_need(code) for code in needs):
        sealed["specific_needs"] = list(needs)
        plain["specific_needs"] = [code for code in needs if not is_sealed_need(code)]
        if not plain["specific_needs"]:
            del plain["specific_needs"]
    return {"details": plain, "sealed_details": sealed or None}


def person_from_row(row: RowLike) -> Person:
    """From a row whose ``sealed_details`` is decrypted (or None; or from before sealing)."""
    details = {**row["details"], **(row["sealed_details"] or {})}
    return Person(
        person_id=row["person_id"],
        case_id=row["case_id"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        sex=Sex(row["sex"]),
        birth_date=row["birth_date"],
        nationality=row["nationality"],
        relationship=row["relationship"],
        birth_date_precision=DatePrecision(row["birth_date_precision"]),
        given_name_original=row["given_name_original"],
        family_name_original=row["family_name_original"],
        languages=tuple(
            LanguageSkill(s["code"], Proficiency(s["proficiency"]))
            for s in details.get("languages", ())
        ),
        education=EducationLevel(row["education"]),
        occupation=row["occupation"],
        skills=tuple(details.get("skills", ())),
        medical_conditions=tuple(
            MedicalCondition(c["name"], Severity(c["severity"]), tuple(c["services"]))
            for c in details.get("medical_conditions", ())
        ),
        specific_needs=tuple(details.get("specific_needs", ())),
        relatives=tuple(
            Relative(r["name"], r["relation"], r["country"], bool(r["contact_established"]))
            for r in details.get("relatives", ())
        ),
        feared_countries=tuple(details.get("feared_countries", ())),
        profiles=tuple(details.get("profiles", ())),
    )


def _details(person: Person) -> dict[str, Any]:
    """The person's nested lists as one JSON object; empty lists are left out."""
    details: dict[str, Any] = {}
    if person.languages:
        details["languages"] = [
            {"code": skill.code, "proficiency": str(skill.proficiency)}
            for skill in person.languages
        ]
    if person.medical_conditions:
        details["medical_conditions"] = [
            {"name": c.name, "severity": str(c.severity), "services": list(c.services)}
            for c in person.medical_conditions
        ]
    if person.relatives:
        details["relatives"] = [
            {
                "name": r.name,
                "relation": r.relation,
                "country": r.country,
                "contact_established": r.contact_established,
            }
            for r in person.relatives
        ]
    for key in PLAIN_DETAILS:
        values = getattr(person, key)
        if values:
            details[key] = list(values)
    return details


def case_to_row(case: Case) -> Row:
    """The case's own columns; ``version`` is left to the repository."""
    return {
        "case_id": case.case_id,
        "principal_id": case.principal_id,
        "processing_priority": str(case.processing_priority),
        "priority_rank": case.processing_priority.rank,
        "status": str(case.status),
        "primary_category": _value(case.primary_category),
        "secondary_category": _value(case.secondary_category),
        "registered_on": case.registered_on,
        **needs_flags(case),
    }


def needs_flags(case: Case) -> Row:
    """The needs a case list filters by that do not change with the day (Case.needs)."""
    return {
        "needs_large_family": case.size >= LARGE_FAMILY_SIZE,
        "needs_medical": any(m.needs_medical_place for m in case.members),
        "needs_accessible": any(m.needs_accessible_housing for m in case.members),
    }


def case_member_rows(case: Case) -> list[Row]:
    return [person_to_row(member, index) for index, member in enumerate(case.members)]


def case_from_rows(row: RowLike, member_rows: Iterable[RowLike]) -> Case:
    """Build a case from its row and its members' rows (in ``member_index`` order)."""
    primary, secondary = row["primary_category"], row["secondary_category"]
    return Case(
        case_id=row["case_id"],
        principal_id=row["principal_id"],
        members=tuple(person_from_row(m) for m in member_rows),
        processing_priority=Priority(row["processing_priority"]),
        status=CaseStatus(row["status"]),
        primary_category=Category(primary) if primary else None,
        secondary_category=Category(secondary) if secondary else None,
        registered_on=row["registered_on"],
        version=row["version"],
    )


def locality_to_row(locality: Locality) -> Row:
    return {
        "locality_id": locality.locality_id,
        "country": locality.country,
        "name": locality.name,
        "region": locality.region,
        "services": sorted(locality.services),
        "capacity": {str(Dimension(d)): int(n) for d, n in sorted(locality.capacity.items())},
        "languages": list(locality.languages),
        "urban": locality.urban,
    }


def locality_from_row(row: RowLike) -> Locality:
    return Locality(
        locality_id=row["locality_id"],
        country=row["country"],
        name=row["name"],
        region=row["region"],
        services=frozenset(row["services"]),
        capacity={Dimension(d): int(n) for d, n in row["capacity"].items()},
        languages=tuple(row["languages"]),
        urban=bool(row["urban"]),
    )


def pledge_to_row(pledge: Pledge) -> Row:
    criteria = pledge.criteria
    supported = criteria.services_supported
    return {
        "pledge_id": pledge.pledge_id,
        "country": pledge.country,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "places_persons": pledge.places_persons,
        "max_case_size": criteria.max_case_size,
        "services_supported": sorted(supported) if supported is not None else None,
        "security_vetting_required": criteria.security_vetting_required,
        "excluded_profiles": sorted(criteria.excluded_profiles),
    }


def pledge_from_row(row: RowLike) -> Pledge:
    supported = row["services_supported"]
    return Pledge(
        pledge_id=row["pledge_id"],
        country=row["country"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        places_persons=row["places_persons"],
        criteria=PledgeCriteria(
            max_case_size=row["max_case_size"],
            services_supported=frozenset(supported) if supported is not None else None,
            security_vetting_required=bool(row["security_vetting_required"]),
            excluded_profiles=frozenset(row["excluded_profiles"]),
        ),
    )


def _value(category: Category | None) -> str | None:
    return str(category) if category is not None else None
