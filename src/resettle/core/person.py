"""A person: the unit of protection. Frozen; ``issues()`` lists every rule it breaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from resettle.core.codes import is_country_code, is_language_code
from resettle.core.issues import Issue


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"


class DatePrecision(StrEnum):
    """How much of a date of birth is known; many refugees know only a year."""

    EXACT = "exact"
    YEAR = "year"
    ESTIMATED = "estimated"


class Proficiency(StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    FLUENT = "fluent"
    NATIVE = "native"


class EducationLevel(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    UNIVERSITY = "university"
    POSTGRADUATE = "postgraduate"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    CRITICAL = "critical"

    @property
    def needs_medical_place(self) -> bool:
        """Severe and critical conditions need a medical place in the host locality."""
        return self in (Severity.SEVERE, Severity.CRITICAL)


@dataclass(frozen=True)
class LanguageSkill:
    code: str  # ISO 639-3
    proficiency: Proficiency


@dataclass(frozen=True)
class MedicalCondition:
    name: str
    severity: Severity
    services: tuple[str, ...] = ()  # services needed, e.g. "dialysis", "oncology"


@dataclass(frozen=True)
class Relative:
    """A relative outside the case: feeds placement ties and family tracing."""

    name: str
    relation: str
    country: str  # ISO 3166-1 alpha-3
    contact_established: bool = False


# Specific needs that change what housing a case needs (UNHCR specific-needs codes, simplified).
MOBILITY_NEEDS = frozenset({"wheelchair_user", "mobility_impairment"})
SCHOOL_AGE_YEARS = range(5, 18)


@dataclass(frozen=True)
class Person:
    person_id: str
    case_id: str
    given_name: str
    family_name: str
    sex: Sex
    birth_date: date
    nationality: str
    relationship: str = "principal"  # to the case's principal applicant
    birth_date_precision: DatePrecision = DatePrecision.EXACT
    given_name_original: str = ""
    family_name_original: str = ""
    languages: tuple[LanguageSkill, ...] = ()
    education: EducationLevel = EducationLevel.NONE
    occupation: str = ""
    skills: tuple[str, ...] = ()
    medical_conditions: tuple[MedicalCondition, ...] = ()
    specific_needs: tuple[str, ...] = ()
    relatives: tuple[Relative, ...] = ()
    feared_countries: tuple[str, ...] = ()  # declared countries of feared return, beyond origin
    profiles: tuple[str, ...] = field(default=())  # e.g. "former_combatant"; pledges may exclude

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def is_adult_on(self, day: date) -> bool:
        return self.age_on(day) >= 18

    @property
    def no_return_countries(self) -> frozenset[str]:
        """Countries this person may never be sent to: nationality plus declared fears."""
        return frozenset({self.nationality, *self.feared_countries})

    @property
    def needs_medical_place(self) -> bool:
        return any(c.severity.needs_medical_place for c in self.medical_conditions)

    @property
    def needs_accessible_housing(self) -> bool:
        return bool(MOBILITY_NEEDS & set(self.specific_needs))

    @property
    def services_needed(self) -> frozenset[str]:
        return frozenset(s for c in self.medical_conditions for s in c.services)

    def issues(self, *, today: date | None = None) -> list[Issue]:
        """Every rule this person breaks; an empty list means valid."""
        found = self._identity_issues(today or date.today())
        found.extend(self._code_issues())
        return found

    def _issue(self, code: str, field_name: str, message: str) -> Issue:
        return Issue(code, message, field=field_name, record=self.person_id)

    def _identity_issues(self, today: date) -> list[Issue]:
        found: list[Issue] = []
        if not self.person_id.strip():
            found.append(self._issue("missing_value", "person_id", "every person needs an id"))
        if not self.case_id.strip():
            found.append(self._issue("missing_value", "case_id", "give the person's case_id"))
        if not (self.given_name.strip() or self.family_name.strip()):
            found.append(
                self._issue("missing_value", "given_name", "give a given or a family name")
            )
        if self.birth_date > today:
            found.append(
                self._issue("impossible_date", "birth_date", f"{self.birth_date} is in the future")
            )
        if self.birth_date.year < 1900:
            found.append(
                self._issue("impossible_date", "birth_date", f"{self.birth_date} is before 1900")
            )
        return found

    def _code_issues(self) -> list[Issue]:
        # Plain loops: this runs for every person of a 100,000-person import.
        found: list[Issue] = []

        def check_country(field_name: str, code: str) -> None:
            if not is_country_code(code):
                found.append(self._issue("unknown_country", field_name, _country_hint(code)))

        check_country("nationality", self.nationality)
        for code in self.feared_countries:
            check_country("feared_countries", code)
        for relative in self.relatives:
            check_country("relatives", relative.country)
        for skill in self.languages:
            if not is_language_code(skill.code):
                found.append(
                    self._issue(
                        "unknown_language",
                        "languages",
                        f"'{skill.code}' is not an ISO 639-3 language code (e.g. fas, ara, eng)",
                    )
                )
        return found


def _country_hint(code: str) -> str:
    return f"'{code}' is not an ISO 3166-1 alpha-3 country code (e.g. IRN, IRQ, ALB)"
