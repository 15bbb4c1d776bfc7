"""ISO 3166-1 alpha-3 country codes and ISO 639-3 language codes, checked offline."""

from __future__ import annotations

from functools import cache

import pycountry

# Codes in use by UNHCR and host states that pycountry does not list as countries.
_EXTRA_COUNTRIES = frozenset({"XKX", "STA"})  # Kosovo; stateless


@cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | _EXTRA_COUNTRIES


@cache
def _languages() -> frozenset[str]:
    return frozenset(lang.alpha_3 for lang in pycountry.languages)


def is_country_code(code: str) -> bool:
    return code in _countries()


def is_language_code(code: str) -> bool:
    return code in _languages()


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return str(country.name) if country is not None else code
