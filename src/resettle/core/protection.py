"""Non-refoulement: nobody is sent to a country where they face persecution. A hard rule.

Every path that targets a country (placement, referral, export to a state) asks this module.
The no-return list of a case is every member's nationality and declared fears, plus the
operation's country of first asylum where configured (for Ashraf: Iraq wanted them gone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.errors import RefoulementError


@dataclass(frozen=True)
class ProtectionSettings:
    """Operation-wide protection rules."""

    first_asylum_country: str | None = None  # e.g. "IRQ" for Camp Ashraf
    first_asylum_is_no_return: bool = True


# Countries declared after registration (e.g. in a screening interview), by person id.
Declared = Mapping[str, Iterable[str]]


def person_no_return_countries(
    person: Person, settings: ProtectionSettings, declared: Iterable[str] = ()
) -> frozenset[str]:
    """One person's list: origin (nationality) by default, declared fears, first asylum."""
    countries = set(person.no_return_countries) | set(declared)
    if settings.first_asylum_country and settings.first_asylum_is_no_return:
        countries.add(settings.first_asylum_country)
    return frozenset(countries)


def no_return_countries(
    case: Case, settings: ProtectionSettings, declared: Declared | None = None
) -> frozenset[str]:
    countries = set(case.no_return_countries)
    for member in case.members:
        countries.update((declared or {}).get(member.person_id, ()))
    if settings.first_asylum_country and settings.first_asylum_is_no_return:
        countries.add(settings.first_asylum_country)
    return frozenset(countries)


def check_destination(
    case: Case, country: str, settings: ProtectionSettings, declared: Declared | None = None
) -> None:
    """Raise :class:`RefoulementError` if ``country`` is on the case's no-return list."""
    if country in no_return_countries(case, settings, declared):
        raise RefoulementError(
            f"case {case.case_id} may not be sent to {country}: it is on the no-return list "
            "of at least one member (non-refoulement); choose another host state",
        )
