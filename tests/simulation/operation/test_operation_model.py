"""The SimPy pipeline model: conservation, the offer timeline, determinism, capacity."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from operation_helpers import START, cases, instant, params

from resettle.simulation.operation.model import run_replication
from resettle.simulation.operation.params import CaseStart, Delay, PledgeEvent, Stage
from resettle.simulation.operation.streams import Streams, replication_seeds

SEED = replication_seeds(11, 1)[0]

case_starts = st.builds(
    CaseStart, persons=st.integers(1, 5), adults=st.integers(0, 3),
    stage=st.sampled_from([s for s in Stage if s != Stage.FLIGHT]),
    days_in_stage=st.floats(0, 400), country=st.sampled_from([None, "ALB", "DEU"]),
    refused_by=st.sampled_from([(), ("ALB",), ("DEU",)]),
    resume_stage=st.sampled_from([None, Stage.SUBMISSION, Stage.PLACEMENT]),
    arrives_day=st.sampled_from([0.0, 0.0, 30.0]),
)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(starts=st.lists(case_starts, min_size=0, max_size=25), places=st.integers(0, 60),
       attack_rate=st.sampled_from([0.0, 0.05]), seed=st.integers(0, 2**32 - 1))
def test_everyone_is_in_exactly_one_state(starts: list[CaseStart], places: int,
                                          attack_rate: float, seed: int) -> None:
    pledges = (PledgeEvent(START, "ALB", places), PledgeEvent(START + timedelta(days=200),
                                                              "DEU", places // 2))
    p = params(pledges=pledges, attack_rate_per_day=attack_rate, kill_share_per_attack=0.2,
               horizon_days=2000.0)
    run = run_replication(p, starts, np.random.SeedSequence(seed))
    assert run.persons_in == sum(c.persons for c in starts)
    assert run.departed + run.died + run.ended + run.in_camp == run.persons_in
    assert run.population.min(initial=0) >= 0
    # The camp's population at the end is exactly who is still waiting.
    final = run.population[-1] if len(run.population) else 0
    assert final == run.in_camp
    assert run.departures[:, 1].sum() == run.departed
    assert (run.departures[:, 1] > 0).all()  # a case killed while waiting does not "depart"
    holding = sum(c.persons for c in starts if c.country and c.stage >= Stage.HOST_DECISION)
    assert run.departed <= places + places // 2 + holding  # never more than the places


def test_unlimited_capacity_and_no_delay_reproduce_the_offer_timeline() -> None:
    offers = ((0, 5), (10, 7), (45, 3), (120, 11))
    pledges = tuple(PledgeEvent(START + timedelta(days=d), "ALB", n) for d, n in offers)
    run = run_replication(instant(pledges), cases(40), SEED)
    days, counts = np.unique(run.departures[:, 0], return_inverse=True)
    per_day = np.bincount(counts, weights=run.departures[:, 1])
    assert list(days) == [d for d, _ in offers]
    assert list(per_day) == [n for _, n in offers]
    assert run.in_camp == 40 - 26


def test_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    p, starts = params(places=60), cases(80)
    seed = replication_seeds(5, 2)[0]
    first, again = (run_replication(p, starts, seed) for _ in range(2))  # reused: same run
    other = run_replication(p, starts, replication_seeds(5, 2)[1])
    assert np.array_equal(first.departures, again.departures)
    assert first.person_days() == again.person_days()
    assert not np.array_equal(first.departures, other.departures)


def test_more_interviewers_never_make_the_last_departure_later_on_common_numbers() -> None:
    # Interviews are the bottleneck here: 200 adults, a day each, two interviewers.
    p = params(places=400, interviewers=2, attack_rate_per_day=0.0)
    starts = cases(100, persons=2)
    seeds = replication_seeds(3, 8)
    few = np.array([run_replication(p, starts, s).end_day for s in seeds])
    many = np.array([run_replication(replace(p, interviewers=6), starts, s).end_day
                     for s in seeds])
    assert np.median(many) <= np.median(few)
    assert np.all(many <= few + 1e-9)  # paired: every replication, not only on average
    assert np.median(few) - np.median(many) > 30  # and the lever is not a no-op


def test_a_case_refused_everywhere_waits_in_the_camp_never_returned() -> None:
    refused_everywhere = params(default_host=replace(params().default_host, refuse_share=1.0),
                                reject_share=0.0, exclude_share=0.0, attack_rate_per_day=0.0)
    pledges = (PledgeEvent(START, "ALB", 10), PledgeEvent(START, "DEU", 10))
    run = run_replication(replace(refused_everywhere, pledges=pledges), cases(5), SEED)
    assert run.departed == 0 and run.in_camp == 5  # refused by both: waits, never returned
    assert run.refused_where_room == 5  # the forecast can say why they wait
    no_room = run_replication(params(places=0, reject_share=0.0, exclude_share=0.0,
                                     attack_rate_per_day=0.0), cases(5), SEED)
    assert no_room.in_camp == 5 and no_room.refused_where_room == 0


def test_a_delay_already_served_is_continued_not_restarted() -> None:
    streams = Streams.of(SEED, 3)
    exact = Delay(100.0, 0.0)
    assert streams.delay(0, 0, exact, 30.0) == 70.0
    assert streams.delay(0, 0, exact, 130.0) == 0.0
    spread = Delay(100.0, 0.6)
    # Conditioned on having lasted 500 days (far beyond the median), some wait remains, and
    # a case that waited longer does not jump ahead of one that waited less (same draw).
    assert streams.delay(1, 0, spread, 500.0) > 0
    assert streams.delay(1, 0, spread, 200.0) + 200.0 <= streams.delay(1, 0, spread, 500.0) + 500


def test_attacks_kill_in_proportion_to_the_persons_present() -> None:
    p = params(places=0, attack_rate_per_day=0.02, kill_share_per_attack=0.05,
               horizon_days=1000.0)
    small = run_replication(p, cases(40), SEED)
    large = run_replication(p, cases(400), SEED)
    assert small.attacks == large.attacks  # the same attack times (own stream)
    assert large.died > small.died
    assert large.person_days() > small.person_days()


def test_joblib_and_a_local_dask_cluster_give_the_same_answer_for_the_same_seed() -> None:
    from dask.distributed import LocalCluster

    from resettle.simulation.operation.forecast import Metrics, simulate_replications

    p, starts = params(places=50, attack_rate_per_day=0.01), cases(60)
    here = Metrics.of(simulate_replications(p, starts, 4, seed=9))
    pooled = Metrics.of(simulate_replications(p, starts, 4, seed=9, jobs=2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        cluster_runs = simulate_replications(p, starts, 4, seed=9,
                                             scheduler=cluster.scheduler_address)
    on_dask = Metrics.of(cluster_runs)
    for other in (pooled, on_dask):
        assert np.array_equal(here.end_day, other.end_day)
        assert np.array_equal(here.person_days, other.person_days)
        assert np.array_equal(here.deaths, other.deaths)


def test_no_case_is_an_empty_run_not_a_crash() -> None:
    from resettle.simulation.operation.forecast import forecast_operation

    forecast = forecast_operation(params(), (), replications=2, seed=1)
    assert forecast.persons_waiting == 0 and forecast.share_everyone_left == 1.0
    assert forecast.in_camp.max(initial=0) == 0
