"""Hypothesis strategies for dossier tests: cases whose every field carries a traceable token.

Each free-text value holds a token unique to its field, case and member (``zq<tag><k>x<m>``,
no underscore: the page prints underscores as spaces), so finding a token in a dossier, page
or PDF proves which field it came from. Names in own script carry a token of Persian letters.
Values may end in characters HTML must escape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

from hypothesis import strategies as st

from resettle.core import (
    Case,
    DatePrecision,
    EducationLevel,
    LanguageSkill,
    MedicalCondition,
    Person,
    Proficiency,
    Relative,
    Severity,
    Sex,
)
from resettle.core.status import Category, Priority
from resettle.referral.fields import CATALOGUE, REQUIRED_FIELDS
from resettle.simulation.names import FAMILY, FEMALE_GIVEN, MALE_GIVEN

ON = date(2015, 6, 30)  # the Ashraf snapshot day; registration dates end before it
NEEDS = ("wheelchairuser", "singleparent", "survivorzq", "traumacare", "elderly")
ESCAPES = ("", "<i>", "&amp;", '"q"', "'")
# Digits written as Persian letters: a token of letters only stays one right-to-left run, which
# a PDF's text layer gives back in reading order (digits inside would be reordered).
PERSIAN_LETTERS = str.maketrans("0123456789", "ابپتثجچحخد")
RELATIONS = ("spouse", "child", "parent", "sibling", "other_relative")


def token(tag: str, k: int, m: int = 0) -> str:
    return f"zq{tag}{k}x{m}"


def persian_token(name: str, marker: str, k: int, m: int) -> str:
    return f"{name} {marker}{f'{k}0{m}'.translate(PERSIAN_LETTERS)}"


@st.composite
def members(draw: st.DrawFn, case_id: str, k: int, m: int) -> Person:
    male = draw(st.booleans())
    given = draw(st.sampled_from(MALE_GIVEN if male else FEMALE_GIVEN))
    family = draw(st.sampled_from(FAMILY))
    suffix = draw(st.sampled_from(ESCAPES))
    n_cond = draw(st.integers(0, 2))
    return Person(
        person_id=f"{case_id}-{m + 1}", case_id=case_id,
        given_name=f"{given[0]} {token('gn', k, m)}{suffix}",
        family_name=f"{family[0]} {token('fn', k, m)}",
        given_name_original=persian_token(given[1], "ژ", k, m),
        family_name_original=persian_token(family[1], "ش", k, m),
        sex=Sex.MALE if male else Sex.FEMALE,
        birth_date=draw(st.dates(date(1940, 1, 1), date(2010, 12, 31))),
        birth_date_precision=draw(st.sampled_from(DatePrecision)),
        nationality="IRN", relationship="principal" if m == 0 else draw(st.sampled_from(RELATIONS)),
        languages=(LanguageSkill("fas", Proficiency.NATIVE),),
        education=draw(st.sampled_from(EducationLevel)),
        occupation=token("occ", k, m) + suffix,
        skills=tuple(token(f"skill{s}", k, m) for s in range(draw(st.integers(0, 2)))),
        medical_conditions=tuple(
            MedicalCondition(token(f"med{c}", k, m), draw(st.sampled_from(Severity)),
                             (token(f"svc{c}", k, m),))
            for c in range(n_cond)),
        specific_needs=tuple(f"{need}{token('need', k, m)}"
                             for need in draw(st.lists(st.sampled_from(NEEDS), max_size=2,
                                                       unique=True))),
        relatives=tuple(Relative(token(f"relname{r}", k, m), "sibling", "DEU")
                        for r in range(draw(st.integers(0, 2)))),
        feared_countries=("IRQ",),
        profiles=tuple(token("prof", k, m) for _ in range(draw(st.integers(0, 1)))),
    )


@st.composite
def dossier_cases(draw: st.DrawFn, k: int) -> Case:
    case_id = f"CASE{k}"
    size = draw(st.integers(1, 4))
    people = tuple(draw(members(case_id, k, m)) for m in range(size))
    return Case(
        case_id=case_id, principal_id=people[0].person_id, members=people,
        processing_priority=draw(st.sampled_from(Priority)),
        primary_category=draw(st.none() | st.sampled_from(Category)),
        secondary_category=draw(st.none() | st.sampled_from(Category)),
        registered_on=draw(st.none() | st.dates(date(2011, 1, 1), date(2015, 6, 29))),
    )


def case_lists(max_cases: int = 6) -> st.SearchStrategy[list[Case]]:
    return st.integers(1, max_cases).flatmap(
        lambda n: st.tuples(*(dossier_cases(k) for k in range(n))).map(list))


# Any allow-list an agreement could hold: the required fields plus any others.
allow_lists = st.frozensets(st.sampled_from(sorted(CATALOGUE))).map(lambda f: f | REQUIRED_FIELDS)


def traces(case: Case) -> Iterator[tuple[str, frozenset[str]]]:
    """(text that may only appear if one of these fields is allowed, those fields)."""
    one = frozenset
    if case.registered_on is not None:
        yield case.registered_on.isoformat(), one({"registered_on"})
    for member in case.members:
        yield _token_in(member.given_name), one({"given_name"})
        yield _token_in(member.family_name), one({"family_name"})
        yield member.given_name_original, one({"given_name_original"})
        yield member.family_name_original, one({"family_name_original"})
        yield member.birth_date.isoformat(), one({"birth_date"})
        yield _token_in(member.occupation), one({"occupation"})
        yield from ((s, one({"skills"})) for s in member.skills)
        for condition in member.medical_conditions:
            yield condition.name, one({"medical_conditions"})
            yield condition.services[0], one({"medical_conditions", "services_needed"})
        for need in member.specific_needs:
            field = "sensitive_needs" if need.startswith(("survivor", "trauma")) \
                else "specific_needs"
            yield need, one({field})
        yield from ((r.name, one({"relatives"})) for r in member.relatives)
        yield from ((p, one({"profiles"})) for p in member.profiles)


def _token_in(text: str) -> str:
    found = re.search(r"zq[a-z]+\d+x\d+", text)
    assert found is not None
    return found.group()


def leaks(text: str, cases: list[Case], allowed: frozenset[str]) -> list[str]:
    """Every traced value of a field outside ``allowed`` found in ``text``."""
    return [f"{fields_}: {value}" for case in cases for value, fields_ in traces(case)
            if not fields_ & allowed and value in text]


def labels_outside(allowed: frozenset[str]) -> Mapping[str, str]:
    return {spec.label: name for name, spec in CATALOGUE.items() if name not in allowed}
