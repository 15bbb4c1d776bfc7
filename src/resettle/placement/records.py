"""Placement inputs as records (from files or the registry), before they become arrays.

A :class:`PlacementCase` is a case's summary as placement needs it: size, priority, needs per
capacity dimension, its no-return list, relatives' countries, what a pledge may check
(services needed, profiles) and what caseworkers decided (prohibited localities, a lock).
:func:`placement_inputs_from_registry` derives them from core ``Case``/``Locality``/``Pledge``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from resettle.core import Case, Locality, Pledge, PledgeCriteria, Priority
from resettle.core.protection import Declared, ProtectionSettings, no_return_countries


class TieMode(StrEnum):
    """How relatives in a country shape placement."""

    IGNORE = "ignore"
    BONUS = "bonus"  # add ``tie_bonus`` to the score of localities in a relative's country
    REQUIRED = "required"  # a case with relatives abroad may only go to one of those countries


@dataclass(frozen=True)
class PlacementCase:
    case_id: str
    size: int
    priority: Priority = Priority.NORMAL
    needs: Mapping[str, int] = field(default_factory=dict)  # extra dimensions; persons = size
    no_return: frozenset[str] = frozenset()  # ISO3, every member's list combined
    # Host states that refused the case (refused, not considered, split declined): country ->
    # what happened, e.g. "ALB refused the case on 2013-05-02". Never proposed there again.
    refused: Mapping[str, str] = field(default_factory=dict)
    relative_countries: frozenset[str] = frozenset()
    forbidden_localities: frozenset[str] = frozenset()  # caseworker prohibitions
    lock_locality: str | None = None  # caseworker's "this case goes to X"
    services_needed: frozenset[str] = frozenset()
    profiles: frozenset[str] = frozenset()
    group: str = ""  # for per-group fairness floors


@dataclass(frozen=True)
class PlacementLocality:
    locality_id: str
    country: str
    capacity: Mapping[str, int]  # per dimension; "persons" is required
    # Criteria of the pledges behind the locality: admitted if any admits. ``None``: no
    # criteria known (file input), everyone admitted; ``()``: no pledge, nobody admitted.
    criteria: tuple[PledgeCriteria, ...] | None = None


@dataclass(frozen=True)
class GroupFloorSpec:
    min_share_placed: float = 0.0
    min_mean_score: float | None = None


@dataclass(frozen=True)
class BuildOptions:
    ties: TieMode = TieMode.BONUS
    tie_bonus: float = 0.05
    # Fairness per case: keep only localities scoring at least this fraction of the case's best
    # allowed score (scores are assumed non-negative; a lock always stays allowed).
    score_floor_ratio: float | None = None
    group_floors: Mapping[str, GroupFloorSpec] = field(default_factory=dict)
    outcome_per_person: bool = True
    coverage_tier: bool = True


def placement_inputs_from_registry(
    cases: Iterable[Case],
    localities: Iterable[Locality],
    pledges: Iterable[Pledge],
    *,
    on: date,
    protection: ProtectionSettings,
    forbidden: Mapping[str, Iterable[str]] | None = None,
    locks: Mapping[str, str] | None = None,
    group_of: Mapping[str, str] | None = None,
    declared: Declared | None = None,
    refused: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[list[PlacementCase], list[PlacementLocality]]:
    """Summarise registry records for placement on day ``on``.

    A locality is admitted under the criteria of its country's pledges active on ``on``;
    a country without an active pledge admits nobody. The no-return list comes from
    :func:`resettle.core.protection.no_return_countries` (members' nationalities, the fears
    they declared since, ``declared`` by person id, and the first-asylum country when
    configured); ``refused``: by case id, the host states that refused it and why.
    """
    refused = refused or {}
    forbidden = forbidden or {}
    locks = locks or {}
    group_of = group_of or {}
    placement_cases = [
        PlacementCase(
            case_id=case.case_id,
            size=case.size,
            priority=case.processing_priority,
            needs={str(d): n for d, n in case.needs(on).as_dict().items() if str(d) != "persons"},
            no_return=no_return_countries(case, protection, declared),
            refused=dict(refused.get(case.case_id, {})),
            relative_countries=case.relative_countries,
            forbidden_localities=frozenset(forbidden.get(case.case_id, ())),
            lock_locality=locks.get(case.case_id),
            services_needed=case.services_needed,
            profiles=case.profiles,
            group=group_of.get(case.case_id, ""),
        )
        for case in cases
    ]
    active: dict[str, list[PledgeCriteria]] = {}
    for pledge in pledges:
        if pledge.period_start <= on <= pledge.period_end:
            active.setdefault(pledge.country, []).append(pledge.criteria)
    placement_localities = [
        PlacementLocality(
            locality_id=loc.locality_id,
            country=loc.country,
            capacity={str(d): int(n) for d, n in loc.capacity.items()},
            criteria=tuple(active.get(loc.country, ())),
        )
        for loc in localities
    ]
    return placement_cases, placement_localities
