"""The replayed screening history: every case reaches its generated status through the real
workflow, and the history keeps the workflow's invariants."""

from collections import Counter
from dataclasses import replace
from itertools import pairwise

import pytest

from resettle.core import CaseStatus, RegistryBatch
from resettle.screening.exclusion import ASHRAF_TRIGGERS
from resettle.screening.ports import ScreeningSettings
from resettle.screening.workflow import REFERRAL_STATES, SUBMISSION_STATES, Action
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import EXCLUSION_TRIGGERS, AshrafConfig
from resettle.simulation.memory_store import MemoryScreeningStore
from resettle.simulation.screening_replay import replay_screening

CONFIG = replace(AshrafConfig(), population=900)
SETTINGS = ScreeningSettings(protection=CONFIG.protection, triggers=ASHRAF_TRIGGERS)
Replayed = tuple[RegistryBatch, RegistryBatch, MemoryScreeningStore]


@pytest.fixture(scope="module")
def replayed() -> Replayed:
    batch = generate_ashraf(21, CONFIG)
    final, store = replay_screening(batch, seed=21, as_of=CONFIG.as_of, settings=SETTINGS)
    return batch, final, store


def test_every_case_reaches_its_generated_status(replayed: Replayed) -> None:
    batch, final, _ = replayed
    assert [c.status for c in final.cases] == [c.status for c in batch.cases]
    assert [c.members for c in final.cases] == [c.members for c in batch.cases]
    assert len(Counter(c.status for c in final.cases)) >= 15


def test_history_is_complete_ordered_and_before_the_snapshot(replayed: Replayed) -> None:
    _, final, store = replayed
    for case in final.cases:
        history = store.history(case.case_id)
        assert [e.sequence for e in history] == list(range(1, len(history) + 1))
        assert all(a.at <= b.at for a, b in pairwise(history))
        status = CaseStatus.REGISTERED
        for event in history:
            assert event.from_status == status
            status = event.to_status
        assert status == case.status
        if history:
            assert history[-1].at.date() <= CONFIG.as_of
            assert history[0].at.date() >= case.registered_on


def test_workflow_invariants_hold(replayed: Replayed) -> None:
    _, final, store = replayed
    pledges = {p.country: p for p in final.pledges}
    for case in final.cases:
        ids = [m.person_id for m in case.members]
        adults = {m.person_id for m in case.members if m.is_adult_on(CONFIG.as_of)}
        reviews = store.reviews_of(ids)
        history = store.history(case.case_id)
        if case.status in SUBMISSION_STATES:
            assert not [r for r in reviews if r.is_open or r.excluded]
            private = {i.person_id for i in store.interviews_of(ids) if i.private}
            assert adults <= private
        if case.status in REFERRAL_STATES:
            assert adults <= {c.person_id for c in store.consents_of(ids) if c.given}
        for event in history:
            if event.action == Action.REFER:
                country = event.data["country"]
                assert country not in {"IRN", "IRQ"}
                assert pledges[country].criteria.admits(case)[0]
            if event.action == Action.RECOMMEND:
                drafted = [e for e in history if e.action == Action.DRAFT_SUBMISSION]
                assert drafted[-1].actor != event.actor
        for review in reviews:
            if review.assessment is not None and review.reviewer:
                assert review.reviewer != review.assessment.assessor
        if reviews:
            assert case.profiles & EXCLUSION_TRIGGERS
    assert any(not i.private for p in store.interviews for i in store.interviews[p])


def test_exclusion_is_individual_and_some_cases_sit_in_review(replayed: Replayed) -> None:
    _, final, store = replayed
    statuses = Counter(c.status for c in final.cases)
    assert statuses[CaseStatus.EXCLUSION_REVIEW] > 0
    for case in final.cases:
        if case.status == CaseStatus.EXCLUDED:
            assert case.size == 1
            assert all(r.excluded for r in store.reviews_of([case.principal_id]))


def test_replay_is_deterministic() -> None:
    small = replace(CONFIG, population=150)
    batch = generate_ashraf(3, small)
    one = replay_screening(batch, seed=3, as_of=small.as_of, settings=SETTINGS)[1]
    two = replay_screening(batch, seed=3, as_of=small.as_of, settings=SETTINGS)[1]
    assert one.all_events() == two.all_events()
    assert one.all_interviews() == two.all_interviews()
