"""Counts over a registry: by status, sex, age band, nationality, priority and needs. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from resettle.core import (
    Case,
    CaseStatus,
    Dimension,
    Person,
    Priority,
    RegistryBatch,
    Sex,
)

K = TypeVar("K", bound=str)

# UNHCR's demographic bands (0-4, 5-11, 12-17, 18-59, 60+), the adults split further because
# the Ashraf population is almost all adults.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-4", 0, 4), ("5-11", 5, 11), ("12-17", 12, 17), ("18-24", 18, 24),
    ("25-39", 25, 39), ("40-59", 40, 59), ("60+", 60, 200),
)


def age_band(age: int) -> str:
    return next(name for name, low, high in AGE_BANDS if low <= age <= high)


@dataclass(frozen=True)
class RegistryStats:
    """What an operation asks first: who is in the registry, where they stand, what they need."""

    on: date
    cases: int
    persons: int
    cases_by_status: Mapping[CaseStatus, int]
    persons_by_status: Mapping[CaseStatus, int]
    persons_by_sex: Mapping[Sex, int]
    persons_by_age_band: Mapping[str, int]
    persons_by_nationality: Mapping[str, int]
    cases_by_priority: Mapping[Priority, int]
    needs_total: Mapping[Dimension, int]  # summed demand over cases
    cases_needing: Mapping[Dimension, int]  # cases with a non-zero demand in the dimension
    cases_by_service: Mapping[str, int]
    persons_with_relatives_abroad: int
    mean_age: float
    localities: int = 0
    pledges: int = 0
    capacity_total: Mapping[Dimension, int] = field(default_factory=dict)
    pledged_persons: int = 0

    def share(self, count: int, *, of_cases: bool = False) -> float:
        whole = self.cases if of_cases else self.persons
        return count / whole if whole else 0.0


def _ordered(counter: Counter[K], order: Iterable[K]) -> dict[K, int]:
    """Keys in a fixed order (pipeline, bands), then anything else alphabetically; no zeros."""
    keys = list(order)
    rest = sorted(k for k in counter if k not in keys)
    return {k: counter[k] for k in [*keys, *rest] if counter[k]}


def registry_stats(source: RegistryBatch | Iterable[Case], on: date) -> RegistryStats:
    """Counts for a batch (cases, localities, pledges) or for cases alone, on a given day."""
    batch = source if isinstance(source, RegistryBatch) else RegistryBatch(tuple(source))
    members: list[Person] = [m for case in batch.cases for m in case.members]
    ages = [m.age_on(on) for m in members]
    needs = [case.needs(on) for case in batch.cases]
    return RegistryStats(
        on=on,
        cases=len(batch.cases),
        persons=len(members),
        cases_by_status=_ordered(Counter(c.status for c in batch.cases), CaseStatus),
        persons_by_status=_ordered(Counter(c.status for c in batch.cases for _ in c.members),
                                   CaseStatus),
        persons_by_sex=_ordered(Counter(m.sex for m in members), Sex),
        persons_by_age_band=_ordered(Counter(age_band(a) for a in ages),
                                     (name for name, _, _ in AGE_BANDS)),
        persons_by_nationality=dict(Counter(m.nationality for m in members).most_common()),
        cases_by_priority=_ordered(Counter(c.processing_priority for c in batch.cases),
                                   Priority),
        needs_total={d: sum(n[d] for n in needs) for d in Dimension},
        cases_needing={d: sum(n[d] > 0 for n in needs) for d in Dimension},
        cases_by_service=dict(sorted(Counter(
            s for c in batch.cases for s in c.services_needed).items())),
        persons_with_relatives_abroad=sum(bool(m.relatives) for m in members),
        mean_age=sum(ages) / len(ages) if ages else 0.0,
        localities=len(batch.localities),
        pledges=len(batch.pledges),
        capacity_total={d: sum(loc.capacity_in(d) for loc in batch.localities)
                        for d in Dimension},
        pledged_persons=sum(p.places_persons for p in batch.pledges),
    )


def summarize_stats(stats: RegistryStats) -> list[str]:
    """A few plain lines for the demo and the end of `resettle stats`."""
    male = stats.persons_by_sex.get(Sex.MALE, 0)
    departed = stats.persons_by_status.get(CaseStatus.DEPARTED, 0)
    in_pipeline = len(stats.cases_by_status)
    lines = [
        f"{stats.persons:,} persons in {stats.cases:,} cases; "
        f"{stats.share(male):.0%} male; mean age {stats.mean_age:.1f}",
        f"{departed:,} persons departed; cases spread over {in_pipeline} pipeline states",
        f"{stats.needs_total[Dimension.MEDICAL_PLACES]:,} medical places needed, "
        f"{stats.cases_needing[Dimension.ACCESSIBLE_UNITS]:,} accessible units; "
        f"{stats.share(stats.persons_with_relatives_abroad):.0%} with relatives abroad",
    ]
    if stats.localities:
        lines.append(
            f"{stats.localities} localities, {stats.pledges} pledges for "
            f"{stats.pledged_persons:,} persons "
            f"({stats.capacity_total[Dimension.MEDICAL_PLACES]:,} medical places)"
        )
    return lines


def label(value: object) -> str:
    """How a key reads in a table: enum values as words."""
    text = value.name.lower() if isinstance(value, StrEnum) else str(value)
    return text.replace("_", " ")
