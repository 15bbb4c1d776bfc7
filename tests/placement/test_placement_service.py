"""The placement service's own rules: refusals are pair rules, declared fears reach the
no-return list (and the input hash), and places held by host states are kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

import pytest

from registry_samples import make_case, make_person
from resettle.core import Case, CaseStatus, Locality, Pledge, RegistryBatch
from resettle.core.needs import Dimension
from resettle.core.protection import ProtectionSettings
from resettle.errors import BadParameterError, ConflictError, NotFoundError, RefoulementError
from resettle.placement.explain import CaseExplanation, ShadowPrice
from resettle.placement.ports import PlacementInputs
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun
from resettle.placement.service import decide_placement, place_ready_cases, remaining_localities

DAY = date(2015, 6, 30)
NOW = datetime(2015, 6, 30, 12)


class MemoryPlacementStore:
    def __init__(self, inputs: PlacementInputs) -> None:
        self.inputs = inputs
        self.runs: dict[str, PlacementRun] = {}
        self.prices: dict[str, list[ShadowPrice]] = {}
        self.decisions: list[PlacementDecision] = []

    def placement_inputs(self, case_ids: Sequence[str] | None = None) -> PlacementInputs:
        return self.inputs

    def run_decisions(self, run_id: str) -> list[PlacementDecision]:
        return [d for d in self.decisions if d.run_id == run_id]

    def run_places(self, run_id: str) -> list[ShadowPrice]:
        return self.prices.get(run_id, [])

    def get_locality(self, locality_id: str) -> Locality:
        found = [loc for loc in self.inputs.batch.localities if loc.locality_id == locality_id]
        if not found:
            raise NotFoundError(locality_id)
        return found[0]

    def get_case(self, case_id: str) -> Case:
        return next(c for c in self.inputs.batch.cases if c.case_id == case_id)

    def get_run(self, run_id: str) -> PlacementRun:
        return self.runs[run_id]

    def save_run(self, run: PlacementRun, cases: Sequence[CaseExplanation],
                 prices: Sequence[ShadowPrice]) -> None:
        self.runs[run.run_id] = run
        self.prices[run.run_id] = list(prices)

    def record_decision(self, decision: PlacementDecision) -> None:
        self.decisions.append(decision)


def world(*, declared: Mapping[str, Sequence[str]] | None = None,
          refused: Mapping[str, Mapping[str, str]] | None = None,
          holding: Mapping[str, str] | None = None) -> MemoryPlacementStore:
    cases = tuple(make_case(c, [make_person(f"{c}-P1", c)],
                            status=CaseStatus.READY_FOR_REFERRAL) for c in ("A", "B"))
    held = make_case("H", [make_person("H-P1", "H"), make_person("H-P2", "H")],
                     status=CaseStatus.ACCEPTED)
    localities = tuple(Locality(f"{c}-1", c, c, capacity={Dimension.PERSONS: 2})
                       for c in ("ALB", "DEU"))
    pledges = tuple(Pledge(f"PL-{c}", c, date(2015, 1, 1), date(2015, 12, 31), 2)
                    for c in ("ALB", "DEU"))
    return MemoryPlacementStore(PlacementInputs(
        RegistryBatch(cases=(*cases, held), localities=localities, pledges=pledges),
        ProtectionSettings(first_asylum_country="IRQ"), declared or {}, refused or {},
        holding or {}))


def placed(store: MemoryPlacementStore) -> dict[str, str | None]:
    outcome = place_ready_cases(store, on=DAY, solver="exact", time_limit=30, seed=0,
                                label="t", actor="t", now=NOW)
    return {c: loc for c, loc, _ in outcome.run.assignments}


def test_a_refusal_is_a_pair_rule_and_a_declared_fear_changes_the_hash() -> None:
    plain = world()
    first = place_ready_cases(plain, on=DAY, solver="exact", time_limit=30, seed=0,
                              label="t", actor="t", now=NOW)
    feared = world(declared={"A-P1": ["ALB"]}, refused={"B": {"DEU": "DEU: refused"}})
    second = place_ready_cases(feared, on=DAY, solver="exact", time_limit=30, seed=0,
                               label="t", actor="t", now=NOW)
    where = {c: loc for c, loc, _ in second.run.assignments}
    assert where == {"A": "DEU-1", "B": "ALB-1"}
    assert second.replacing == ("B",)
    assert first.run.inputs_hash != second.run.inputs_hash


def test_a_held_case_keeps_its_place() -> None:
    store = world(holding={"H": "ALB"})
    localities, held = remaining_localities(store.inputs)
    assert held == 2
    assert {loc.locality_id: loc.capacity[Dimension.PERSONS] for loc in localities} == {
        "ALB-1": 0, "DEU-1": 2}
    assert set(placed(store).values()) == {"DEU-1"}  # both ready cases go where places remain


@pytest.mark.parametrize(("locality", "error"), [("ALB-1", RefoulementError),
                                                 ("DEU-1", ConflictError)])
def test_override_refuses_feared_and_refused_states(locality: str,
                                                    error: type[Exception]) -> None:
    store = world(declared={"A-P1": ["ALB"]}, refused={"A": {"DEU": "DEU: refused"}})
    outcome = place_ready_cases(store, on=DAY, solver="exact", time_limit=30, seed=0,
                                label="t", actor="t", now=NOW)
    with pytest.raises(error):
        decide_placement(store, outcome.run.run_id, "A", DecisionAction.OVERRIDE,
                         locality_id=locality, reason="wish", actor="o", at=NOW)
    assert store.decisions == []
    store.inputs = replace(store.inputs, declared={})
    decide_placement(store, outcome.run.run_id, "A", DecisionAction.OVERRIDE,
                     locality_id="ALB-1", reason="wish", actor="o", at=NOW)
    assert [d.locality_id for d in store.decisions] == ["ALB-1"]


def test_a_time_limit_below_the_fixed_work_is_refused_before_solving() -> None:
    store = world()
    with pytest.raises(BadParameterError) as caught:
        place_ready_cases(store, on=DAY, solver="exact", time_limit=1e-6, seed=0,
                          label="t", actor="t", now=NOW)
    assert "Give a time limit of at least" in str(caught.value)
    assert store.runs == {}  # nothing stored
