"""The case search on each database (SQLite through its trigram table, PostgreSQL through
lower()): full names in any order, Arabic-keyboard letters and marks, case numbers without
their prefix or in lower case. A property: whatever order and keyboard the full name is typed
in, the person's case is found, and no other."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from registry_samples import make_case, make_person
from resettle.adapters.db.registry.store import find_cases, store_batch
from resettle.core import RegistryBatch

NAMES = {  # case: (given, family, given in Persian, family in Persian)
    "ASH-00123": ("Iraj", "Ebrahimi", "ایرج", "ابراهیمی"),
    "ASH-01123": ("Yasmin", "Karimi", "یاسمین", "کریمی"),
    "ASH-00124": ("Kaveh", "Yazdi", "کاوه", "یزدی"),
    "ASH-00125": ("Iraj", "Karimi", "ایرج", "کریمی"),
}
ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})


def stored(session: Session) -> None:
    cases = []
    for case_id, (first, family, first_fa, family_fa) in NAMES.items():
        head = make_person(f"{case_id}-1", case_id, given_name="Zahra", family_name="Moradi",
                           given_name_original="زهرا", family_name_original="مرادی")
        member = make_person(f"{case_id}-2", case_id, given_name=first, family_name=family,
                             given_name_original=first_fa, family_name_original=family_fa)
        cases.append(make_case(case_id, [head, member]))
    store_batch(session, batch=RegistryBatch(cases=tuple(cases)))


def found(session: Session, words: str) -> list[str]:
    return sorted(case.case_id for case in find_cases(session, text=words, limit=50).cases)


def test_full_names_in_any_order_and_either_script(session: Session) -> None:
    stored(session)
    assert found(session, "Iraj Ebrahimi") == found(session, "ebrahimi IRAJ") == ["ASH-00123"]
    assert found(session, "ابراهیمی ایرج") == ["ASH-00123"]
    assert found(session, "Iraj") == ["ASH-00123", "ASH-00125"]
    assert found(session, "Iraj Karimi") == ["ASH-00125"]  # both words in one person
    assert found(session, "Yasmin Ebrahimi") == []  # words of two people match nobody


def test_arabic_keyboard_letters_and_marks_find_persian_names(session: Session) -> None:
    stored(session)
    assert found(session, "كريمي") == ["ASH-00125", "ASH-01123"]  # Arabic kaf and yeh
    assert found(session, "يزدي") == ["ASH-00124"]
    assert found(session, "اِبراهیمی") == ["ASH-00123"]  # a kasra typed
    assert found(session, "کا\u200cوه") == ["ASH-00124"]  # a zero-width non-joiner typed
    assert found(session, "ي") == sorted(NAMES)  # one letter: read without the index


def test_case_numbers_without_prefix_or_in_lower_case(session: Session) -> None:
    stored(session)
    assert found(session, "ash-00123") == ["ASH-00123"]
    assert found(session, "123") == found(session, "00123") == ["ASH-00123"]  # not 01123
    assert found(session, "1123") == ["ASH-01123"]
    assert found(session, "۱۲۴") == ["ASH-00124"]  # Persian digits
    assert found(session, "ash-00124-2") == ["ASH-00124"]  # a person id, lower case


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(NAMES)), st.booleans(), st.booleans(), st.booleans())
def test_a_full_name_finds_its_case_whatever_the_order_and_keyboard(
        session: Session, case_id: str, reverse: bool, persian: bool, arabic: bool) -> None:
    if not found(session, "ASH-00123"):
        stored(session)
    first, family, first_fa, family_fa = NAMES[case_id]
    words = [first_fa, family_fa] if persian else [first, family]
    typed = " ".join(reversed(words) if reverse else words)
    typed = typed.translate(ARABIC_KEYBOARD) if arabic else typed.swapcase()
    assert found(session, typed) == [case_id]
