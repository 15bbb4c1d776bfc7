"""Names across scripts: romanize Persian and Arabic script, fold spellings to a consonant key.

The same person arrives as ``محمد رضایی``, ``Mohammad Rezaei``, ``Mohamed Rezaee`` (French) or
``Muhammad Rezayi``. Persian script writes no short vowels, and Latin conventions disagree on
the long ones, so two spellings agree best on their consonants: the *skeleton* key drops
vowels and the semi-vowels (y, w/v), folds digraphs that conventions spell differently
(gh/q, sh/ch, zh/j/dj, kh), drops a leading ``al-``/``el-`` particle, joins compound names
(``Gholam Reza`` = ``Gholamreza``) and folds doubled letters (``Abbas`` = ``Abas``).
Persian letters map straight to the same consonant classes, so a name in Persian script and
its Latin spelling share a key without any dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

# Persian and Arabic letters -> consonant class of the skeleton ('' = vowel or silent).
_ARABIC_TO_KEY: dict[str, str] = {
    "ا": "", "آ": "", "أ": "", "إ": "", "ء": "", "ئ": "", "ؤ": "", "ع": "", "ى": "",
    "و": "", "ی": "", "ي": "", "ة": "", "ه": "h", "ح": "h",
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s",
    "ج": "j", "ژ": "j", "چ": "S", "ش": "S", "خ": "K", "د": "d",
    "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ر": "r", "غ": "Q", "ق": "Q",
    "ف": "f", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
}
# Ranked Latin spellings of each letter for readable candidates (first = most common).
_ARABIC_TO_LATIN: dict[str, tuple[str, ...]] = {
    "ا": ("a",), "آ": ("a",), "أ": ("a",), "إ": ("e",), "ء": ("",), "ئ": ("",), "ؤ": ("o",),
    "ع": ("",), "ى": ("a",), "و": ("ou", "v", "o"), "ی": ("i", "y", "ei"), "ي": ("i", "y"),
    "ة": ("a",), "ه": ("h",), "ح": ("h",), "ب": ("b",), "پ": ("p",), "ت": ("t",),
    "ط": ("t",), "ث": ("s",), "س": ("s",), "ص": ("s",), "ج": ("j",), "ژ": ("zh", "j"),
    "چ": ("ch",), "ش": ("sh", "ch"), "خ": ("kh",), "د": ("d",), "ذ": ("z",), "ز": ("z",),
    "ض": ("z",), "ظ": ("z",), "ر": ("r",), "غ": ("gh",), "ق": ("gh", "q"), "ف": ("f",),
    "ک": ("k",), "ك": ("k",), "گ": ("g",), "ل": ("l",), "م": ("m",), "ن": ("n",),
}
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, shadda, tatweel
_ZERO_WIDTH = re.compile("[\u200c\u200d\u200e\u200f]")
_LATIN_DIGRAPHS = (
    ("dj", "j"), ("kh", "K"), ("gh", "Q"), ("q", "Q"), ("sh", "S"), ("ch", "S"), ("zh", "j"),
    ("ph", "f"), ("ck", "k"), ("c", "k"), ("x", "ks"),
)
_LATIN_SILENT = str.maketrans("", "", "aeiouyvw'`-  ")
_PARTICLE = re.compile(r"^(?:a|e|o|u)l[\s\-']+")
_ABD = re.compile(r"\babd[\s\-']*(?:[aeou]l)?[\s\-']*")
_FINAL_H = re.compile(r"(e)h\b")  # Fatemeh: a final silent he


def has_arabic_script(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


@lru_cache(maxsize=200_000)
def fold_latin(text: str) -> str:
    """Lower case, accents and apostrophes dropped, spaces single: ``Moḩammad`` -> ``mohammad``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if c.isascii() and (c.isalpha() or c in " -"))
    return " ".join(ascii_only.replace("-", " ").split())


def normalize_arabic(text: str) -> str:
    """Arabic letter forms to Persian ones, marks and joiners dropped."""
    text = _ZERO_WIDTH.sub("", _ARABIC_MARKS.sub("", text))
    return text.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی")


@lru_cache(maxsize=200_000)  # names repeat: relatives' and members' names are keyed per person
def skeleton(name: str, *, family: bool = False) -> str:
    """The consonant key of a name in either script; '' when nothing is left."""
    if has_arabic_script(name):
        text = normalize_arabic(name)
        words = [w[:-1] if _silent_final_he(w) else w for w in text.split()]
        key = "".join(_ARABIC_TO_KEY.get(c, "") for c in "".join(words))
    else:
        text = fold_latin(name)
        if family:
            text = _PARTICLE.sub("", text)
        text = _ABD.sub("abdl", _FINAL_H.sub(r"\1", text))
        for digraph, key_letter in _LATIN_DIGRAPHS:
            text = text.replace(digraph, key_letter)
        key = text.translate(_LATIN_SILENT)
    return _fold_doubles(key)


def _silent_final_he(word: str) -> bool:
    """A final ``ه`` is a vowel (Fatemeh) except in ``...الله`` (Abdollah)."""
    return word.endswith("ه") and len(word) > 2 and not word.endswith("له")


def _fold_doubles(key: str) -> str:
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=1)
def _icu_bgn() -> object | None:
    """ICU's BGN/PCGN Persian transliterator followed by ASCII folding; None without PyICU."""
    try:
        import icu  # noqa: PLC0415  (optional native dependency)
    except ImportError:  # pragma: no cover - PyICU is a declared dependency
        return None
    transliterator: object = icu.Transliterator.createInstance("Persian-Latin/BGN; Latin-ASCII")
    return transliterator


def icu_romanize(name: str) -> str:
    """ICU's BGN transliteration, ASCII-folded (consonantal: Persian writes no short vowels)."""
    transliterator = _icu_bgn()
    if transliterator is None:  # pragma: no cover
        return ""
    romanized: str = transliterator.transliterate(normalize_arabic(name))  # type: ignore[attr-defined]
    return fold_latin("".join(c for c in romanized if not has_arabic_script(c)))


def romanize(name: str, *, limit: int = 4) -> tuple[str, ...]:
    """Ranked Latin candidates for a name; a Latin name is its own single candidate.

    Candidates come from the ranked spellings of each letter (``و`` is ``ou`` before ``v``,
    ``ی`` is ``i`` before ``y``; a final ``ه`` is ``eh``), then ICU's BGN transliteration.
    """
    if not has_arabic_script(name):
        folded = fold_latin(name)
        return (folded,) if folded else ()
    words = normalize_arabic(name).split()
    beams: list[tuple[str, int]] = [("", 0)]
    for index, word in enumerate(words):
        beams = [(f"{text}{' ' if index else ''}", cost) for text, cost in beams]
        for position, letter in enumerate(word):
            options = _letter_options(word, position, letter)
            beams = sorted(
                ((text + option, cost + rank) for text, cost in beams
                 for rank, option in enumerate(options)),
                key=lambda beam: beam[1],
            )[: limit * 2]
    ranked = [text for text, _ in beams]
    ranked.append(icu_romanize(name))
    return tuple(dict.fromkeys(c for c in ranked if c))[:limit]


def _letter_options(word: str, position: int, letter: str) -> tuple[str, ...]:
    if letter == "ه" and position == len(word) - 1 and position > 1:
        return ("eh", "e")
    options = _ARABIC_TO_LATIN.get(letter, ("",))
    if position == 0 and letter in "وی":
        return tuple(reversed(options[:2]))  # a word-initial و or ی is a consonant
    return options


def best_similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """The best Jaro-Winkler similarity between any two candidates (0 when one side is empty)."""
    scores = [JaroWinkler.similarity(a, b) for a in left for b in right]
    return max(scores, default=0.0)
