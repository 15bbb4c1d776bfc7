"""Search folding, in one place (``registry.search``): what a caseworker types on any keyboard
finds the same person. Properties over names in both scripts, and the case numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry_samples import make_person
from resettle.registry.search import (
    case_number,
    fold,
    matching_members,
    search_terms,
    search_words,
    stored_forms,
)

HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
JOINERS = "\u200c\u200d\u0640"  # ZWNJ, ZWJ, tatweel
ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})
PERSIAN = st.text(alphabet="ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی", min_size=1, max_size=12)


def sprinkle(text: str, marks: list[str]) -> str:
    """``text`` with a mark after some letters (one per letter, in turn)."""
    out = []
    for char, mark in zip(text, marks + [""] * len(text), strict=False):
        out.append(char + mark)
    return "".join(out)


@given(PERSIAN, st.lists(st.sampled_from(["", *HARAKAT, *JOINERS]), max_size=12),
       st.booleans())
def test_marks_joiners_and_arabic_letter_forms_fold_away(word: str, marks: list[str],
                                                         arabic: bool) -> None:
    typed = sprinkle(word, marks)
    if arabic:
        typed = typed.translate(ARABIC_KEYBOARD)
    assert fold(typed) == fold(word) == word
    assert fold(fold(typed)) == fold(typed)  # idempotent


@given(st.text(max_size=20))
def test_folding_is_idempotent_and_search_terms_hold_the_folded_word(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    for spellings, word in zip(search_terms(text), search_words(text), strict=True):
        assert word in spellings
        assert all(fold(form) == word for form in stored_forms(word))


GIVEN = [("Iraj", "ایرج"), ("Yasmin", "یاسمین"), ("Kaveh", "کاوه"), ("Ali", "علی")]
FAMILY = [("Ebrahimi", "ابراهیمی"), ("Karimi", "کریمی"), ("Yazdi", "یزدی")]


@given(st.sampled_from(GIVEN), st.sampled_from(FAMILY), st.booleans(), st.booleans(),
       st.booleans(), st.sampled_from(["", "\u064e", "\u200c"]))
def test_a_person_is_found_by_full_name_in_any_order_and_script(  # noqa: PLR0917
        given_name: tuple[str, str], family: tuple[str, str], reverse: bool, persian: bool,
        arabic_keyboard: bool, mark: str) -> None:
    person = make_person("ASH-00001-2", "ASH-00001", given_name=given_name[0],
                         family_name=family[0], given_name_original=given_name[1],
                         family_name_original=family[1])
    other = make_person("ASH-00001-1", "ASH-00001", given_name="Zahra", family_name="Moradi",
                        given_name_original="زهرا", family_name_original="مرادی")
    words = [given_name[persian], family[persian]]
    if reverse:
        words.reverse()
    typed = " ".join(words)
    if persian:
        typed = typed.translate(ARABIC_KEYBOARD) if arabic_keyboard else typed
        typed = typed[:2] + mark + typed[2:]
    else:
        typed = typed.upper() if arabic_keyboard else typed.lower()
    assert matching_members([other, person], typed) == [person]


@pytest.mark.parametrize(("typed", "number"), [
    ("ASH-00123", "123"), ("ash-00123", "123"), ("00123", "123"), ("123", "123"),
    ("۱۲۳", "123"), ("ash00123", "123"), ("0", "0"), ("Karimi", None), ("ASH-00123-1", None),
    ("12 34", None)])
def test_a_case_number_is_read_without_its_prefix_or_zeros(typed: str,
                                                           number: str | None) -> None:
    assert case_number(typed) == number


def test_a_person_id_matches_whatever_its_case() -> None:
    person = make_person("ASH-00001-2", "ASH-00001")
    assert matching_members([person], "ash-00001-2") == [person]
    assert matching_members([person], "") == []
