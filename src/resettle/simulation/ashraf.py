"""The Camp Ashraf / Camp Liberty scenario (Iraq, 2011–2016) as a synthetic registry batch.

Pure and deterministic: the same seed and config give the same batch. Every person is
invented; the shape of the population and of the pledges follows DOMAIN.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from resettle.core import (
    Case,
    CaseStatus,
    Category,
    DatePrecision,
    Dimension,
    Locality,
    Person,
    Pledge,
    Priority,
    RegistryBatch,
    Relationship,
    Severity,
    Sex,
)
from resettle.simulation.ashraf_config import (
    COMMAND_ROLE,
    EXCLUSION_STATE_BOOST,
    EXCLUSION_TRIGGERS,
    FORMER_COMBATANT,
    AshrafConfig,
    HostSpec,
)
from resettle.simulation.attributes import (
    draw_education,
    draw_health,
    draw_languages,
    draw_persian_name,
    draw_relatives,
    draw_work,
)
from resettle.simulation.sampling import Weighted, chance

R = Relationship
# Residents moved to Camp Liberty and were registered from Feb to Sep 2012 (DOMAIN.md).
REGISTRATION_START = date(2012, 2, 17)
REGISTRATION_DAYS = 226
DEFAULT_CONFIG = AshrafConfig()
EXCLUSION_STATES = frozenset({CaseStatus.EXCLUSION_REVIEW, CaseStatus.EXCLUDED})
PRECISION = Weighted.of({DatePrecision.EXACT: 0.7, DatePrecision.YEAR: 0.25,
                         DatePrecision.ESTIMATED: 0.05})


@dataclass(frozen=True)
class Blueprint:
    """A member before attributes are drawn: relationship, sex, age, family name shared."""

    relationship: Relationship
    male: bool
    age: int
    shares_family_name: bool = True


def generate_ashraf(seed: int, config: AshrafConfig = DEFAULT_CONFIG) -> RegistryBatch:
    """About ``config.population`` residents in cases, and the host localities and pledges."""
    rng = np.random.default_rng(seed)
    households = Weighted.of(config.household_weights)
    cases: list[Case] = []
    persons = 0
    while persons < config.population:
        blueprints = _household(rng, households.draw(rng), config)
        if persons + len(blueprints) > config.population:
            blueprints = blueprints[:1]  # fill the last places with a single adult
        cases.append(_build_case(rng, f"ASH-{len(cases) + 1:05d}", blueprints, config))
        persons += len(blueprints)
    localities, pledges = build_hosts(config)
    return RegistryBatch(tuple(cases), localities, pledges)


def _adult_age(rng: np.random.Generator, config: AshrafConfig, shift: float = 0) -> int:
    age = rng.normal(config.mean_age + shift, config.sd_age)
    return int(np.clip(round(age), 19, 88))


def _uniform(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def _household(rng: np.random.Generator, kind: str, config: AshrafConfig) -> list[Blueprint]:
    if kind == "couple":
        husband = _adult_age(rng, config, 2)
        wife = max(19, husband - _uniform(rng, 0, 8))
        husband_first = chance(rng, 0.85)
        members = [Blueprint(R.PRINCIPAL, husband_first, husband if husband_first else wife),
                   Blueprint(R.SPOUSE, not husband_first, wife if husband_first else husband,
                             shares_family_name=False)]  # Iranian women keep their name
        return members
    if kind == "parent_adult_child":
        parent_male = chance(rng, 0.55)
        parent = _uniform(rng, 58, 82)
        child = max(19, parent - _uniform(rng, 22, 38))
        return [Blueprint(R.PRINCIPAL, parent_male, parent),
                Blueprint(R.CHILD, chance(rng, 0.6), child, shares_family_name=parent_male)]
    if kind == "siblings":
        first = _adult_age(rng, config)
        count = 2 if chance(rng, 0.8) else 3
        return [Blueprint(R.PRINCIPAL, chance(rng, 0.7), first)] + [
            Blueprint(R.SIBLING, chance(rng, 0.7), max(19, first + _uniform(rng, -8, 8)))
            for _ in range(count - 1)
        ]
    if kind in ("couple_children", "parent_children"):
        return _family_with_children(rng, kind == "couple_children")
    return [Blueprint(R.PRINCIPAL, chance(rng, config.share_male_single), _adult_age(rng, config))]


def _family_with_children(rng: np.random.Generator, couple: bool) -> list[Blueprint]:
    """The few families with minors (the organisation had sent most children abroad)."""
    mother = _uniform(rng, 27, 46)
    members = []
    if couple:
        members.append(Blueprint(R.PRINCIPAL, True, mother + _uniform(rng, 1, 9)))
        members.append(Blueprint(R.SPOUSE, False, mother, shares_family_name=False))
    else:
        members.append(Blueprint(R.PRINCIPAL, False, mother))
    count = Weighted.of({1: 0.45, 2: 0.35, 3: 0.15, 4: 0.05}).draw(rng)
    members.extend(
        Blueprint(R.CHILD, chance(rng, 0.5), max(0, mother - _uniform(rng, 19, 40)),
                  shares_family_name=couple)
        for _ in range(count)
    )
    return members


def _build_case(rng: np.random.Generator, case_id: str, blueprints: list[Blueprint],
                config: AshrafConfig) -> Case:
    family = draw_persian_name(rng, True, national=config.national_names)
    members = tuple(
        _build_person(rng, blueprint, person_id=f"{case_id}-{index}", family=family,
                      config=config)
        for index, blueprint in enumerate(blueprints, start=1)
    )
    has_trigger = any(set(m.profiles) & EXCLUSION_TRIGGERS for m in members)
    primary, secondary = _categories(rng, members)
    # Exclusion is personal: only a case whose every member was excluded can be "excluded".
    excludable = has_trigger and len(members) == 1
    return Case(
        case_id=case_id,
        principal_id=members[0].person_id,
        members=members,
        processing_priority=_priority(rng, members, config),
        status=_status(rng, config, has_trigger, excludable=excludable),
        primary_category=primary,
        secondary_category=secondary,
        registered_on=REGISTRATION_START + timedelta(days=_uniform(rng, 0, REGISTRATION_DAYS)),
    )


def _build_person(rng: np.random.Generator, blueprint: Blueprint, *, person_id: str,
                  family: tuple[str, str, str, str], config: AshrafConfig) -> Person:
    given, family_name, given_fa, family_fa = draw_persian_name(
        rng, blueprint.male, national=config.national_names)
    if blueprint.shares_family_name:
        family_name, family_fa = family[1], family[3]
    age = blueprint.age
    education = draw_education(rng, age)
    occupation, skills = draw_work(rng, age, education)
    conditions, needs = draw_health(rng, age)
    feared = config.protection.first_asylum_country
    birth_date = _birth_date(rng, config.as_of, age)
    precision = PRECISION.draw(rng)
    if precision is DatePrecision.YEAR:
        birth_date = date(birth_date.year, 1, 1)  # the registry convention for year-only dates
    return Person(
        person_id=person_id,
        case_id=person_id.rsplit("-", 1)[0],
        given_name=given,
        family_name=family_name,
        sex=Sex.MALE if blueprint.male else Sex.FEMALE,
        birth_date=birth_date,
        nationality="IRN",
        relationship=blueprint.relationship.value,
        birth_date_precision=precision,
        given_name_original=given_fa,
        family_name_original=family_fa,
        languages=draw_languages(rng, age >= 18, education),
        education=education,
        occupation=occupation,
        skills=skills,
        medical_conditions=conditions,
        specific_needs=needs,
        relatives=draw_relatives(rng, config.share_with_relatives_abroad, age,
                                 national=config.national_names),
        feared_countries=(feared,) if feared else (),
        profiles=_profiles(rng, blueprint, config),
    )


def _birth_date(rng: np.random.Generator, as_of: date, age: int) -> date:
    """A birth date giving exactly ``age`` on ``as_of``."""
    if (as_of.month, as_of.day) == (2, 29):
        as_of = date(as_of.year, 2, 28)
    latest = as_of.replace(year=as_of.year - age)
    return latest - timedelta(days=_uniform(rng, 0, 364))


def _profiles(rng: np.random.Generator, blueprint: Blueprint,
              config: AshrafConfig) -> tuple[str, ...]:
    """Past membership of the armed wing (1987-2003) is possible only for the older adults."""
    if blueprint.age < 30:
        return ()
    share = (config.share_former_combatant_male if blueprint.male
             else config.share_former_combatant_female)
    if not chance(rng, share):
        return ()
    if chance(rng, config.share_command_role / max(share, 1e-9)):
        return (FORMER_COMBATANT, COMMAND_ROLE)
    return (FORMER_COMBATANT,)


def _worst_severity(members: tuple[Person, ...]) -> Severity | None:
    order = list(Severity)
    found = [c.severity for m in members for c in m.medical_conditions]
    return max(found, key=order.index) if found else None


def _priority(rng: np.random.Generator, members: tuple[Person, ...],
              config: AshrafConfig) -> Priority:
    worst = _worst_severity(members)
    if worst is Severity.CRITICAL:
        return Priority.EMERGENCY if chance(rng, 0.35) else Priority.URGENT
    if worst is Severity.SEVERE and chance(rng, 0.5):
        return Priority.URGENT
    roll = rng.random()
    if roll < config.priority_emergency_base:
        return Priority.EMERGENCY
    if roll < config.priority_emergency_base + config.priority_urgent_base:
        return Priority.URGENT
    return Priority.NORMAL


def _categories(rng: np.random.Generator,
                members: tuple[Person, ...]) -> tuple[Category, Category]:
    worst = _worst_severity(members)
    if worst in (Severity.SEVERE, Severity.CRITICAL) and chance(rng, 0.6):
        return Category.MEDICAL, Category.LEGAL_PHYSICAL
    survived = any(
        "survivor_of_torture" in m.specific_needs
        or any("(" in c.name for c in m.medical_conditions)  # injured in an attack
        for m in members
    )
    if survived and chance(rng, 0.4):
        return Category.SURVIVOR_VIOLENCE_TORTURE, Category.LEGAL_PHYSICAL
    principal = members[0]
    if principal.sex is Sex.FEMALE and len(members) == 1 and chance(rng, 0.05):
        return Category.WOMEN_GIRLS_AT_RISK, Category.LEGAL_PHYSICAL
    if any(r.relation == "child" for r in principal.relatives) and chance(rng, 0.15):
        return Category.LEGAL_PHYSICAL, Category.FAMILY_UNITY
    return Category.LEGAL_PHYSICAL, Category.NO_ALTERNATIVE_SOLUTION


def _status(rng: np.random.Generator, config: AshrafConfig, has_trigger: bool, *,
            excludable: bool) -> CaseStatus:
    """Exclusion states only for cases with a trigger profile, and likelier for them."""
    allowed = {CaseStatus.EXCLUSION_REVIEW: has_trigger, CaseStatus.EXCLUDED: excludable}
    weights = {
        status: (weight * EXCLUSION_STATE_BOOST if allowed[status] else 0.0)
        if status in EXCLUSION_STATES else weight
        for status, weight in config.status_weights.items()
    }
    return Weighted.of(weights).draw(rng)


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), summing exactly."""
    whole = sum(weights) or 1
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def build_hosts(config: AshrafConfig) -> tuple[tuple[Locality, ...], tuple[Pledge, ...]]:
    """Localities and pledges of every host, scaled to the population."""
    localities: list[Locality] = []
    pledges: list[Pledge] = []
    for host in config.hosts:
        host_localities = _host_localities(host, config.scale)
        localities.extend(host_localities)
        total = sum(loc.capacity_in(Dimension.PERSONS) for loc in host_localities)
        places = _apportion(total, [p.persons for p in host.pledges])
        pledges.extend(
            Pledge(f"PL-{host.country}-{spec.start:%Y%m}", host.country, spec.start, spec.end,
                   count, host.criteria)
            for spec, count in zip(host.pledges, places, strict=True)
        )
    return tuple(localities), tuple(pledges)


def _host_localities(host: HostSpec, scale: float) -> list[Locality]:
    def scaled(value: int) -> int:
        return round(value * scale)

    return [
        Locality(
            locality_id=spec.code,
            country=host.country,
            name=spec.name,
            region=spec.region,
            services=spec.services,
            capacity={
                Dimension.PERSONS: max(1, scaled(spec.persons)),
                Dimension.LARGE_FAMILY_UNITS: scaled(spec.large_family_units),
                Dimension.MEDICAL_PLACES: scaled(spec.medical_places),
                Dimension.ACCESSIBLE_UNITS: scaled(spec.accessible_units),
                Dimension.SCHOOL_PLACES: scaled(spec.school_places),
            },
            languages=spec.languages,
            urban=spec.urban,
        )
        for spec in host.localities
    ]
