"""Synthetic worlds with a known truth, for judging outcome models and placement honestly.

A world fixes localities and the true chance that a case finds work within 90 days in each:

    logit P(employed | case i, locality j) = a + case_i + u_i + s * (b_j + g . pair_ij)

``case_i`` is a linear case effect (education, age, sex, English, household), ``u_i`` an
unobserved case trait (motivation, health, networks: the noise no model sees), ``b_j`` a
locality effect (its economy, unemployment, unobserved services), ``pair_ij`` the case x
locality interactions of :func:`resettle.prediction.features.interaction_features` (local
language level, relatives in the country, medical needs the locality cannot serve, skills in
local demand) plus urban x education and rural x agriculture. ``s`` is 1, or 0 in the
**placebo** world: there the locality changes nothing, so no placement can gain anything.

The **status quo** is how caseworkers place without a model: each case meets one of a few
caseworkers, each with favourite localities; they send the educated to cities, keep large
families rural, send people to relatives, and, seeing what no file records, send the
strongest (high ``u_i``) to the big cities. That last habit confounds history: a model
trained on it learns that cities are better than they are. See docs/prediction.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from resettle.core import Locality
from resettle.prediction.features import (
    LANGUAGES,
    SECTORS,
    SERVICES,
    CaseTable,
    LocalityTable,
    build_locality_table,
    encode_tables,
    interaction_features,
)
from resettle.prediction.history import History

# Host countries with their main language (ISO 3166-1 alpha-3, ISO 639-3).
HOST_COUNTRIES = (
    ("DEU", "deu"), ("SWE", "swe"), ("NLD", "nld"), ("FRA", "fra"), ("ALB", "sqi"),
    ("CAN", "eng"), ("USA", "eng"), ("GBR", "eng"), ("ITA", "ita"), ("ESP", "spa"),
)  # fmt: skip
ORIGIN_LANGUAGES = ("ara", "fas", "kur", "prs", "pus", "som", "tir", "urd", "tur")
AGRICULTURE = SECTORS.index("agriculture")


@dataclass(frozen=True)
class Effects:
    """True coefficients on the logit scale (see the module docstring)."""

    intercept: float = -0.6
    education: float = 0.22  # per level, none .. postgraduate
    age_per_decade: float = -0.25  # from 35
    female: float = -0.35
    english: float = 0.12  # per proficiency level
    large_household: float = -0.2  # 5 persons or more
    unobserved_sd: float = 0.6
    locality_sd: float = 0.35
    unemployment: float = -8.0  # per unit of rate, from 8%
    local_language: float = 0.35  # per proficiency level in a local language
    relatives: float = 0.6
    medical_unmet: float = -1.2
    sector_in_demand: float = 0.7
    urban_education: float = 0.12  # per education level above secondary, in cities
    rural_agriculture: float = 0.6


@dataclass(frozen=True)
class WorldSpec:
    n_localities: int = 20
    n_history: int = 30_000
    n_cohort: int = 300
    placebo: bool = False
    n_caseworkers: int = 6
    confounding: float = 1.0  # weight of the unobserved-trait habit of caseworkers
    capacity_slack: float = 1.15  # total places / persons in the cohort
    effects: Effects = field(default_factory=Effects)


@dataclass(frozen=True, eq=False)
class World:
    spec: WorldSpec
    seed: int
    localities: LocalityTable
    locality_effect: NDArray[np.float64]  # b_j, zero in the placebo world
    favourites: NDArray[np.float64]  # (n_caseworkers, m) caseworker habit per locality

    @property
    def locality_scale(self) -> float:
        return 0.0 if self.spec.placebo else 1.0


@dataclass(frozen=True, eq=False)
class Cohort:
    """Cases drawn from a world, with the unobserved trait only the world knows."""

    cases: CaseTable
    latent: NDArray[np.float64]  # u_i
    caseworker: NDArray[np.int64]


def make_world(spec: WorldSpec | None = None, seed: int = 0) -> World:
    spec = spec or WorldSpec()
    rng = np.random.default_rng([seed, 1])
    m = spec.n_localities
    hosts = rng.integers(0, len(HOST_COUNTRIES), size=m)
    urban = rng.random(m) < 0.55
    services = []
    for j in range(m):
        chance = 0.65 if urban[j] else 0.3
        services.append(frozenset(s for s in SERVICES[:-1] if rng.random() < chance))
    demand = [
        frozenset(SECTORS[k] for k in rng.choice(len(SECTORS), size=3, replace=False))
        for _ in range(m)
    ]
    localities = LocalityTable(
        locality_ids=tuple(f"L{j:03d}" for j in range(m)),
        countries=tuple(HOST_COUNTRIES[h][0] for h in hosts),
        languages=tuple(frozenset({HOST_COUNTRIES[h][1]}) for h in hosts),
        urban=urban,
        services=tuple(services),
        sectors_in_demand=tuple(demand),
        unemployment_rate=np.round(rng.uniform(0.03, 0.15, size=m), 3),
    )
    effect = rng.normal(0.0, spec.effects.locality_sd, size=m)
    return World(
        spec=spec,
        seed=seed,
        localities=localities,
        locality_effect=np.zeros(m) if spec.placebo else effect,
        favourites=rng.normal(0.0, 1.2, size=(spec.n_caseworkers, m)),
    )


def draw_cohort(world: World, n: int, rng: np.random.Generator, prefix: str = "C") -> Cohort:
    """Cases as a registry would hold them: principal profile, household, needs, relatives."""
    size = np.minimum(1 + rng.poisson(1.1, size=n), 9)
    adults = np.minimum(size, 1 + rng.binomial(1, 0.6, size=n))
    education = rng.choice(6, size=n, p=[0.12, 0.22, 0.3, 0.14, 0.17, 0.05])
    levels = np.zeros((n, len(LANGUAGES)))
    origin = rng.integers(0, len(ORIGIN_LANGUAGES), size=n)
    levels[np.arange(n), [LANGUAGES.index(ORIGIN_LANGUAGES[o]) for o in origin]] = 4
    english = np.clip(rng.binomial(3, 0.15 + 0.1 * education / 5), 0, 4)
    levels[:, LANGUAGES.index("eng")] = english
    second = rng.random(n) < 0.25  # some speak a host language already
    host_language = [LANGUAGES.index(h[1]) for h in HOST_COUNTRIES if h[1] != "eng"]
    picks = rng.choice(host_language, size=n)
    levels[second, picks[second]] = rng.integers(1, 4, size=int(second.sum()))
    countries = sorted(set(world.localities.countries))
    relatives = tuple(
        frozenset(rng.choice(countries, size=int(k), replace=False).tolist())
        for k in np.minimum(rng.binomial(2, 0.2, size=n), len(countries))
    )
    medical = tuple(
        frozenset({str(rng.choice(SERVICES[:-1]))}) if rng.random() < 0.15 else frozenset()
        for _ in range(n)
    )
    cases = CaseTable(
        case_ids=tuple(f"{prefix}{i:06d}" for i in range(n)),
        female=rng.random(n) < 0.4,
        age_years=np.clip(rng.normal(36, 11, size=n), 18, 75).round(),
        size=size.astype(np.int64),
        adults=adults.astype(np.int64),
        education=education.astype(np.int64),
        sector=np.where(rng.random(n) < 0.8, rng.integers(0, len(SECTORS), size=n), -1),
        language_level=levels,
        relative_countries=relatives,
        medical_services=medical,
    )
    latent = rng.normal(0.0, world.spec.effects.unobserved_sd, size=n)
    caseworker = rng.integers(0, world.spec.n_caseworkers, size=n)
    return Cohort(cases, latent, caseworker.astype(np.int64))


def case_effect(world: World, cases: CaseTable) -> NDArray[np.float64]:
    """The case's own part of the logit, the same wherever it goes (observed features)."""
    e = world.spec.effects
    return np.asarray(
        e.intercept
        + e.education * cases.education
        + e.age_per_decade * (cases.age_years - 35) / 10
        + e.female * cases.female
        + e.english * cases.language_level[:, LANGUAGES.index("eng")]
        + e.large_household * (cases.size >= 5),
        dtype=np.float64,
    )


def locality_logit(world: World, cases: CaseTable) -> NDArray[np.float64]:
    """(n, m): the locality's part of the logit, main effects plus interactions."""
    e, locs = world.spec.effects, world.localities
    n, m = len(cases), len(locs)
    encoded = encode_tables(cases, locs)
    ci, lj = np.tile(np.arange(n), m), np.repeat(np.arange(m), n)
    pair = interaction_features(encoded, ci, lj)  # columns as INTERACTION_COLUMNS
    weights = np.array([e.local_language, e.relatives, 0.0, e.medical_unmet, e.sector_in_demand])
    inter = (pair @ weights).reshape(m, n).T
    above_secondary = np.maximum(cases.education - 2, 0)[:, None]
    inter += e.urban_education * above_secondary * locs.urban[None, :]
    inter += e.rural_agriculture * (cases.sector == AGRICULTURE)[:, None] * ~locs.urban[None, :]
    main = world.locality_effect + e.unemployment * (locs.unemployment_rate - 0.08)
    return np.asarray(world.locality_scale * (main[None, :] + inter), dtype=np.float64)


def true_probability(world: World, cohort: Cohort) -> NDArray[np.float64]:
    """(n, m): the true P(employed within 90 days | case, locality). Only a world knows it."""
    logit = (case_effect(world, cohort.cases) + cohort.latent)[:, None]
    logit = logit + locality_logit(world, cohort.cases)
    return 1.0 / (1.0 + np.exp(-logit))


def habit_scores(world: World, cohort: Cohort) -> NDArray[np.float64]:
    """(n, m): how much caseworkers like each placement; the status quo samples from it."""
    cases, locs = cohort.cases, world.localities
    encoded = encode_tables(cases, locs)
    n, m = len(cases), len(locs)
    relatives = encoded.relatives[:, encoded.country_index]
    urban = locs.urban[None, :].astype(np.float64)
    score = world.favourites[cohort.caseworker]
    score = score + 0.5 * (cases.education >= 3)[:, None] * urban
    score = score - 0.6 * (cases.size >= 5)[:, None] * urban
    score = score + 1.5 * relatives
    score = score + world.spec.confounding * 1.5 * cohort.latent[:, None] * urban
    return np.asarray(score.reshape(n, m), dtype=np.float64)


def assign_status_quo(
    world: World,
    cohort: Cohort,
    rng: np.random.Generator,
    capacity_persons: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Caseworkers place cases one by one by habit, where places remain (None: no limit)."""
    weights: NDArray[np.float64] = np.exp(habit_scores(world, cohort))
    n, m = weights.shape
    if capacity_persons is None:
        draws = rng.random((n, 1))
        cumulative = np.cumsum(weights, axis=1)
        chosen = (cumulative < draws * cumulative[:, -1:]).sum(axis=1)
        return np.asarray(chosen, dtype=np.int64)
    remaining = capacity_persons.astype(np.int64).copy()
    assignment = np.full(n, -1, dtype=np.int64)
    for i in rng.permutation(n):
        fits = remaining >= cohort.cases.size[i]
        if not fits.any():
            continue  # no room left anywhere: unplaced, as in real life
        w = np.where(fits, weights[i], 0.0)
        j = int(rng.choice(m, p=w / w.sum()))
        assignment[i] = j
        remaining[j] -= cohort.cases.size[i]
    return assignment


def cohort_capacity(world: World, cohort: Cohort, rng: np.random.Generator) -> NDArray[np.int64]:
    """Places per locality (persons) for a cohort: uneven, ``capacity_slack`` times its size."""
    m = len(world.localities)
    share = rng.dirichlet(np.full(m, 3.0))
    total = world.spec.capacity_slack * float(cohort.cases.size.sum())
    largest = int(cohort.cases.size.max())
    return np.maximum(np.ceil(share * total), largest).astype(np.int64)


@dataclass(frozen=True, eq=False)
class SimulatedHistory:
    cohort: Cohort
    assignment: NDArray[np.int64]
    employed: NDArray[np.int8]


def simulate_history(world: World, n: int | None = None, seed: int = 0) -> SimulatedHistory:
    """Past placements by the status quo, with outcomes drawn from the truth."""
    rng = np.random.default_rng([world.seed, seed, 2])
    cohort = draw_cohort(world, world.spec.n_history if n is None else n, rng, prefix="H")
    assignment = assign_status_quo(world, cohort, rng)
    p = true_probability(world, cohort)[np.arange(len(assignment)), assignment]
    employed = (rng.random(len(p)) < p).astype(np.int8)
    return SimulatedHistory(cohort, assignment, employed)


def history_of(world: World, simulated: SimulatedHistory) -> History:
    """The simulated past as a history file would hold it (no unobserved traits)."""
    return History(
        cases=simulated.cohort.cases,
        localities=world.localities,
        locality_index=simulated.assignment,
        employed=simulated.employed,
    )


def world_over(
    localities: Sequence[Locality], spec: WorldSpec | None = None, seed: int = 0
) -> World:
    """A world over real localities (e.g. the Ashraf hosts): their countries, languages,
    urban flag and services are kept; a missing labour market is drawn at random."""
    table = build_locality_table(localities)
    spec = replace(spec or WorldSpec(), n_localities=len(table))
    drawn = make_world(spec, seed)
    known = [bool(loc.sectors_in_demand) for loc in localities]
    rates = [loc.unemployment_rate is not None for loc in localities]
    table = replace(
        table,
        sectors_in_demand=tuple(
            own if has else other
            for own, other, has in zip(
                table.sectors_in_demand, drawn.localities.sectors_in_demand, known, strict=True
            )
        ),
        unemployment_rate=np.where(
            rates, table.unemployment_rate, drawn.localities.unemployment_rate
        ),
    )
    return replace(drawn, localities=table)
