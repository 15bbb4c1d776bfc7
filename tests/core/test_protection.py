from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.core import Case, Person, Sex
from resettle.core.protection import ProtectionSettings, check_destination, no_return_countries
from resettle.errors import RefoulementError

COUNTRIES = ["IRN", "IRQ", "ALB", "DEU", "SYR", "CAN", "SWE"]


def make_case(nationalities: list[str], fears: list[str]) -> Case:
    members = tuple(
        Person(f"P{i}", "C1", "A", "B", Sex.MALE, date(1970, 1, 1), nat,
               relationship="principal" if i == 0 else "sibling",
               feared_countries=tuple(fears) if i == 0 else ())
        for i, nat in enumerate(nationalities)
    )
    return Case("C1", "P0", members)


@given(
    st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4),
    st.lists(st.sampled_from(COUNTRIES), max_size=2),
    st.sampled_from(COUNTRIES),
    st.one_of(st.none(), st.sampled_from(COUNTRIES)),
)
def test_no_destination_on_any_no_return_list(
    nationalities: list[str], fears: list[str], destination: str, first_asylum: str | None
) -> None:
    case = make_case(nationalities, fears)
    settings = ProtectionSettings(first_asylum_country=first_asylum)
    forbidden = {*nationalities, *fears} | ({first_asylum} if first_asylum else set())
    assert no_return_countries(case, settings) == forbidden
    if destination in forbidden:
        with pytest.raises(RefoulementError):
            check_destination(case, destination, settings)
    else:
        check_destination(case, destination, settings)
