"""Synthetic registries with known duplicates, built the way real ones arise.

The Ashraf scenario's people are registered once each; then a share of cases is registered
again: in Persian script, or in another Latin spelling convention (French ``ch``/``dj``/``ou``,
BGN ``u``/``q``), with a compound name split, a typo, a date of birth converted from the Persian
calendar by hand, set to 1 January, or with day and month swapped; a family may come back in
pieces (some members only, under a new case). The truth (which records are one person) is
returned beside the registry so a benchmark can count what deduplication finds and misses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import jdatetime
import numpy as np

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.simulation.ashraf import DEFAULT_CONFIG, generate_ashraf


@dataclass(frozen=True)
class DuplicateNoise:
    """How often each kind of difference appears in a re-registration (shares, 0 to 1)."""

    duplicate_share: float = 0.10  # of persons registered twice
    persian_script: float = 0.30
    spelling_convention: float = 0.50
    compound_split: float = 0.30
    typo: float = 0.15
    jalali_by_hand: float = 0.10
    placeholder: float = 0.08
    day_month_swap: float = 0.04
    family_in_pieces: float = 0.50  # of re-registered families: only some members come back


@dataclass(frozen=True)
class SyntheticRegistry:
    cases: tuple[Case, ...]
    truth: dict[str, str]  # person id -> the id of the person as first registered
    persian_script_ids: frozenset[str]  # re-registrations written in Persian script

    @property
    def persons(self) -> list[Person]:
        return [member for case in self.cases for member in case.members]


# (pattern, replacement) rewrites of each spelling convention.
CONVENTIONS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("sh", "ch"), ("j", "dj"), ("(?<=[aeiou])s(?=[aeiou])", "ss"), ("ei", "ey")),  # French
    (("ou", "u"), ("gh", "q"), ("ei", "ey"), ("eh$", "a")),  # BGN-like
    (("ou", "oo"), ("ee", "i"), ("(?<=[^aeiou])e(?=[^aeiou]+$)", "a"), ("h$", "")),  # English
    (("([bcdfghjklmnpqrstvz])\\1", "\\1"), ("o", "u"), ("e", "i")),  # vowels and doubles
)
COMPOUND = re.compile(r"^(gholam|abdol|mohammad|ali)(?=\w{3,})", re.IGNORECASE)


def generate_registry_with_duplicates(seed: int, population: int,
                                      noise: DuplicateNoise = DuplicateNoise(), *,
                                      national_names: bool = False) -> SyntheticRegistry:
    """About ``population`` first registrations plus their re-registrations, and the truth;
    ``national_names``: names as a national registry holds them, not the camp's few dozen."""
    rng = np.random.default_rng(seed)
    batch = generate_ashraf(seed, replace(DEFAULT_CONFIG, population=population,
                                          national_names=national_names))
    truth = {m.person_id: m.person_id for case in batch.cases for m in case.members}
    cases = list(batch.cases)
    persian: set[str] = set()
    for case in batch.cases:
        if rng.random() >= noise.duplicate_share:
            continue
        members = list(case.members)
        if len(members) > 1 and rng.random() < noise.family_in_pieces:
            keep = int(rng.integers(1, len(members)))
            members = [members[i] for i in sorted(rng.choice(len(members), keep, replace=False))]
        new_case_id = f"DUP-{len(cases) + 1:06d}"
        copies = []
        for index, member in enumerate(members, start=1):
            copy = reregister(rng, member, f"{new_case_id}-{index:02d}", noise)
            truth[copy.person_id] = member.person_id
            if copy.given_name and copy.given_name == member.given_name_original:
                persian.add(copy.person_id)
            copies.append(copy)
        cases.append(replace(case, case_id=new_case_id, members=tuple(copies),
                             principal_id=copies[0].person_id))
    return SyntheticRegistry(tuple(cases), truth, frozenset(persian))


def reregister(rng: np.random.Generator, person: Person, person_id: str,
               noise: DuplicateNoise) -> Person:
    """The same person registered again, with the noise of a second registration."""
    if rng.random() < noise.persian_script and person.given_name_original:
        given, family = person.given_name_original, person.family_name_original
        given_original = family_original = ""
    else:
        given, family = person.given_name, person.family_name
        if rng.random() < noise.spelling_convention:
            convention = CONVENTIONS[int(rng.integers(len(CONVENTIONS)))]
            given, family = respell(given, convention), respell(family, convention)
        if rng.random() < noise.compound_split:
            given = COMPOUND.sub(lambda m: m.group(1) + " ", given)
        if rng.random() < noise.typo:
            given, family = (typo(rng, given), family) if rng.random() < 0.5 else (
                given, typo(rng, family))
        keep_original = rng.random() < 0.5
        given_original = person.given_name_original if keep_original else ""
        family_original = person.family_name_original if keep_original else ""
    return replace(person, person_id=person_id, case_id=person_id.rsplit("-", 1)[0],
                   given_name=given, family_name=family, given_name_original=given_original,
                   family_name_original=family_original,
                   birth_date=noisy_birth_date(rng, person.birth_date, noise))


def respell(name: str, convention: tuple[tuple[str, str], ...]) -> str:
    text = name.lower()
    for pattern, replacement in convention:
        text = re.sub(pattern, replacement, text)
    return text.capitalize() if text else name


def typo(rng: np.random.Generator, name: str) -> str:
    """One keyboard slip: a letter dropped, doubled or two letters swapped."""
    if len(name) < 4:
        return name
    at = int(rng.integers(1, len(name) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return name[:at] + name[at + 1:]
    if kind == 1:
        return name[:at] + name[at] + name[at:]
    return name[:at - 1] + name[at] + name[at - 1] + name[at + 1:]


def noisy_birth_date(rng: np.random.Generator, day: date, noise: DuplicateNoise) -> date:
    draw = rng.random()
    if draw < noise.jalali_by_hand:
        jalali = jdatetime.date.fromgregorian(date=day)
        try:
            return date(jalali.year + 621, jalali.month, jalali.day)
        except ValueError:
            return day
    draw -= noise.jalali_by_hand
    if draw < noise.placeholder:
        return date(day.year, 1, 1)
    draw -= noise.placeholder
    if draw < noise.day_month_swap and day.day <= 12:
        return date(day.year, day.day, day.month)
    return day
