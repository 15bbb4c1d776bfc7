"""Dates of birth as registrations get them wrong: calendars, swaps and placeholders.

Three ways the same birthday arrives as two dates:
- the Persian (Jalali) date converted by hand, keeping the Jalali month and day under a
  Gregorian year (1358/04/12 written as 1979-04-12 instead of 1979-07-03);
- day and month swapped (03/07 read as 7 March);
- an unknown date set to 1 January of the (estimated) year.
``date_variants`` lists the dates a birth date may stand for, so a comparison can ask whether
two records share one.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import jdatetime

JALALI_YEAR_OFFSETS = (621, 622)  # Jalali year + offset = Gregorian year, before/after Nowruz


def is_placeholder(day: date) -> bool:
    """1 January: the registry convention for a date known only by its year."""
    return (day.month, day.day) == (1, 1)


def swapped(day: date) -> date | None:
    """Day and month exchanged, when that is another valid date."""
    if day.day > 12 or day.day == day.month:
        return None
    return _valid(day.year, day.day, day.month)


def to_jalali(day: date) -> tuple[int, int, int]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.year, jalali.month, jalali.day


def jalali_digits_as_gregorian(day: date) -> list[date]:
    """The Jalali month and day kept under a Gregorian year: the usual hand conversion error."""
    year, month, day_of_month = to_jalali(day)
    found = (_valid(year + offset, month, day_of_month) for offset in JALALI_YEAR_OFFSETS)
    return [d for d in found if d is not None]


def gregorian_digits_as_jalali(day: date) -> list[date]:
    """The inverse error: these digits were a Jalali date that was never converted."""
    found: list[date] = []
    for offset in JALALI_YEAR_OFFSETS:
        try:
            jalali = jdatetime.date(day.year - offset, day.month, day.day)
        except ValueError:
            continue
        found.append(jalali.togregorian())
    return found


@lru_cache(maxsize=100_000)  # a registry has some 30,000 distinct dates for 1,000,000 persons
def date_variants(day: date) -> tuple[date, ...]:
    """The date itself, then every date it may have been mistaken for (no duplicates)."""
    variants = [day, swapped(day), *jalali_digits_as_gregorian(day),
                *gregorian_digits_as_jalali(day)]
    return tuple(dict.fromkeys(v for v in variants if v is not None))


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
