"""Large random registry batches for scale tests (placement, import, database).

Vectorised with numpy: draws are made for all persons at once, then frozen records are built
in one pass. Not a model of any real operation; hosts never include an origin country.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from resettle.core import (
    Case,
    CaseStatus,
    Dimension,
    LanguageSkill,
    Locality,
    MedicalCondition,
    Person,
    Pledge,
    PledgeCriteria,
    Proficiency,
    RegistryBatch,
    Relative,
    Severity,
    Sex,
)
from resettle.core.case import LARGE_FAMILY_SIZE
from resettle.errors import BadParameterError
from resettle.simulation.ashraf_config import SERVICES

# Origin -> native language. Hosts below never overlap these (non-refoulement by construction).
ORIGINS = (("SYR", "ara"), ("AFG", "prs"), ("COD", "swa"), ("SSD", "din"), ("ERI", "tir"),
           ("SOM", "som"), ("MMR", "rhg"), ("IRQ", "ckb"), ("IRN", "fas"), ("SDN", "apd"))
ORIGIN_WEIGHTS = (0.25, 0.18, 0.14, 0.08, 0.07, 0.07, 0.07, 0.06, 0.04, 0.04)
HOSTS = (("USA", "eng"), ("CAN", "eng"), ("DEU", "deu"), ("SWE", "swe"), ("NOR", "nob"),
         ("GBR", "eng"), ("FRA", "fra"), ("NLD", "nld"), ("AUS", "eng"), ("FIN", "fin"),
         ("DNK", "dan"), ("BEL", "fra"), ("IRL", "eng"), ("NZL", "eng"), ("CHE", "deu"),
         ("ESP", "spa"), ("ITA", "ita"), ("PRT", "por"), ("BRA", "por"), ("ARG", "spa"))
GIVEN_MALE = ("Ahmad", "Omar", "Yusuf", "Ali", "Hassan", "Jean", "Pierre", "Abdi", "Mohamed",
              "Karim", "Samir", "Tesfay", "Deng", "Aung", "Reza", "Farid", "Nabil", "Idris")
GIVEN_FEMALE = ("Amina", "Fatima", "Mariam", "Layla", "Hawa", "Grace", "Esther", "Nadia",
                "Sara", "Huda", "Aster", "Achol", "Khin", "Zahra", "Salma", "Rania", "Noor")
FAMILY = ("Haddad", "Rahimi", "Mbala", "Kuol", "Tesfaye", "Warsame", "Hussein", "Karimi",
          "Osman", "Ibrahim", "Kabila", "Ngoy", "Abdullah", "Hakimi", "Barzani", "Saleh")
# Every one needs a medical place (severe or critical).
CONDITIONS = (
    MedicalCondition("chronic kidney disease", Severity.SEVERE, ("dialysis",)),
    MedicalCondition("cancer", Severity.SEVERE, ("oncology",)),
    MedicalCondition("war injury", Severity.SEVERE, ("trauma_care", "physiotherapy")),
    MedicalCondition("post-traumatic stress disorder", Severity.SEVERE, ("mental_health",)),
    MedicalCondition("heart failure", Severity.CRITICAL, ("cardiology",)),
)
CONDITION_WEIGHTS = (0.1, 0.12, 0.3, 0.33, 0.15)
DIMENSIONS = tuple(Dimension)


def generate_random(n_cases: int, n_localities: int, seed: int, *, mean_case_size: float = 3.3,
                    capacity_ratio: float = 1.05, as_of: date = date(2024, 1, 1),
                    status: CaseStatus = CaseStatus.READY_FOR_REFERRAL,
                    share_medical: float = 0.06) -> RegistryBatch:
    """``n_cases`` cases (about ``mean_case_size`` persons each) and ``n_localities``
    localities whose capacity is ``capacity_ratio`` times the demand in every dimension."""
    if n_cases < 1 or n_localities < 1:
        raise BadParameterError("generate_random needs at least one case and one locality")
    rng = np.random.default_rng(seed)
    sizes = np.minimum(1 + rng.poisson(max(mean_case_size - 1, 0), n_cases), 12)
    if (as_of.month, as_of.day) == (2, 29):
        as_of = date(as_of.year, 2, 28)  # so that every birthday exists in every year
    cases, demand = _build_cases(rng, sizes, as_of, status, share_medical)
    localities = _build_localities(rng, demand, n_localities, capacity_ratio)
    return RegistryBatch(cases, localities, _build_pledges(localities, as_of))


def _member_ages(rng: np.random.Generator, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ages and member index: principal adult, second member a spouse, the rest children."""
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    index = np.arange(int(sizes.sum())) - starts
    principal_age = np.repeat(np.clip(rng.normal(37, 11, len(sizes)), 18, 85), sizes)
    spouse_age = np.clip(principal_age + rng.normal(-2, 4, len(index)), 18, 90)
    child_age = rng.uniform(0, np.clip(principal_age - 16, 1, 24))
    ages = np.where(index == 0, principal_age, np.where(index == 1, spouse_age, child_age))
    return ages.astype(int), index


def _build_cases(rng: np.random.Generator, sizes: np.ndarray, as_of: date, status: CaseStatus,
                 share_medical: float) -> tuple[tuple[Case, ...], np.ndarray]:
    """The cases, and their total demand per dimension (computed on the arrays)."""
    columns = _draw_columns(rng, sizes, share_medical)
    members = _build_members(columns, len(sizes), as_of)
    cases = tuple(
        Case(f"RC{c + 1:07d}", people[0].person_id, tuple(people), status=status,
             registered_on=as_of)
        for c, people in enumerate(members)
    )
    return cases, _demand(columns, sizes)


def _draw_columns(rng: np.random.Generator, sizes: np.ndarray,
                  share_medical: float) -> dict[str, np.ndarray]:
    """One array per attribute, one entry per person (``family`` is per case)."""
    n = int(sizes.sum())
    ages, index = _member_ages(rng, sizes)
    case_of = np.repeat(np.arange(len(sizes)), sizes)
    origin = rng.choice(len(ORIGINS), size=len(sizes), p=ORIGIN_WEIGHTS)[case_of]
    male = np.where(index == 1, rng.random(n) < 0.1, rng.random(n) < 0.5)
    return {
        "age": ages, "index": index, "case": case_of, "origin": origin, "male": male,
        "given": rng.integers(0, 1000, n), "family": rng.integers(0, len(FAMILY), len(sizes)),
        "days": rng.integers(0, 365, n), "english": rng.random(n) < 0.25,
        "medical": np.where(rng.random(n) < share_medical,
                            rng.choice(len(CONDITIONS), size=n, p=CONDITION_WEIGHTS), -1),
        "wheelchair": rng.random(n) < 0.01, "relative": rng.random(n) < 0.15,
        "host": rng.integers(0, len(HOSTS), n),
    }


def _build_members(columns: dict[str, np.ndarray], n_cases: int,
                   as_of: date) -> list[list[Person]]:
    col = {key: value.tolist() for key, value in columns.items()}  # Python scalars: faster
    members: list[list[Person]] = [[] for _ in range(n_cases)]
    for i, c in enumerate(col["case"]):
        case_id = f"RC{c + 1:07d}"
        nationality, language = ORIGINS[col["origin"][i]]
        given = GIVEN_MALE if col["male"][i] else GIVEN_FEMALE
        languages = [LanguageSkill(language, Proficiency.NATIVE)]
        if col["english"][i]:
            languages.append(LanguageSkill("eng", Proficiency.INTERMEDIATE))
        condition = col["medical"][i]
        members[c].append(Person(
            person_id=f"{case_id}-{col['index'][i] + 1}", case_id=case_id,
            given_name=given[col["given"][i] % len(given)],
            family_name=FAMILY[col["family"][c]],
            sex=Sex.MALE if col["male"][i] else Sex.FEMALE,
            birth_date=as_of.replace(year=as_of.year - col["age"][i])
            - timedelta(days=col["days"][i]),
            nationality=nationality,
            relationship=_RELATIONSHIPS[min(col["index"][i], 2)],
            languages=tuple(languages),
            medical_conditions=() if condition < 0 else (CONDITIONS[condition],),
            specific_needs=("wheelchair_user",) if col["wheelchair"][i] else (),
            relatives=(Relative("relative", "sibling", HOSTS[col["host"][i]][0]),)
            if col["relative"][i] else (),
        ))
    return members


def _demand(columns: dict[str, np.ndarray], sizes: np.ndarray) -> np.ndarray:
    """Total demand per dimension, as ``Case.needs`` would sum it (tests check they agree)."""
    ages = columns["age"]
    accessible = np.bincount(columns["case"], weights=columns["wheelchair"],
                             minlength=len(sizes)) > 0
    demand = {
        Dimension.PERSONS: int(sizes.sum()),
        Dimension.LARGE_FAMILY_UNITS: int((sizes >= LARGE_FAMILY_SIZE).sum()),
        Dimension.MEDICAL_PLACES: int((columns["medical"] >= 0).sum()),
        Dimension.ACCESSIBLE_UNITS: int(accessible.sum()),
        Dimension.SCHOOL_PLACES: int(((ages >= 5) & (ages <= 17)).sum()),
    }
    return np.array([demand[d] for d in DIMENSIONS], dtype=np.int64)


_RELATIONSHIPS = ("principal", "spouse", "child")


def _build_localities(rng: np.random.Generator, demand: np.ndarray, n_localities: int,
                      capacity_ratio: float) -> tuple[Locality, ...]:
    shares = rng.dirichlet(np.full(n_localities, 2.0))
    # Ceil, so that every dimension's capacity is at least ratio x demand in total.
    capacity = np.ceil(np.outer(shares, demand * capacity_ratio)).astype(int)
    capacity[:, 0] = np.maximum(capacity[:, 0], 1)
    hosts = rng.integers(0, len(HOSTS), n_localities).tolist()
    offered = (rng.random((n_localities, len(SERVICES))) < 0.7).tolist()
    urban = (rng.random(n_localities) < 0.7).tolist()
    capacity_l = capacity.tolist()
    return tuple(
        Locality(
            locality_id=f"RL{j + 1:05d}", country=HOSTS[hosts[j]][0], name=f"Locality {j + 1}",
            services=frozenset(s for s, on in zip(SERVICES, offered[j], strict=True) if on),
            capacity=dict(zip(DIMENSIONS, capacity_l[j], strict=True)),
            languages=(HOSTS[hosts[j]][1],), urban=urban[j],
        )
        for j in range(n_localities)
    )


def _build_pledges(localities: tuple[Locality, ...], as_of: date) -> tuple[Pledge, ...]:
    places: dict[str, int] = {}
    for loc in localities:
        places[loc.country] = places.get(loc.country, 0) + loc.capacity_in(Dimension.PERSONS)
    end = date(as_of.year, 12, 31)
    return tuple(
        Pledge(f"RP-{country}", country, as_of, end, total, PledgeCriteria())
        for country, total in sorted(places.items())
    )
