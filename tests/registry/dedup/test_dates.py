"""Dates of birth: Jalali hand conversion, day/month swaps, the 1 January placeholder."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from resettle.registry.dedup.dates import (
    date_variants,
    gregorian_digits_as_jalali,
    is_placeholder,
    jalali_digits_as_gregorian,
    swapped,
    to_jalali,
)


def test_jalali_conversion_of_a_known_day() -> None:
    assert to_jalali(date(1979, 7, 3)) == (1358, 4, 12)
    assert to_jalali(date(2016, 9, 9)) == (1395, 6, 19)


def test_hand_conversion_keeps_the_jalali_month_and_day() -> None:
    assert date(1979, 4, 12) in jalali_digits_as_gregorian(date(1979, 7, 3))
    assert date(1979, 7, 3) in gregorian_digits_as_jalali(date(1979, 4, 12))


def test_swap_and_placeholder() -> None:
    assert swapped(date(1980, 3, 7)) == date(1980, 7, 3)
    assert swapped(date(1980, 3, 25)) is None
    assert swapped(date(1980, 5, 5)) is None
    assert is_placeholder(date(1975, 1, 1)) and not is_placeholder(date(1975, 1, 2))


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
def test_variants_are_symmetric(day: date) -> None:
    """If B is a variant of A, A is a variant of B: an array overlap then finds the pair."""
    variants = date_variants(day)
    assert variants[0] == day
    for other in variants:
        assert day in date_variants(other)
