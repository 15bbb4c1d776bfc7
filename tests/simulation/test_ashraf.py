"""The Ashraf scenario: shape of the population, validity of every record, determinism."""

from collections import Counter
from dataclasses import replace
from statistics import mean

import pytest

from resettle.core import CaseStatus, Dimension, Person, Priority, RegistryBatch, Sex
from resettle.core.protection import no_return_countries
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import EXCLUSION_TRIGGERS, AshrafConfig

CONFIG = AshrafConfig()
ON = CONFIG.as_of


@pytest.fixture(scope="module", params=[2011, 7])
def batch(request: pytest.FixtureRequest) -> RegistryBatch:
    return generate_ashraf(request.param)


def persons(batch: RegistryBatch) -> list[Person]:
    return [m for case in batch.cases for m in case.members]


def test_population_size_and_shape(batch: RegistryBatch) -> None:
    people = persons(batch)
    assert len(people) == CONFIG.population == batch.persons_count
    share_male = sum(p.sex is Sex.MALE for p in people) / len(people)
    assert 0.70 <= share_male <= 0.76
    assert 37 <= mean(p.age_on(ON) for p in people) <= 43
    adults = [p for p in people if p.is_adult_on(ON)]
    assert len(adults) / len(people) >= 0.94  # few children: they had been sent abroad
    working_age = sum(25 <= p.age_on(ON) <= 65 for p in people) / len(people)
    assert working_age >= 0.80


def test_mostly_single_adult_cases_with_some_small_families(batch: RegistryBatch) -> None:
    sizes = Counter(case.size for case in batch.cases)
    share_single = sizes[1] / len(batch.cases)
    assert 0.80 <= share_single <= 0.90
    assert 0.07 <= sizes[2] / len(batch.cases) <= 0.17
    assert sum(n for size, n in sizes.items() if size >= 5) / len(batch.cases) < 0.01
    relations = Counter(m.relationship for case in batch.cases for m in case.members)
    assert {"spouse", "child", "sibling"} <= set(relations)


def test_relatives_abroad_and_medical_needs(batch: RegistryBatch) -> None:
    people = persons(batch)
    with_relatives = sum(bool(p.relatives) for p in people) / len(people)
    assert 0.45 <= with_relatives <= 0.65
    countries = Counter(r.country for p in people for r in p.relatives)
    assert {"DEU", "FRA", "GBR", "SWE", "CAN", "USA"} <= set(countries)
    assert not {"IRN", "IRQ"} & set(countries)
    any_condition = sum(bool(p.medical_conditions) for p in people) / len(people)
    assert 0.25 <= any_condition <= 0.45
    medical_place = sum(p.needs_medical_place for p in people) / len(people)
    assert 0.07 <= medical_place <= 0.14
    services = Counter(s for p in people for s in p.services_needed)
    assert set(services) == {"dialysis", "oncology", "trauma_care", "physiotherapy",
                             "mental_health", "cardiology"}
    assert sum(p.needs_accessible_housing for p in people) > 20
    assert sum("older_person" in p.specific_needs for p in people) > 50


def test_persian_names_languages_and_nationality(batch: RegistryBatch) -> None:
    people = persons(batch)
    assert {p.nationality for p in people} == {"IRN"}
    for p in people:
        assert p.given_name and p.family_name
        assert all("\u0600" <= ch <= "\u06ff" or ch in "\u200c " for ch in
                   p.given_name_original + p.family_name_original)
        assert p.languages[0].code == "fas"
    spoken = Counter(s.code for p in people for s in p.languages)
    assert spoken["eng"] > 0.15 * len(people)
    assert spoken["ara"] > 0.15 * len(people)
    assert spoken["ckb"] + spoken["kmr"] > 0 and spoken["azb"] > 0
    assert len({p.occupation for p in people}) > 20
    assert len({p.education for p in people}) >= 5


def test_every_record_passes_the_core_validators(batch: RegistryBatch) -> None:
    problems = [str(i) for case in batch.cases for i in case.issues(declared_size=case.size)]
    problems += [str(i) for loc in batch.localities for i in loc.issues()]
    problems += [str(i) for pledge in batch.pledges for i in pledge.issues()]
    assert problems == []
    ids = [m.person_id for m in persons(batch)]
    assert len(ids) == len(set(ids))
    assert len({c.case_id for c in batch.cases}) == len(batch.cases)


def test_no_host_is_a_country_of_feared_return(batch: RegistryBatch) -> None:
    hosts = {loc.country for loc in batch.localities} | {p.country for p in batch.pledges}
    assert not hosts & {"IRN", "IRQ"}
    for case in batch.cases:
        assert {"IRN", "IRQ"} <= no_return_countries(case, CONFIG.protection)
        assert "IRQ" in case.no_return_countries  # declared by every member, too


def test_pledges_shaped_like_the_operation(batch: RegistryBatch) -> None:
    by_country = Counter[str]()
    for pledge in batch.pledges:
        by_country[pledge.country] += pledge.places_persons
        assert 2013 <= pledge.period_start.year <= pledge.period_end.year <= 2016
    total = sum(by_country.values())
    assert 10 <= len(by_country) <= 14
    assert by_country.most_common(1)[0][0] == "ALB"
    assert by_country["ALB"] / total > 0.8
    assert 80 <= by_country["DEU"] <= 120
    assert batch.persons_count < total <= 1.06 * batch.persons_count
    for country, places in by_country.items():
        in_localities = sum(loc.capacity_in(Dimension.PERSONS)
                            for loc in batch.localities if loc.country == country)
        assert in_localities == places
    assert any(p.criteria.excluded_profiles for p in batch.pledges)
    assert any(p.criteria.max_case_size for p in batch.pledges)
    assert any(p.criteria.security_vetting_required for p in batch.pledges)


def test_scarce_dimensions_are_tight_but_covered(batch: RegistryBatch) -> None:
    slack = {Dimension.PERSONS: 1.06, Dimension.MEDICAL_PLACES: 1.3,
             Dimension.ACCESSIBLE_UNITS: 2.0}
    for dimension, most in slack.items():
        demand = sum(case.needs(ON)[dimension] for case in batch.cases)
        capacity = sum(loc.capacity_in(dimension) for loc in batch.localities)
        assert demand <= capacity <= most * demand, dimension


def test_priorities_categories_and_pipeline(batch: RegistryBatch) -> None:
    cases = batch.cases
    priorities = Counter(c.processing_priority for c in cases)
    assert 0 < priorities[Priority.EMERGENCY] < 0.03 * len(cases)
    assert 0.04 * len(cases) < priorities[Priority.URGENT] < 0.2 * len(cases)
    primary = Counter(c.primary_category for c in cases)
    assert primary.most_common(1)[0][0] == "LEGAL_PHYSICAL"
    assert primary["MEDICAL"] > 0 and primary["SURVIVOR_VIOLENCE_TORTURE"] > 0
    assert Counter(c.secondary_category for c in cases).most_common(1)[0][0] == (
        "NO_ALTERNATIVE_SOLUTION")
    statuses = Counter(c.status for c in cases)
    assert len(statuses) >= 15  # a pipeline in progress, not a single stage
    assert max(statuses.values()) < 0.35 * len(cases)
    for case in cases:
        if case.status in (CaseStatus.EXCLUSION_REVIEW, CaseStatus.EXCLUDED):
            assert case.profiles & EXCLUSION_TRIGGERS
    combatants = sum(bool(c.profiles & EXCLUSION_TRIGGERS) for c in cases)
    assert 0.05 * len(cases) < combatants < 0.3 * len(cases)


def test_same_seed_same_batch_other_seed_other_batch() -> None:
    small = replace(CONFIG, population=300)
    assert generate_ashraf(5, small) == generate_ashraf(5, small)
    assert generate_ashraf(5, small) != generate_ashraf(6, small)


def test_configurable_population_and_hosts() -> None:
    config = replace(CONFIG, population=340, hosts=CONFIG.hosts[:2])
    batch = generate_ashraf(1, config)
    assert batch.persons_count == 340
    assert {loc.country for loc in batch.localities} == {"ALB", "DEU"}
    assert sum(p.places_persons for p in batch.pledges) == round(3250 * 0.1)


def test_status_distribution_is_configurable() -> None:
    only_ready = {status: 0.0 for status in CaseStatus} | {CaseStatus.READY_FOR_REFERRAL: 1.0}
    batch = generate_ashraf(3, replace(CONFIG, population=200, status_weights=only_ready))
    assert {c.status for c in batch.cases} == {CaseStatus.READY_FOR_REFERRAL}
