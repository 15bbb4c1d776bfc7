"""The placement service refuses decisions that make no sense, whoever asks (CLI, API,
pages): accepting a case the run left unplaced, an override with no locality or an unknown
one, and an override into a locality the run filled unless the overrun is confirmed with a
reason. A property: whatever overrides an officer sends unconfirmed, no locality ends up
holding more persons than the run had places for."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_placement_service import DAY, NOW, MemoryPlacementStore

from registry_samples import make_case, make_person
from resettle.core import CaseStatus, Locality, Pledge, RegistryBatch
from resettle.core.needs import Dimension
from resettle.core.protection import ProtectionSettings
from resettle.errors import ValidationError
from resettle.placement.decision_rules import OVERRUN_NOTE
from resettle.placement.ports import PlacementInputs
from resettle.placement.runs import DecisionAction, PlacementRun
from resettle.placement.service import decide_placement, place_ready_cases

CASES = ("A", "B", "C")
LOCALITIES = ("ALB-1", "DEU-1")


def tight_world() -> MemoryPlacementStore:
    """Three one-person cases, two localities of one place each: one case is left out."""
    cases = tuple(make_case(c, [make_person(f"{c}-P1", c)],
                            status=CaseStatus.READY_FOR_REFERRAL) for c in CASES)
    localities = tuple(Locality(loc, loc[:3], f"Town {loc}", capacity={Dimension.PERSONS: 1})
                       for loc in LOCALITIES)
    pledges = tuple(Pledge(f"PL-{c}", c, date(2015, 1, 1), date(2015, 12, 31), 1)
                    for c in ("ALB", "DEU"))
    return MemoryPlacementStore(PlacementInputs(
        RegistryBatch(cases=cases, localities=localities, pledges=pledges),
        ProtectionSettings(first_asylum_country="IRQ")))


def run_of(store: MemoryPlacementStore) -> PlacementRun:
    return place_ready_cases(store, on=DAY, solver="exact", time_limit=30, seed=0,
                             label="t", actor="t", now=NOW).run


def codes(refused: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str | None]]:
    return [(i.code, i.field) for i in refused.value.issues]


def test_accepting_an_unplaced_case_is_refused() -> None:
    store = tight_world()
    run = run_of(store)
    (left_out,) = [c for c, loc, _ in run.assignments if loc is None]
    with pytest.raises(ValidationError) as refused:
        decide_placement(store, run.run_id, left_out, DecisionAction.ACCEPT, actor="o", at=NOW)
    assert codes(refused) == [("nothing_to_accept", "action")]
    assert "left case" in refused.value.issues[0].message and store.decisions == []


@pytest.mark.parametrize(("locality", "reason", "expected"), [
    (None, "family", [("missing_value", "locality_id")]),
    ("  ", "", [("missing_value", "locality_id"), ("missing_value", "reason")]),
    ("NOWHERE", "family", [("unknown_id", "locality_id")]),
])
def test_an_override_names_a_known_locality_and_a_reason(
        locality: str | None, reason: str, expected: list[tuple[str, str]]) -> None:
    store = tight_world()
    run = run_of(store)
    with pytest.raises(ValidationError) as refused:
        decide_placement(store, run.run_id, "A", DecisionAction.OVERRIDE, actor="o", at=NOW,
                         locality_id=locality, reason=reason)
    assert codes(refused) == expected and store.decisions == []


def test_an_override_into_a_full_locality_needs_a_confirmed_overrun() -> None:
    store = tight_world()
    run = run_of(store)
    where = {c: loc for c, loc, _ in run.assignments}
    (left_out,) = [c for c, loc in where.items() if loc is None]
    first, _ = sorted(c for c, loc in where.items() if loc)
    with pytest.raises(ValidationError) as refused:
        decide_placement(store, run.run_id, left_out, DecisionAction.OVERRIDE, actor="o",
                         at=NOW, locality_id=where[first], reason="relatives there")
    assert codes(refused) == [("capacity_exceeded", "locality_id")]
    assert "1 of 1 taken" in refused.value.issues[0].message
    with pytest.raises(ValidationError):  # confirmed, but without a reason
        decide_placement(store, run.run_id, left_out, DecisionAction.OVERRIDE, actor="o",
                         at=NOW, locality_id=where[first], reason=" ", confirm_overrun=True)
    decided = decide_placement(store, run.run_id, left_out, DecisionAction.OVERRIDE,
                               actor="o", at=NOW, locality_id=where[first],
                               reason="relatives there", confirm_overrun=True)
    assert decided.reason == f"{OVERRUN_NOTE}: relatives there"
    assert decided.locality_id == where[first]


def test_a_place_freed_by_an_earlier_override_takes_a_case_without_confirmation() -> None:
    store = tight_world()
    run = run_of(store)
    where = {c: loc for c, loc, _ in run.assignments}
    (left_out,) = [c for c, loc in where.items() if loc is None]
    first, second = sorted(c for c, loc in where.items() if loc)
    decide_placement(store, run.run_id, first, DecisionAction.OVERRIDE, actor="o", at=NOW,
                     locality_id=where[second], reason="joins B", confirm_overrun=True)
    decide_placement(store, run.run_id, left_out, DecisionAction.OVERRIDE, actor="o", at=NOW,
                     locality_id=where[first], reason="the freed place")  # no overrun now
    assert [d.locality_id for d in store.decisions] == [where[second], where[first]]


def test_accepting_a_proposal_records_where_it_goes() -> None:
    store = tight_world()
    run = run_of(store)
    case_id, loc, _ = next(a for a in run.assignments if a[1])
    decided = decide_placement(store, run.run_id, case_id, DecisionAction.ACCEPT, actor="o",
                               at=NOW)
    assert decided.locality_id == loc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CASES), st.sampled_from(LOCALITIES)), max_size=8))
def test_unconfirmed_overrides_never_overfill_a_locality(moves: list[tuple[str, str]]) -> None:
    store = tight_world()
    run = run_of(store)
    for case_id, locality in moves:
        try:
            decide_placement(store, run.run_id, case_id, DecisionAction.OVERRIDE, actor="o",
                             at=NOW, locality_id=locality, reason="move")
        except ValidationError as refused:
            assert {i.code for i in refused.issues} == {"capacity_exceeded"}
    now = {c: loc for c, loc, _ in run.assignments}
    now.update({d.case_id: d.locality_id for d in store.decisions})
    for locality in LOCALITIES:
        assert sum(loc == locality for loc in now.values()) <= 1
