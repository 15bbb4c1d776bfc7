"""Random scale instances: valid records, capacity covering demand, determinism, no refoulement."""

from datetime import date

import pytest

from resettle.core import CaseStatus, Dimension
from resettle.simulation.random_instances import ORIGINS, generate_random

ON = date(2024, 1, 1)


def test_records_are_valid_and_capacity_covers_demand() -> None:
    batch = generate_random(800, 25, seed=3, capacity_ratio=1.1)
    assert len(batch.cases) == 800
    assert len(batch.localities) == 25
    assert 2.5 <= batch.persons_count / 800 <= 4.0
    problems = [str(i) for case in batch.cases for i in case.issues(declared_size=case.size)]
    problems += [str(i) for loc in batch.localities for i in loc.issues()]
    problems += [str(i) for pledge in batch.pledges for i in pledge.issues()]
    assert problems == []
    for dimension in Dimension:
        demand = sum(case.needs(ON)[dimension] for case in batch.cases)
        capacity = sum(loc.capacity_in(dimension) for loc in batch.localities)
        assert capacity >= 1.1 * demand, dimension
    assert sum(p.places_persons for p in batch.pledges) == sum(
        loc.capacity_in(Dimension.PERSONS) for loc in batch.localities)
    assert {case.status for case in batch.cases} == {CaseStatus.READY_FOR_REFERRAL}


def test_no_locality_in_an_origin_country() -> None:
    batch = generate_random(300, 60, seed=9)
    origins = {code for code, _ in ORIGINS}
    assert not origins & {loc.country for loc in batch.localities}
    for case in batch.cases:
        assert not case.no_return_countries & {loc.country for loc in batch.localities}


def test_deterministic_per_seed() -> None:
    assert generate_random(200, 10, seed=1) == generate_random(200, 10, seed=1)
    assert generate_random(200, 10, seed=1) != generate_random(200, 10, seed=2)


def test_rejects_empty_instances() -> None:
    with pytest.raises(ValueError, match="at least one"):
        generate_random(0, 3, seed=1)


@pytest.mark.slow
def test_scale_instance_of_a_hundred_thousand_persons() -> None:
    batch = generate_random(30_000, 100, seed=11)
    assert 90_000 <= batch.persons_count <= 110_000
    ids = {m.person_id for case in batch.cases for m in case.members}
    assert len(ids) == batch.persons_count
