"""What a search text means, in one place: the words it holds, folded the way names are
compared, and whether it is a case number.

- Names: every word must occur in one person's names (any of the four, Latin or original
  script, in any order), so "Iraj Ebrahimi" and "ebrahimi iraj" find the same person.
- Folding (:func:`fold`): lower case; Latin accents dropped; Arabic letter forms typed on an
  Arabic keyboard read as the Persian ones (ي→ی, ك→ک, ى→ی; :func:`resettle.registry.dedup.
  names.normalize_arabic`, the deduplication's rule), harakat, tatweel and zero-width joiners
  (ZWNJ) dropped; Persian and Arabic digits read as 0-9.
- Case numbers: "ash-00123", "00123" and "123" all name case ``ASH-00123``
  (:func:`case_number`: the digits, without leading zeros, when the text is only a number).

The store looks the words up (:mod:`resettle.adapters.db.registry.name_search`), with the
letter forms a stored name may still hold (:func:`stored_forms`); :func:`matching_members`
names the members a result matched.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence

from resettle.core import Person
from resettle.registry.dedup.names import normalize_arabic

MAX_FORMS = 16
# Persian letters that a stored name may hold in their Arabic form (the forms search folds).
_STORED_FORMS = {"ی": ("ی", "ي"), "ک": ("ک", "ك")}
_DIGITS = {ord(c): str(unicodedata.digit(c)) for c in "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"}
_CASE_NUMBER = re.compile(r"[a-z]*[- ]?0*(\d+)")  # folded: lower case
_SPLIT = re.compile(r"[\s,;]+")


def fold(text: str) -> str:
    """``text`` as search compares it (see the module docstring)."""
    text = normalize_arabic(unicodedata.normalize("NFC", text)).translate(_DIGITS)
    decomposed = unicodedata.normalize("NFD", text.casefold())
    kept = "".join(c for c in decomposed
                   if not (unicodedata.combining(c) and not _arabic(c)))
    return unicodedata.normalize("NFC", kept)


def _arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


def search_words(text: str) -> list[str]:
    """The folded words of a search text, each once, in order."""
    return list(dict.fromkeys(w for w in _SPLIT.split(fold(text)) if w))


def search_terms(text: str) -> list[list[str]]:
    """Per word of a search text, the spellings a store looks for: the folded word in every
    letter form a stored name may hold (:func:`stored_forms`), and the word as typed (lower
    case), which finds a stored name that keeps its accents or marks."""
    terms: dict[str, list[str]] = {}
    for typed in _SPLIT.split(unicodedata.normalize("NFC", text)):
        folded = fold(typed)
        if folded and folded not in terms:
            terms[folded] = list(dict.fromkeys([*stored_forms(folded), typed.casefold()]))
    return list(terms.values())


def case_number(text: str) -> str | None:
    """The number a text names when it is a case number with or without its prefix
    (``ASH-00123``, ``ash-00123``, ``00123``, ``123``): its digits without leading zeros."""
    match = _CASE_NUMBER.fullmatch(fold(text).strip())
    if match is None:
        return None
    return match[1].lstrip("0") or "0"


def stored_forms(word: str) -> list[str]:
    """``word`` (folded) with each letter in every form a stored name may hold it (at most
    ``MAX_FORMS`` spellings; past that, the folded word only)."""
    options = [_STORED_FORMS.get(c, (c,)) for c in word]
    count = 1
    for option in options:
        count *= len(option)
    if count > MAX_FORMS:
        return [word]
    return ["".join(chars) for chars in itertools.product(*options)]


def person_text(person: Person) -> str:
    """Everything of a person a search word may match, folded."""
    return fold(" ".join((person.person_id, person.given_name, person.family_name,
                          person.given_name_original, person.family_name_original)))


def matches(person: Person, words: Sequence[str]) -> bool:
    """Every word occurs in the person's id or names."""
    text = person_text(person)
    return bool(words) and all(word in text for word in words)


def matching_members(members: Iterable[Person], text: str) -> list[Person]:
    """The members a search text matched (by id or by every word of it in their names)."""
    words = search_words(text)
    needle = text.strip().upper()
    return [m for m in members if m.person_id.upper() == needle or matches(m, words)]
