"""Non-refoulement: nobody is sent to a country where they face persecution. A hard rule.

Every path that targets a country (placement, referral, export to a state) asks this module.
The no-return list of a case is every member's nationality and declared fears, plus the
operation's country of first asylum where configured (for Ashraf: Iraq wanted them gone).
"""

from __future__ import annotations

from dataclasses import dataclass

from resettle.core.case import Case
from resettle.errors import RefoulementError


@dataclass(frozen=True)
class ProtectionSettings:
    """Operation-wide protection rules."""

    first_asylum_country: str | None = None  # e.g. "IRQ" for Camp Ashraf
    first_asylum_is_no_return: bool = True


def no_return_countries(case: Case, settings: ProtectionSettings) -> frozenset[str]:
    countries = set(case.no_return_countries)
    if settings.first_asylum_country and settings.first_asylum_is_no_return:
        countries.add(settings.first_asylum_country)
    return frozenset(countries)


def check_destination(case: Case, country: str, settings: ProtectionSettings) -> None:
    """Raise :class:`RefoulementError` if ``country`` is on the case's no-return list."""
    if country in no_return_countries(case, settings):
        raise RefoulementError(
            f"case {case.case_id} may not be sent to {country}: it is on the no-return list "
            "of at least one member (non-refoulement); choose another host state",
        )
