"""The field catalogue: every field a data-sharing agreement may name, and how it is read.

A field is read either from the case (``level == "case"``) or from each member
(``level == "member"``). Values are JSON-ready: text, integers, ``None``, tuples of text, or
tuples of small text mappings (relatives, medical conditions). Nothing outside this catalogue
can ever reach a dossier: the no-return list and declared fears, notes of any section,
confidential statements, interview and consent records and the workflow history are not in it
on purpose (see docs/referral-agreements.md).

The RRF minimum (:data:`RRF_MINIMUM`) is what every host state needs to know who it is asked
to take and why (RRF sections 1 and 2: the case and each member's biodata); anything more
(needs, languages, medical conditions, relatives...) only when an agreement lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.security.policy import Section, section_of_need

Value = str | int | None | tuple[str, ...] | tuple[Mapping[str, str], ...]


class Level(StrEnum):
    CASE = "case"
    MEMBER = "member"


@dataclass(frozen=True)
class FieldSpec:
    """One shareable field: its name in agreements, where it is read, and its label."""

    name: str
    level: Level
    section: Section  # the field section of security/policy.py it belongs to
    label: str  # as printed in the dossier; no label is part of another
    description: str
    read_case: Callable[[Case, date], Value] | None = None
    read_member: Callable[[Person, date], Value] | None = None

    @property
    def sensitive(self) -> bool:
        return self.section in {Section.MEDICAL, Section.VIOLENCE, Section.EXCLUSION}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _case(name: str, section: Section, label: str, description: str,
          read: Callable[[Case, date], Value]) -> FieldSpec:
    return FieldSpec(name, Level.CASE, section, label, description, read_case=read)


def _member(name: str, section: Section, label: str, description: str,
            read: Callable[[Person, date], Value]) -> FieldSpec:
    return FieldSpec(name, Level.MEMBER, section, label, description, read_member=read)


def _needs(case: Case, on: date) -> tuple[str, ...]:
    return tuple(f"{dim}: {n}" for dim, n in case.needs(on).as_dict().items() if n)


def _shareable_needs(person: Person, sensitive: bool) -> tuple[str, ...]:
    return tuple(n for n in person.specific_needs
                 if (section_of_need(n) is not Section.NEEDS) == sensitive)


_S = Section
_FIELDS: tuple[FieldSpec, ...] = (
    _case("case_id", _S.CASE, "Case number", "the case's number (required in every agreement)",
          lambda c, _: c.case_id),
    _case("case_size", _S.CASE, "Persons in the case", "number of members",
          lambda c, _: c.size),
    _case("processing_priority", _S.CASE, "Priority", "emergency, urgent or normal",
          lambda c, _: str(c.processing_priority)),
    _case("primary_category", _S.CASE, "Primary submission category",
          "the RRF's primary resettlement category", lambda c, _: _text(c.primary_category)),
    _case("secondary_category", _S.CASE, "Secondary submission category",
          "the RRF's secondary category", lambda c, _: _text(c.secondary_category)),
    _case("registered_on", _S.CASE, "Registration date", "day the case was registered",
          lambda c, _: None if c.registered_on is None else c.registered_on.isoformat()),
    _case("housing_needs", _S.NEEDS, "Reception capacity needed",
          "persons, large-family units, medical places, accessible units, school places",
          _needs),
    _case("services_needed", _S.MEDICAL, "Health services needed",
          "services the members' conditions need (e.g. dialysis): reveals medical facts",
          lambda c, _: tuple(sorted(c.services_needed))),
    _member("person_id", _S.IDENTITY, "Person number",
            "each member's number (required in every agreement)", lambda p, _: p.person_id),
    _member("given_name", _S.IDENTITY, "Given name (Latin)", "given name in Latin letters",
            lambda p, _: p.given_name),
    _member("family_name", _S.IDENTITY, "Family name (Latin)", "family name in Latin letters",
            lambda p, _: p.family_name),
    _member("given_name_original", _S.IDENTITY, "Given name (own script)",
            "given name as the person writes it (e.g. Persian script)",
            lambda p, _: p.given_name_original),
    _member("family_name_original", _S.IDENTITY, "Family name (own script)",
            "family name as the person writes it", lambda p, _: p.family_name_original),
    _member("sex", _S.IDENTITY, "Sex", "F, M or X", lambda p, _: str(p.sex)),
    _member("birth_date", _S.IDENTITY, "Date of birth", "ISO date",
            lambda p, _: p.birth_date.isoformat()),
    _member("birth_date_precision", _S.IDENTITY, "Birth date known as",
            "exact, year only or estimated", lambda p, _: str(p.birth_date_precision)),
    _member("nationality", _S.IDENTITY, "Nationality", "ISO 3166-1 alpha-3",
            lambda p, _: p.nationality),
    _member("relationship", _S.IDENTITY, "Relationship to the principal applicant",
            "principal, spouse, child...", lambda p, _: str(p.relationship)),
    _member("languages", _S.NEEDS, "Languages spoken", "ISO 639-3 code and proficiency",
            lambda p, _: tuple(f"{s.code} ({s.proficiency})" for s in p.languages)),
    _member("education", _S.NEEDS, "Education", "highest level completed",
            lambda p, _: str(p.education)),
    _member("occupation", _S.NEEDS, "Occupation", "last occupation", lambda p, _: p.occupation),
    _member("skills", _S.NEEDS, "Skills", "skills declared", lambda p, _: tuple(p.skills)),
    _member("specific_needs", _S.NEEDS, "Specific needs",
            "specific needs that name no illness or violence (e.g. wheelchair_user)",
            lambda p, _: _shareable_needs(p, sensitive=False)),
    _member("sensitive_needs", _S.VIOLENCE, "Needs from illness or violence",
            "specific needs naming violence survived or an illness",
            lambda p, _: _shareable_needs(p, sensitive=True)),
    _member("medical_conditions", _S.MEDICAL, "Medical conditions",
            "diagnosis, severity and services needed (sealed: decrypted by the adapter)",
            lambda p, _: tuple(MappingProxyType({"name": c.name, "severity": str(c.severity),
                                                 "services": ", ".join(c.services)})
                               for c in p.medical_conditions)),
    _member("relatives", _S.RELATIVES, "Relatives outside the case",
            "name, relation and country of relatives abroad (family links for placement)",
            lambda p, _: tuple(MappingProxyType({"name": r.name, "relation": r.relation,
                                                 "country": r.country})
                               for r in p.relatives)),
    _member("profiles", _S.EXCLUSION, "Profiles for security vetting",
            "e.g. former_combatant: only for an agreement whose purpose is security vetting",
            lambda p, _: tuple(p.profiles)),
)

CATALOGUE: Mapping[str, FieldSpec] = MappingProxyType({f.name: f for f in _FIELDS})
CASE_FIELDS = tuple(f.name for f in _FIELDS if f.level is Level.CASE)
MEMBER_FIELDS = tuple(f.name for f in _FIELDS if f.level is Level.MEMBER)
# Every dossier must say which case and which persons it is about.
REQUIRED_FIELDS = frozenset({"case_id", "person_id"})
# RRF sections 1 and 2, the identity part: who the state is asked to take, and why.
RRF_MINIMUM = frozenset({
    "case_id", "case_size", "processing_priority", "primary_category",
    "person_id", "given_name", "family_name", "given_name_original", "family_name_original",
    "sex", "birth_date", "birth_date_precision", "nationality", "relationship",
})
# In an agreement file, this name stands for every field of the RRF minimum.
MINIMUM_TOKEN = "rrf_minimum"
