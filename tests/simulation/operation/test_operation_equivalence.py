"""The model's cheap events change nothing: per seed, the same replication as the plain model.

The figures below were produced by the plain model of commit d57acc6 (one SimPy process per
case and step, ``simpy.Resource`` for interviewers and reviewers, a flight every interval
whether anyone waited or not, a waiting event for every placement) on this world, which has
cases in every stage, delays already served, late arrivals, holds, refusals, interview and
review queues, three states' pledges and attacks. Only flight times may differ by rounding
(the next flight is found on the grid instead of by adding the interval each time).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from operation_helpers import START, params

from resettle.simulation.operation.model import run_replication
from resettle.simulation.operation.params import CaseStart, Delay, HostTerms, PledgeEvent, Stage
from resettle.simulation.operation.streams import replication_seeds

# (departed, died, ended, in camp, person-days, last flight day) per seed, from the plain model
PLAIN_MODEL = [
    (230, 54, 14, 2, 86482.093784, 572.0229488437283),
    (227, 47, 23, 3, 82905.742555, 587.6572920763733),
    (240, 25, 28, 7, 97985.284279, 645.6253179167811),
]


def world() -> tuple[object, tuple[CaseStart, ...]]:
    stages = [s for s in Stage if s != Stage.FLIGHT]
    starts = tuple(
        CaseStart(1 + i % 4, 1 + i % 3, stages[i % len(stages)], days_in_stage=float(7 * (i % 11)),
                  country=("ALB", "DEU", None)[i % 3], refused_by=("DEU",) if i % 7 == 0 else (),
                  resume_stage=Stage.SUBMISSION if i % 2 else Stage.PLACEMENT,
                  arrives_day=30.0 if i % 9 == 0 else 0.0)
        for i in range(120))
    pledges = (PledgeEvent(START, "ALB", 80), PledgeEvent(START + timedelta(days=200), "DEU", 90),
               PledgeEvent(START + timedelta(days=400), "FRA", 60))
    p = params(pledges=pledges, attack_rate_per_day=0.01, kill_share_per_attack=0.05,
               interviewers=2, exclusion_reviewers=2,
               default_host=HostTerms(Delay(60.0, 0.5), 0.2, 14.0, 20), horizon_days=3000.0)
    return p, starts


@pytest.mark.parametrize(("at", "expected"), list(enumerate(PLAIN_MODEL)))
def test_each_seed_gives_what_the_plain_model_gave(at: int,
                                                   expected: tuple[float, ...]) -> None:
    p, starts = world()
    run = run_replication(p, starts, replication_seeds(13, 3)[at])  # type: ignore[arg-type]
    departed, died, ended, in_camp, person_days, last_flight = expected
    assert (run.departed, run.died, run.ended, run.in_camp) == (departed, died, ended, in_camp)
    assert run.person_days() == pytest.approx(person_days, abs=1e-5)
    assert run.last_flight_day == pytest.approx(last_flight, abs=1e-9)
