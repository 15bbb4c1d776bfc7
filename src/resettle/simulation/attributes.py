"""Seeded draws of one resident's attributes: languages, education, work, health, relatives.

Prevalences are defaults chosen to match DOMAIN.md's description of the Ashraf population
(an educated, ageing adult population with many medical needs and relatives in Europe and
North America); docs/scenario.md lists each assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from resettle.core import (
    EducationLevel,
    LanguageSkill,
    MedicalCondition,
    Proficiency,
    Relative,
    Severity,
)
from resettle.simulation.names import FAMILY, FEMALE_GIVEN, MALE_GIVEN
from resettle.simulation.national_names import NATIONAL_NAMES
from resettle.simulation.sampling import Weighted, chance, pick, sample_distinct

E = EducationLevel
S = Severity
P = Proficiency

# Mother tongue besides Persian (Iran's minorities were represented in the camp).
MINORITY_LANGUAGE = Weighted.of({None: 0.80, "azb": 0.10, "ckb": 0.035, "kmr": 0.025,
                                 "glk": 0.015, "mzn": 0.015, "lrc": 0.01})


def _levels(basic: float, intermediate: float, fluent: float) -> Weighted[Proficiency]:
    return Weighted.of({P.BASIC: basic, P.INTERMEDIATE: intermediate, P.FLUENT: fluent})


# (code, share of adults who speak it, proficiency)
SECOND_LANGUAGES: tuple[tuple[str, float, Weighted[Proficiency]], ...] = (
    ("eng", 0.32, _levels(0.5, 0.35, 0.15)),
    ("ara", 0.35, _levels(0.55, 0.35, 0.10)),  # decades in Iraq
    ("fra", 0.04, _levels(0.6, 0.3, 0.1)),
    ("deu", 0.03, _levels(0.6, 0.3, 0.1)),
    ("tur", 0.02, _levels(0.5, 0.3, 0.2)),
)
EDUCATION = Weighted.of({E.NONE: 0.02, E.PRIMARY: 0.08, E.SECONDARY: 0.33, E.VOCATIONAL: 0.17,
                         E.UNIVERSITY: 0.32, E.POSTGRADUATE: 0.08})
_RANK = {level: rank for rank, level in enumerate(EducationLevel)}


@dataclass(frozen=True)
class Occupation:
    name: str
    min_education: EducationLevel
    weight: float
    skills: tuple[str, ...]


OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("engineer", E.UNIVERSITY, 3, ("civil engineering", "electrical engineering",
                                             "project management", "technical drawing")),
    Occupation("physician", E.POSTGRADUATE, 1, ("general medicine", "emergency care")),
    Occupation("nurse", E.VOCATIONAL, 2, ("nursing", "first aid", "elderly care")),
    Occupation("pharmacist", E.UNIVERSITY, 0.5, ("pharmacy", "stock management")),
    Occupation("teacher", E.UNIVERSITY, 2, ("teaching", "curriculum design", "tutoring")),
    Occupation("accountant", E.UNIVERSITY, 1.5, ("bookkeeping", "accounting software")),
    Occupation("translator", E.UNIVERSITY, 1, ("translation", "interpreting")),
    Occupation("economist", E.POSTGRADUATE, 0.5, ("economics", "statistics")),
    Occupation("journalist", E.UNIVERSITY, 1, ("writing", "editing", "photography")),
    Occupation("IT technician", E.VOCATIONAL, 2, ("networking", "computer repair",
                                                  "programming")),
    Occupation("electrician", E.VOCATIONAL, 2, ("electrical wiring", "generator maintenance")),
    Occupation("mechanic", E.PRIMARY, 3, ("vehicle repair", "diesel engines", "welding")),
    Occupation("welder", E.PRIMARY, 1.5, ("welding", "metalwork")),
    Occupation("carpenter", E.PRIMARY, 1.5, ("carpentry", "furniture making")),
    Occupation("construction worker", E.NONE, 2, ("masonry", "bricklaying", "tiling")),
    Occupation("plumber", E.PRIMARY, 1, ("plumbing", "water systems")),
    Occupation("driver", E.PRIMARY, 2, ("heavy vehicle driving", "logistics")),
    Occupation("cook", E.NONE, 2, ("cooking", "catering for large groups")),
    Occupation("baker", E.NONE, 1, ("baking",)),
    Occupation("tailor", E.PRIMARY, 1.5, ("tailoring", "sewing")),
    Occupation("farmer", E.NONE, 1.5, ("agriculture", "irrigation", "livestock")),
    Occupation("administrative clerk", E.SECONDARY, 3, ("office administration", "data entry")),
    Occupation("shopkeeper", E.PRIMARY, 1, ("retail", "stock management")),
    Occupation("musician", E.SECONDARY, 0.5, ("music", "sound engineering")),
    Occupation("graphic designer", E.SECONDARY, 1, ("graphic design", "painting")),
    Occupation("logistics coordinator", E.SECONDARY, 1.5, ("warehousing", "logistics")),
    Occupation("social worker", E.UNIVERSITY, 1, ("counselling", "case management")),
)
GENERAL_SKILLS = ("first aid", "computer literacy", "driving", "cooking", "sports coaching")


@dataclass(frozen=True)
class ConditionSpec:
    name: str
    services: tuple[str, ...]
    severity: Weighted[Severity]
    specific_needs: tuple[str, ...] = ()


def _sev(mild: float, moderate: float, severe: float, critical: float) -> Weighted[Severity]:
    return Weighted.of({S.MILD: mild, S.MODERATE: moderate, S.SEVERE: severe,
                        S.CRITICAL: critical})


CHRONIC = Weighted.of([
    (ConditionSpec("hypertension", (), _sev(0.5, 0.4, 0.1, 0)), 0.30),
    (ConditionSpec("type 2 diabetes", (), _sev(0.4, 0.45, 0.15, 0)), 0.20),
    (ConditionSpec("coronary heart disease", ("cardiology",), _sev(0, 0.5, 0.4, 0.1)), 0.13),
    (ConditionSpec("chronic kidney disease", ("dialysis",), _sev(0, 0, 0.7, 0.3)), 0.04),
    (ConditionSpec("cancer", ("oncology",), _sev(0, 0.2, 0.6, 0.2)), 0.06),
    (ConditionSpec("chronic obstructive pulmonary disease", (), _sev(0.4, 0.4, 0.2, 0)), 0.07),
    (ConditionSpec("chronic musculoskeletal pain", ("physiotherapy",), _sev(0.5, 0.4, 0.1, 0)),
     0.20),
])
# Injuries of the attacks on the camps: 8 Apr 2011 raid, 9 Feb 2013 mortar attack on Liberty,
# 1 Sep 2013 attack on Ashraf (DOMAIN.md).
EVENTS = ("April 2011 raid", "February 2013 mortar attack", "September 2013 attack")
INJURY = Weighted.of([
    (ConditionSpec("gunshot wound sequelae", ("trauma_care", "physiotherapy"),
                   _sev(0.2, 0.45, 0.3, 0.05)), 0.40),
    (ConditionSpec("shrapnel injury", ("trauma_care",), _sev(0.3, 0.45, 0.2, 0.05)), 0.35),
    (ConditionSpec("lower-limb amputation", ("physiotherapy",), _sev(0, 0.3, 0.6, 0.1),
                   ("mobility_impairment",)), 0.12),
    (ConditionSpec("spinal cord injury", ("trauma_care", "physiotherapy"),
                   _sev(0, 0, 0.7, 0.3), ("wheelchair_user",)), 0.05),
    (ConditionSpec("traumatic brain injury", ("trauma_care", "mental_health"),
                   _sev(0.2, 0.4, 0.3, 0.1)), 0.08),
])
MENTAL = Weighted.of([
    (ConditionSpec("post-traumatic stress disorder", ("mental_health",),
                   _sev(0.3, 0.45, 0.22, 0.03)), 0.65),
    (ConditionSpec("depression", ("mental_health",), _sev(0.35, 0.45, 0.18, 0.02)), 0.35),
])
EVENT = Weighted.of({EVENTS[0]: 0.5, EVENTS[1]: 0.3, EVENTS[2]: 0.2})
SHARE_INJURED = 0.08
SHARE_MENTAL = 0.14
SHARE_TORTURE_SURVIVOR = 0.06  # imprisoned in Iran before leaving
SHARE_OTHER_MOBILITY = 0.015

RELATIVE_COUNTRY = Weighted.of({"DEU": 0.17, "GBR": 0.13, "FRA": 0.12, "SWE": 0.12,
                                "CAN": 0.10, "USA": 0.10, "NLD": 0.07, "NOR": 0.05,
                                "DNK": 0.04, "BEL": 0.03, "AUS": 0.03, "ITA": 0.02,
                                "FIN": 0.01, "CHE": 0.01})
RELATIONS = ("sibling", "sibling", "child", "cousin", "parent", "uncle_or_aunt",
             "former_spouse")
RELATIVE_COUNT = Weighted.of({1: 0.6, 2: 0.3, 3: 0.1})


def draw_languages(rng: np.random.Generator, adult: bool,
                   education: EducationLevel) -> tuple[LanguageSkill, ...]:
    skills = [LanguageSkill("fas", P.NATIVE)]
    minority = MINORITY_LANGUAGE.draw(rng)
    if minority is not None:
        skills.append(LanguageSkill(minority, P.NATIVE))
    # Schooling raises the odds of a foreign language; children learnt less in the camp.
    boost = 0.5 + _RANK[education] / 4 if adult else 0.4
    for code, share, level in SECOND_LANGUAGES:
        if chance(rng, min(share * boost, 0.9)):
            skills.append(LanguageSkill(code, level.draw(rng)))
    return tuple(skills)


def draw_education(rng: np.random.Generator, age: int) -> EducationLevel:
    if age < 7:
        return E.NONE
    if age < 13:
        return E.PRIMARY
    if age < 19:
        return E.SECONDARY if age >= 15 else E.PRIMARY
    return EDUCATION.draw(rng)


def draw_work(rng: np.random.Generator, age: int,
              education: EducationLevel) -> tuple[str, tuple[str, ...]]:
    """Occupation (the one held before or in the camp) and two or three skills."""
    if age < 18:
        return ("student" if age >= 6 else ""), ()
    rank = _RANK[education]
    fitting = [o for o in OCCUPATIONS if rank - 3 <= _RANK[o.min_education] <= rank]
    occupation = Weighted.of([(o, o.weight) for o in fitting]).draw(rng)
    skills = sample_distinct(rng, occupation.skills, 1 + int(rng.integers(2)))
    if chance(rng, 0.4):
        skills = (*skills, pick(rng, GENERAL_SKILLS))
    name = f"retired {occupation.name}" if age >= 67 else occupation.name
    return name, tuple(dict.fromkeys(skills))


def _condition(rng: np.random.Generator, spec: ConditionSpec,
               suffix: str = "") -> MedicalCondition:
    name = f"{spec.name} ({suffix})" if suffix else spec.name
    return MedicalCondition(name, spec.severity.draw(rng), spec.services)


def draw_health(rng: np.random.Generator,
                age: int) -> tuple[tuple[MedicalCondition, ...], tuple[str, ...]]:
    """Medical conditions and specific needs. Chronic illness grows with age."""
    conditions: list[MedicalCondition] = []
    needs: list[str] = []
    chronic_share = min(0.05 + 0.008 * max(age - 25, 0), 0.6)
    if age >= 18 and chance(rng, chronic_share):
        conditions.append(_condition(rng, CHRONIC.draw(rng)))
    if age >= 14 and chance(rng, SHARE_INJURED):
        spec = INJURY.draw(rng)
        conditions.append(_condition(rng, spec, EVENT.draw(rng)))
        needs.extend(spec.specific_needs)
    if chance(rng, SHARE_MENTAL):
        conditions.append(_condition(rng, MENTAL.draw(rng)))
    if age >= 30 and chance(rng, SHARE_TORTURE_SURVIVOR):
        needs.append("survivor_of_torture")
    if age >= 55 and chance(rng, SHARE_OTHER_MOBILITY * 3):
        needs.append(pick(rng, ("mobility_impairment", "wheelchair_user", "visual_impairment")))
    if age >= 60:
        needs.append("older_person")
    if any(c.severity.needs_medical_place for c in conditions):
        needs.append("serious_medical_condition")
    return tuple(conditions), tuple(dict.fromkeys(needs))


def draw_persian_name(rng: np.random.Generator, male: bool, *, national: bool = False,
                      ) -> tuple[str, str, str, str]:
    """(given, family, given in Persian script, family in Persian script): from the camp's
    lists, or as a national registry holds them (``national_names.py``)."""
    if national:
        return NATIONAL_NAMES.draw(rng, male)
    given = pick(rng, MALE_GIVEN if male else FEMALE_GIVEN)
    family = pick(rng, FAMILY)
    return given[0], family[0], given[1], family[1]


def draw_relatives(rng: np.random.Generator, share: float, age: int, *,
                   national: bool = False) -> tuple[Relative, ...]:
    if not chance(rng, share):
        return ()
    relatives = []
    for _ in range(RELATIVE_COUNT.draw(rng)):
        relation = pick(rng, RELATIONS)
        if relation == "child" and age < 35:
            relation = "sibling"
        given, family, _, _ = draw_persian_name(rng, chance(rng, 0.5), national=national)
        relatives.append(Relative(f"{given} {family}", relation, RELATIVE_COUNTRY.draw(rng),
                                  contact_established=chance(rng, 0.45)))
    return tuple(relatives)
