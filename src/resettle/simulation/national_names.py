"""Names as a national registry holds them: a long tail of family names, frequent given names.

The camp scenario draws from a few dozen names at random (``names.py``); a registry of a
million persons cannot: with ~70 family names every name would be shared by ~14,000 persons.
Iran's civil registration office counts 960,505 Mohammadi, 661,824 Hosseini and 614,399 Ahmadi
(the three most frequent family names, about 1.1%, 0.8% and 0.7% of the population), and
Forebears lists some 600,000 distinct Iranian family names. Most were formed after the 1925
surname law in a few ways this module reproduces: a given name, place or trade with a suffix
(-i, -zadeh "born of", -pour "son of", -nejad "lineage", -ian, -vand, -lou, -far, -nia,
-khani, -abadi), a title in front (Mir-, Haj-, Sheikh-), or two names joined (Hashemi
Rafsanjani). Frequencies follow a Zipf-Mandelbrot law calibrated so the most frequent family
name holds about 1.1% of persons, with the registry's top ten in their published order. The
result (~1,100 family names, the top one 1.2%, the top ten 9.9%) is still more concentrated
than the real population, so same-name strangers are more frequent here than in the field:
the benchmark errs on the hard side.

Given names are far less diverse: the lists of ``names.py`` with compound names (Mohammad-Reza,
Ali-Reza, Fatemeh-Zahra...) added, weighted by a steeper Zipf-Mandelbrot law.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from resettle.simulation.names import FAMILY, FEMALE_GIVEN, MALE_GIVEN
from resettle.simulation.sampling import Weighted

Name = tuple[str, str]  # (Latin, Persian script)

# Given names and other words that family names are built on (Latin, Persian script).
ROOTS: tuple[Name, ...] = (
    ("Ahmad", "احمد"), ("Mohammad", "محمد"), ("Ali", "علی"), ("Hossein", "حسین"),
    ("Hassan", "حسن"), ("Karim", "کریم"), ("Rahim", "رحیم"), ("Jafar", "جعفر"),
    ("Ghasem", "قاسم"), ("Abbas", "عباس"), ("Heydar", "حیدر"), ("Kazem", "کاظم"),
    ("Ebrahim", "ابراهیم"), ("Esmail", "اسماعیل"), ("Yousef", "یوسف"), ("Akbar", "اکبر"),
    ("Asghar", "اصغر"), ("Bagher", "باقر"), ("Taher", "طاهر"), ("Saleh", "صالح"),
    ("Nader", "نادر"), ("Rashid", "رشید"), ("Habib", "حبیب"), ("Sharif", "شریف"),
    ("Amin", "امین"), ("Aziz", "عزیز"), ("Morad", "مراد"), ("Rostam", "رستم"),
    ("Bahram", "بهرام"), ("Soltan", "سلطان"), ("Gholam", "غلام"), ("Mahmoud", "محمود"),
    ("Jalal", "جلال"), ("Kamal", "کمال"), ("Khalil", "خلیل"), ("Nazar", "نظر"),
    ("Naser", "ناصر"), ("Mansour", "منصور"), ("Masoud", "مسعود"), ("Majid", "مجید"),
    ("Hamid", "حمید"), ("Saeed", "سعید"), ("Javad", "جواد"), ("Nour", "نور"),
    ("Asad", "اسد"), ("Amir", "امیر"), ("Eskandar", "اسکندر"), ("Rahman", "رحمان"),
    ("Zaman", "زمان"), ("Salar", "سالار"), ("Safar", "صفر"), ("Ramezan", "رمضان"),
    ("Shaban", "شعبان"), ("Ghorban", "قربان"), ("Azim", "عظیم"), ("Latif", "لطیف"),
    ("Najaf", "نجف"), ("Sadegh", "صادق"), ("Bakhtiar", "بختیار"), ("Jahangir", "جهانگیر"),
    ("Shokr", "شکر"), ("Fazl", "فضل"), ("Hashem", "هاشم"), ("Zeinal", "زینال"),
)
PLACES: tuple[Name, ...] = (
    ("Tehran", "تهران"), ("Shiraz", "شیراز"), ("Esfahan", "اصفهان"), ("Tabriz", "تبریز"),
    ("Kerman", "کرمان"), ("Hamedan", "همدان"), ("Yazd", "یزد"), ("Kashan", "کاشان"),
    ("Qazvin", "قزوین"), ("Zanjan", "زنجان"), ("Semnan", "سمنان"), ("Gilan", "گیلان"),
    ("Ardabil", "اردبیل"), ("Bushehr", "بوشهر"), ("Ahvaz", "اهواز"), ("Dezful", "دزفول"),
    ("Shushtar", "شوشتر"), ("Kermanshah", "کرمانشاه"), ("Borujerd", "بروجرد"),
    ("Arak", "اراک"), ("Mashhad", "مشهد"), ("Neyshabur", "نیشابور"), ("Sabzevar", "سبزوار"),
    ("Birjand", "بیرجند"), ("Zahedan", "زاهدان"), ("Sirjan", "سیرجان"),
    ("Rafsanjan", "رفسنجان"), ("Jahrom", "جهرم"), ("Ardakan", "اردکان"),
    ("Nahavand", "نهاوند"), ("Farahan", "فراهان"), ("Khorasan", "خراسان"),
    ("Mazandaran", "مازندران"), ("Lorestan", "لرستان"), ("Kordestan", "کردستان"),
    ("Damghan", "دامغان"), ("Golpayegan", "گلپایگان"), ("Khansar", "خوانسار"),
    ("Tafresh", "تفرش"), ("Abhar", "ابهر"), ("Marand", "مرند"), ("Sanandaj", "سنندج"),
)
TRADES: tuple[Name, ...] = (
    ("Najjar", "نجار"), ("Sarraf", "صراف"), ("Attar", "عطار"), ("Zargar", "زرگر"),
    ("Ahangar", "آهنگر"), ("Khayyat", "خیاط"), ("Bazargan", "بازرگان"), ("Kashef", "کاشف"),
    ("Mokhtar", "مختار"), ("Dabbagh", "دباغ"), ("Saffar", "صفار"), ("Rangraz", "رنگرز"),
    ("Kafash", "کفاش"), ("Nassaj", "نساج"), ("Ghannad", "قناد"), ("Moallem", "معلم"),
)
# Suffixes joined to a root (Latin, Persian script).
ROOT_SUFFIXES: tuple[Name, ...] = (
    ("i", "ی"), ("zadeh", "زاده"), ("pour", "پور"), ("nejad", "نژاد"), ("ian", "یان"),
    ("vand", "وند"), ("lou", "لو"), ("far", "فر"), ("nia", "نیا"), ("khani", "خانی"),
    ("abadi", "آبادی"),
)
PLACE_SUFFIXES: tuple[Name, ...] = (("i", "ی"), ("ian", "یان"), ("inejad", "ی‌نژاد"))
TRADE_SUFFIXES: tuple[Name, ...] = (("", ""), ("i", "ی"), ("zadeh", "زاده"), ("pour", "پور"))
TITLES: tuple[Name, ...] = (("Mir", "میر"), ("Haj", "حاج"), ("Sheikh", "شیخ"))
# The civil registration office's ten most frequent family names, in its order.
TOP_FAMILY = ("Mohammadi", "Hosseini", "Ahmadi", "Rezaei", "Moradi", "Heydari", "Karimi",
              "Mousavi", "Jafari", "Ghasemi")
COMPOUND_GIVEN_MALE: tuple[Name, ...] = (
    ("Mohammadreza", "محمدرضا"), ("Alireza", "علیرضا"), ("Amirhossein", "امیرحسین"),
    ("Mohammadali", "محمدعلی"), ("Mohammadhossein", "محمدحسین"), ("Gholamhossein", "غلامحسین"),
    ("Gholamali", "غلامعلی"), ("Abdolreza", "عبدالرضا"), ("Aliakbar", "علی‌اکبر"),
    ("Mohammadhadi", "محمدهادی"), ("Abdollah", "عبدالله"), ("Mohammadmehdi", "محمدمهدی"),
)
COMPOUND_GIVEN_FEMALE: tuple[Name, ...] = (
    ("Fatemehzahra", "فاطمه‌زهرا"), ("Zeinab", "زینب"), ("Kobra", "کبری"), ("Soghra", "صغری"),
    ("Monireh", "منیره"), ("Khadijeh", "خدیجه"), ("Roghayeh", "رقیه"), ("Ashraf", "اشرف"),
)
FAMILY_SHIFT = 20.0  # Zipf-Mandelbrot q: the top name holds ~1.2% of ~1,100 names
GIVEN_SHIFT = 6.0
DOUBLE_NAME_SHARE = 0.04  # "Hashemi Rafsanjani": a family name and a place name joined


def _join(root: Name, suffix: Name) -> Name:
    latin, persian = root
    if suffix[0].startswith("i") and latin[-1] in "aeiou":
        return f"{latin}e{suffix[0]}", f"{persian}ی{suffix[1]}"  # Reza + i: Rezaei, رضایی
    return f"{latin}{suffix[0]}", f"{persian}{suffix[1]}"


def family_names() -> tuple[Name, ...]:
    """Every family name the model forms, the registry's top ten first, the rest in a fixed
    shuffled order (the order is their frequency rank)."""
    formed: dict[str, str] = dict(FAMILY)
    for root in ROOTS:
        for suffix in ROOT_SUFFIXES:
            formed.setdefault(*_join(root, suffix))
        for title in TITLES:
            latin, persian = _join(root, ("i", "ی"))
            formed.setdefault(f"{title[0]}{latin.lower()}", f"{title[1]}{persian}")
    for place in PLACES:
        for suffix in PLACE_SUFFIXES:
            formed.setdefault(*_join(place, suffix))
    for trade in TRADES:
        for suffix in TRADE_SUFFIXES:
            formed.setdefault(*_join(trade, suffix))
    rest = sorted(set(formed) - set(TOP_FAMILY))
    order = np.random.default_rng(1925).permutation(len(rest))  # the surname law's year
    return tuple((latin, formed[latin]) for latin in (*TOP_FAMILY, *(rest[i] for i in order)))


def zipf_mandelbrot(names: tuple[Name, ...], shift: float) -> Weighted[Name]:
    """``names`` in rank order, weighted 1 / (rank + shift)."""
    return Weighted.of([(name, 1.0 / (rank + shift)) for rank, name in enumerate(names, 1)])


@dataclass(frozen=True)
class NationalNames:
    """Draws (given, family, given in Persian script, family in Persian script)."""

    @cached_property
    def _tables(self) -> dict[str, Weighted[Name]]:
        places = tuple(_join(place, ("i", "ی")) for place in PLACES)
        return {"family": zipf_mandelbrot(family_names(), FAMILY_SHIFT),
                "place": zipf_mandelbrot(places, GIVEN_SHIFT),
                "male": zipf_mandelbrot((*MALE_GIVEN, *COMPOUND_GIVEN_MALE), GIVEN_SHIFT),
                "female": zipf_mandelbrot((*FEMALE_GIVEN, *COMPOUND_GIVEN_FEMALE),
                                          GIVEN_SHIFT)}

    def draw(self, rng: np.random.Generator, male: bool) -> tuple[str, str, str, str]:
        given = self._tables["male" if male else "female"].draw(rng)
        family = self._tables["family"].draw(rng)
        if rng.random() < DOUBLE_NAME_SHARE:
            place = self._tables["place"].draw(rng)
            if place[0] != family[0]:
                family = (f"{family[0]} {place[0]}", f"{family[1]} {place[1]}")
        return given[0], family[0], given[1], family[1]


NATIONAL_NAMES = NationalNames()
