"""Build each record kind from its column values, and take the values back out to write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from resettle.core import (
    Case,
    DatePrecision,
    Dimension,
    Issue,
    Locality,
    Person,
    Pledge,
    PledgeCriteria,
    Sex,
)
from resettle.registry.records import CaseHeader, RecordKind

Values = dict[str, Any]
CAPACITY_PREFIX = "capacity_"
_CRITERIA = ("max_case_size", "services_supported", "security_vetting_required",
             "excluded_profiles")


def build_person(values: Values) -> Person:
    born, precision = values.pop("birth_date")
    if "relationship" in values:
        values["relationship"] = str(values["relationship"])
    return Person(birth_date=born, birth_date_precision=precision, **values)


def person_values(person: Person) -> Values:
    return {
        "person_id": person.person_id,
        "case_id": person.case_id,
        "relationship": person.relationship,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "given_name_original": person.given_name_original,
        "family_name_original": person.family_name_original,
        "sex": person.sex,
        "birth_date": (person.birth_date, person.birth_date_precision),
        "nationality": person.nationality,
        "languages": person.languages,
        "education": person.education,
        "occupation": person.occupation,
        "skills": person.skills,
        "medical_conditions": person.medical_conditions,
        "specific_needs": person.specific_needs,
        "relatives": person.relatives,
        "feared_countries": person.feared_countries,
        "profiles": person.profiles,
    }


def build_case_header(values: Values) -> CaseHeader:
    return CaseHeader(**values)


def case_values(case: Case) -> Values:
    return {
        "case_id": case.case_id,
        "principal_id": case.principal_id,
        "size": case.size,
        "processing_priority": case.processing_priority,
        "status": case.status,
        "primary_category": case.primary_category,
        "secondary_category": case.secondary_category,
        "registered_on": case.registered_on,
    }


def build_locality(values: Values) -> Locality:
    capacity = {
        Dimension(name.removeprefix(CAPACITY_PREFIX)): values.pop(name)
        for name in list(values)
        if name.startswith(CAPACITY_PREFIX)
    }
    return Locality(capacity=capacity, **values)


def locality_values(locality: Locality) -> Values:
    values: Values = {
        "locality_id": locality.locality_id,
        "country": locality.country,
        "name": locality.name,
        "region": locality.region,
        "services": locality.services,
        "languages": locality.languages,
        "urban": locality.urban,
    }
    for dimension in Dimension:
        values[CAPACITY_PREFIX + dimension.value] = locality.capacity.get(dimension)
    return values


def build_pledge(values: Values) -> Pledge:
    criteria = PledgeCriteria(**{name: values.pop(name) for name in _CRITERIA if name in values})
    return Pledge(criteria=criteria, **values)


def pledge_values(pledge: Pledge) -> Values:
    criteria = pledge.criteria
    return {
        "pledge_id": pledge.pledge_id,
        "country": pledge.country,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "places_persons": pledge.places_persons,
        "max_case_size": criteria.max_case_size,
        "services_supported": criteria.services_supported,
        "security_vetting_required": criteria.security_vetting_required,
        "excluded_profiles": criteria.excluded_profiles,
    }


def _case_header_issues(header: CaseHeader) -> list[Issue]:
    """A header alone breaks few rules; the rest are checked once its members join it."""
    if header.size is not None and header.size < 1:
        return [Issue("bad_value", "a case has at least one member", field="size",
                      record=header.case_id)]
    return []


# Stand-ins for required values that a row lacks or got wrong, so the domain rules can still
# check the rest of the row (a bad date should not hide a bad country code on the same row).
_STAND_IN = "?"
PLACEHOLDERS: dict[RecordKind, Values] = {
    RecordKind.PERSONS: {
        "person_id": _STAND_IN, "case_id": _STAND_IN, "given_name": _STAND_IN,
        "family_name": "", "sex": Sex.OTHER, "nationality": "STA",
        "birth_date": (date(2000, 1, 1), DatePrecision.EXACT),
    },
    RecordKind.CASES: {"case_id": _STAND_IN, "principal_id": _STAND_IN},
    RecordKind.LOCALITIES: {"locality_id": _STAND_IN, "country": "STA", "name": _STAND_IN},
    RecordKind.PLEDGES: {
        "pledge_id": _STAND_IN, "country": "STA", "period_start": date.min,
        "period_end": date.max, "places_persons": 0,
    },
}


def partial_issues(kind: RecordKind, values: Values, failed: set[str]) -> list[Issue]:
    """Domain issues of a row that could not be built, about the fields that did parse."""
    record = SPECS[kind].build({**PLACEHOLDERS[kind], **values})
    return [i for i in SPECS[kind].issues(record) if i.field not in failed]


@dataclass(frozen=True)
class KindSpec:
    build: Callable[[Values], Any]
    issues: Callable[[Any], list[Issue]]


def _person_issues(person: Person) -> list[Issue]:
    return person.issues()


def _locality_issues(locality: Locality) -> list[Issue]:
    return locality.issues()


def _pledge_issues(pledge: Pledge) -> list[Issue]:
    return pledge.issues()


SPECS: dict[RecordKind, KindSpec] = {
    RecordKind.PERSONS: KindSpec(build_person, _person_issues),
    RecordKind.CASES: KindSpec(build_case_header, _case_header_issues),
    RecordKind.LOCALITIES: KindSpec(build_locality, _locality_issues),
    RecordKind.PLEDGES: KindSpec(build_pledge, _pledge_issues),
}
