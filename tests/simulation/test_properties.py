"""Properties over many seeds and sizes: every record valid, nobody sent towards Iran or Iraq,
every replayed case at its generated status."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resettle.core.protection import no_return_countries
from resettle.screening.exclusion import ASHRAF_TRIGGERS
from resettle.screening.ports import ScreeningSettings
from resettle.screening.workflow import Action
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig
from resettle.simulation.random_instances import generate_random
from resettle.simulation.screening_replay import replay_screening

CONFIG = AshrafConfig()
SETTINGS = ScreeningSettings(protection=CONFIG.protection, triggers=ASHRAF_TRIGGERS)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), population=st.integers(1, 120))
def test_any_ashraf_world_is_valid_and_replayable(seed: int, population: int) -> None:
    config = replace(CONFIG, population=population)
    batch = generate_ashraf(seed, config)
    assert batch.persons_count == population
    assert [i for c in batch.cases for i in c.issues(declared_size=c.size)] == []
    assert [i for loc in batch.localities for i in loc.issues()] == []
    assert [i for p in batch.pledges for i in p.issues()] == []
    final, store = replay_screening(batch, seed=seed, as_of=config.as_of, settings=SETTINGS)
    assert [c.status for c in final.cases] == [c.status for c in batch.cases]
    for case in final.cases:
        barred = no_return_countries(case, config.protection)
        assert {"IRN", "IRQ"} <= barred
        for event in store.history(case.case_id):
            if event.action == Action.REFER:
                assert event.data["country"] not in barred


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cases=st.integers(1, 60),
       localities=st.integers(1, 12))
def test_any_random_instance_is_valid(seed: int, cases: int, localities: int) -> None:
    batch = generate_random(cases, localities, seed)
    assert len(batch.cases) == cases and len(batch.localities) == localities
    assert [i for c in batch.cases for i in c.issues(declared_size=c.size)] == []
    assert [i for loc in batch.localities for i in loc.issues()] == []
    hosts = {loc.country for loc in batch.localities}
    assert all(not (c.no_return_countries & hosts) for c in batch.cases)
