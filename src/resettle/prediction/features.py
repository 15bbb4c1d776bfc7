"""Case and locality features as arrays, and the case x locality pair features models read.

One feature builder serves history files, synthetic worlds and live registry cases: each source
is turned into a :class:`CaseTable` and a :class:`LocalityTable` (plain arrays, one row per case
or locality), and :func:`build_pair_features` turns any list of (case, locality) pairs into the
model matrix. Column 0 of that matrix is the locality's code (its index in the training
localities, -1 when unseen) so per-locality models can group on it.

Vocabularies are fixed so a model trained on one operation scores another: a language, sector
or service outside them is ignored (languages, sectors) or counts as "other" (services).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from resettle.core import Case, EducationLevel, Locality, Proficiency, Sex

LANGUAGES = (
    "ara", "fas", "kur", "prs", "pus", "som", "tir", "urd", "tur",
    "eng", "fra", "deu", "sqi", "swe", "nld", "spa", "ita",
)  # fmt: skip
SECTORS = (
    "agriculture", "construction", "manufacturing", "hospitality", "care",
    "health", "education", "it", "trade", "transport",
)  # fmt: skip
SERVICES = ("dialysis", "oncology", "trauma_care", "mental_health", "mobility_support", "other")
EDUCATION_ORDER = tuple(EducationLevel)  # none .. postgraduate -> 0..5
PROFICIENCY_LEVEL = {
    Proficiency.BASIC: 1,
    Proficiency.INTERMEDIATE: 2,
    Proficiency.FLUENT: 3,
    Proficiency.NATIVE: 4,
}
DEFAULT_UNEMPLOYMENT = 0.08  # used where a locality's rate is unknown

CASE_COLUMNS = ("female", "age_years", "case_size", "adults", "children", "education", "sector")
LANGUAGE_COLUMNS = tuple(f"lang_{code}" for code in LANGUAGES)
LOCALITY_COLUMNS = ("urban", "unemployment_rate", "n_services", "n_sectors_in_demand")
INTERACTION_COLUMNS = (
    "local_language_level",
    "relatives_in_country",
    "medical_need",
    "medical_unmet",
    "sector_in_demand",
)
FEATURE_NAMES = (
    "locality_code",
    *CASE_COLUMNS,
    *LANGUAGE_COLUMNS,
    *LOCALITY_COLUMNS,
    *INTERACTION_COLUMNS,
)
LOCALITY_CODE_COLUMN = 0


@dataclass(frozen=True, eq=False)
class CaseTable:
    """One row per case: the principal applicant's profile plus household facts."""

    case_ids: tuple[str, ...]
    female: NDArray[np.bool_]
    age_years: NDArray[np.float64]
    size: NDArray[np.int64]
    adults: NDArray[np.int64]
    education: NDArray[np.int64]  # index into EDUCATION_ORDER
    sector: NDArray[np.int64]  # index into SECTORS, -1 when unknown
    language_level: NDArray[np.float64]  # (n, len(LANGUAGES)), 0 none .. 4 native
    relative_countries: tuple[frozenset[str], ...]
    medical_services: tuple[frozenset[str], ...]  # services needed by any member

    def __len__(self) -> int:
        return len(self.case_ids)

    def take(self, index: NDArray[np.int64]) -> CaseTable:
        """The sub-table of the given rows, in that order."""
        pick = index.tolist()
        return CaseTable(
            case_ids=tuple(self.case_ids[i] for i in pick),
            female=self.female[index],
            age_years=self.age_years[index],
            size=self.size[index],
            adults=self.adults[index],
            education=self.education[index],
            sector=self.sector[index],
            language_level=self.language_level[index],
            relative_countries=tuple(self.relative_countries[i] for i in pick),
            medical_services=tuple(self.medical_services[i] for i in pick),
        )


@dataclass(frozen=True, eq=False)
class LocalityTable:
    locality_ids: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[frozenset[str], ...]
    urban: NDArray[np.bool_]
    services: tuple[frozenset[str], ...]
    sectors_in_demand: tuple[frozenset[str], ...]
    unemployment_rate: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.locality_ids)


def sector_index(occupation: str, skills: Iterable[str] = ()) -> int:
    """The first known sector among the occupation and the skills, -1 if none is known."""
    for word in (occupation, *skills):
        key = word.strip().lower()
        if key in SECTORS:
            return SECTORS.index(key)
    return -1


def build_case_table(cases: Sequence[Case], on: date) -> CaseTable:
    """Features of registry cases on a given day (ages depend on it)."""
    n = len(cases)
    levels = np.zeros((n, len(LANGUAGES)))
    female = np.zeros(n, dtype=bool)
    age = np.zeros(n)
    education = np.zeros(n, dtype=np.int64)
    sector = np.full(n, -1, dtype=np.int64)
    adults = np.zeros(n, dtype=np.int64)
    for i, case in enumerate(cases):
        principal = case.principal or (case.members[0] if case.members else None)
        adults[i] = sum(m.is_adult_on(on) for m in case.members)
        if principal is None:
            continue
        female[i] = principal.sex == Sex.FEMALE
        age[i] = principal.age_on(on)
        education[i] = EDUCATION_ORDER.index(principal.education)
        sector[i] = sector_index(principal.occupation, principal.skills)
        for skill in principal.languages:
            if skill.code in LANGUAGES:
                column = LANGUAGES.index(skill.code)
                levels[i, column] = max(levels[i, column], PROFICIENCY_LEVEL[skill.proficiency])
    return CaseTable(
        case_ids=tuple(c.case_id for c in cases),
        female=female,
        age_years=age,
        size=np.array([c.size for c in cases], dtype=np.int64),
        adults=adults,
        education=education,
        sector=sector,
        language_level=levels,
        relative_countries=tuple(c.relative_countries for c in cases),
        medical_services=tuple(c.services_needed for c in cases),
    )


def build_locality_table(localities: Sequence[Locality]) -> LocalityTable:
    rates = [
        DEFAULT_UNEMPLOYMENT if loc.unemployment_rate is None else loc.unemployment_rate
        for loc in localities
    ]
    return LocalityTable(
        locality_ids=tuple(loc.locality_id for loc in localities),
        countries=tuple(loc.country for loc in localities),
        languages=tuple(frozenset(loc.languages) for loc in localities),
        urban=np.array([loc.urban for loc in localities], dtype=bool),
        services=tuple(loc.services for loc in localities),
        sectors_in_demand=tuple(loc.sectors_in_demand for loc in localities),
        unemployment_rate=np.array(rates, dtype=np.float64),
    )


def _service_mask(services: Iterable[str]) -> NDArray[np.bool_]:
    mask = np.zeros(len(SERVICES), dtype=bool)
    for service in services:
        mask[SERVICES.index(service) if service in SERVICES else len(SERVICES) - 1] = True
    return mask


@dataclass(frozen=True, eq=False)
class EncodedPairs:
    """Both tables encoded once, so any set of pairs is a few gathers away."""

    case_numeric: NDArray[np.float64]  # (n, CASE + LANGUAGE columns)
    language_level: NDArray[np.float64]  # (n, L)
    relatives: NDArray[np.bool_]  # (n, n_countries of the localities)
    needs: NDArray[np.bool_]  # (n, S)
    sector: NDArray[np.int64]  # (n,)
    locality_numeric: NDArray[np.float64]  # (m, LOCALITY columns)
    speaks: NDArray[np.float64]  # (m, L) 1.0 where the language is spoken locally
    country_index: NDArray[np.int64]  # (m,)
    has_service: NDArray[np.bool_]  # (m, S)
    demand: NDArray[np.float64]  # (m, len(SECTORS) + 1); last column: unknown sector
    locality_code: NDArray[np.float64]  # (m,)


def encode_tables(
    cases: CaseTable,
    localities: LocalityTable,
    known_locality_ids: Sequence[str] | None = None,
) -> EncodedPairs:
    """Encode both tables; ``known_locality_ids`` gives the codes (their index, else -1)."""
    countries = sorted(set(localities.countries))
    where = {c: k for k, c in enumerate(countries)}
    relatives = np.zeros((len(cases), len(countries)), dtype=bool)
    for i, found in enumerate(cases.relative_countries):
        for country in found & where.keys():
            relatives[i, where[country]] = True
    case_numeric = np.column_stack(
        [
            cases.female,
            cases.age_years,
            cases.size,
            cases.adults,
            cases.size - cases.adults,
            cases.education,
            cases.sector,
            cases.language_level,
        ]
    ).astype(np.float64)
    demand = np.zeros((len(localities), len(SECTORS) + 1))
    for j, sectors in enumerate(localities.sectors_in_demand):
        for sector in sectors & set(SECTORS):
            demand[j, SECTORS.index(sector)] = 1.0
    codes = {lid: k for k, lid in enumerate(known_locality_ids or localities.locality_ids)}
    return EncodedPairs(
        case_numeric=case_numeric,
        language_level=cases.language_level,
        relatives=relatives,
        needs=np.array([_service_mask(s) for s in cases.medical_services]).reshape(
            len(cases), len(SERVICES)
        ),
        sector=cases.sector,
        locality_numeric=np.column_stack(
            [
                localities.urban,
                localities.unemployment_rate,
                [len(s) for s in localities.services],
                [len(s) for s in localities.sectors_in_demand],
            ]
        ).astype(np.float64),
        speaks=np.array(
            [[code in langs for code in LANGUAGES] for langs in localities.languages],
            dtype=np.float64,
        ).reshape(len(localities), len(LANGUAGES)),
        country_index=np.array([where[c] for c in localities.countries], dtype=np.int64),
        has_service=np.array([_service_mask(s) for s in localities.services]).reshape(
            len(localities), len(SERVICES)
        ),
        demand=demand,
        locality_code=np.array(
            [codes.get(lid, -1) for lid in localities.locality_ids], dtype=np.float64
        ),
    )


def interaction_features(
    encoded: EncodedPairs, case_index: NDArray[np.int64], locality_index: NDArray[np.int64]
) -> NDArray[np.float64]:
    """(n_pairs, INTERACTION columns): the case x locality facts worlds and models share."""
    local_level = np.zeros(len(case_index))
    for column in range(len(LANGUAGES)):
        np.maximum(
            local_level,
            encoded.language_level[case_index, column] * encoded.speaks[locality_index, column],
            out=local_level,
        )
    needs = encoded.needs[case_index]
    unmet = (needs & ~encoded.has_service[locality_index]).any(axis=1)
    return np.column_stack(
        [
            local_level,
            encoded.relatives[case_index, encoded.country_index[locality_index]],
            needs.any(axis=1),
            unmet,
            encoded.demand[locality_index, encoded.sector[case_index]],
        ]
    ).astype(np.float64)


def interaction_grid(
    encoded: EncodedPairs,
    cases: NDArray[np.int64],
    localities: NDArray[np.int64] | None,
    column: int,
) -> NDArray[np.float64]:
    """One column of :func:`interaction_features` for every (case, locality) of a grid,
    (len(cases), n_localities): the same values, built without a row per pair."""
    js = np.arange(len(encoded.speaks)) if localities is None else localities
    if column == 0:  # local_language_level, as a running maximum like the per-pair form
        level = np.zeros((len(cases), len(js)))
        for lang in range(len(LANGUAGES)):
            np.maximum(level, encoded.language_level[cases, lang][:, None]
                       * encoded.speaks[js, lang][None, :], out=level)
        return level
    if column == 1:  # relatives_in_country
        return encoded.relatives[cases][:, encoded.country_index[js]].astype(np.float64)
    needs = encoded.needs[cases]
    if column == 2:  # medical_need
        need = np.asarray(needs.any(axis=1), dtype=np.float64)
        return np.repeat(need.reshape(-1, 1), len(js), axis=1)
    if column == 3:  # medical_unmet
        lacking = (~encoded.has_service[js]).astype(np.float64)
        return ((needs.astype(np.float64) @ lacking.T) > 0).astype(np.float64)
    return encoded.demand[js][:, encoded.sector[cases]].T.astype(np.float64)  # sector demand


def build_pair_features(
    encoded: EncodedPairs, case_index: NDArray[np.int64], locality_index: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The model matrix, one row per pair, columns :data:`FEATURE_NAMES`."""
    return np.column_stack(
        [
            encoded.locality_code[locality_index],
            encoded.case_numeric[case_index],
            encoded.locality_numeric[locality_index],
            interaction_features(encoded, case_index, locality_index),
        ]
    )


def all_pairs(
    n_cases: int, localities: Sequence[int] | NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every case with each of the given localities, locality-major (block per locality)."""
    local = np.asarray(localities, dtype=np.int64)
    return np.tile(np.arange(n_cases, dtype=np.int64), len(local)), np.repeat(local, n_cases)
