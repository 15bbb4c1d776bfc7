"""Where people can go: localities in host states, and the pledges of places behind them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from resettle.core.case import Case
from resettle.core.codes import is_country_code, is_language_code
from resettle.core.issues import Issue
from resettle.core.needs import Dimension

Capacity = Mapping[Dimension, int]


@dataclass(frozen=True)
class Locality:
    locality_id: str
    country: str  # ISO 3166-1 alpha-3
    name: str
    region: str = ""
    services: frozenset[str] = frozenset()  # e.g. "dialysis", "trauma_care"
    capacity: Capacity = field(default_factory=dict)
    languages: tuple[str, ...] = ()  # ISO 639-3, spoken locally
    urban: bool = True
    # Labour market, for outcome prediction: sectors short of workers, and the jobless share.
    sectors_in_demand: frozenset[str] = frozenset()  # e.g. "construction", "care"
    unemployment_rate: float | None = None  # 0..1; None when unknown

    def capacity_in(self, dimension: Dimension) -> int:
        return int(self.capacity.get(dimension, 0))

    def issues(self) -> list[Issue]:
        found: list[Issue] = []
        if not is_country_code(self.country):
            found.append(
                Issue(
                    "unknown_country",
                    f"'{self.country}' is not an ISO 3166-1 alpha-3 country code",
                    field="country",
                    record=self.locality_id,
                )
            )
        found.extend(
            Issue(
                "unknown_language",
                f"'{code}' is not an ISO 639-3 language code (e.g. sqi, deu, eng)",
                field="languages",
                record=self.locality_id,
            )
            for code in self.languages
            if not is_language_code(code)
        )
        for dimension, places in self.capacity.items():
            if places < 0:
                found.append(
                    Issue(
                        "negative_capacity",
                        f"capacity in {dimension} is {places}; it cannot be negative",
                        field=f"capacity_{dimension}",
                        record=self.locality_id,
                    )
                )
        return found


@dataclass(frozen=True)
class PledgeCriteria:
    """What a host state will consider. ``None`` means no limit."""

    max_case_size: int | None = None
    services_supported: frozenset[str] | None = None  # a case needing others is not admitted
    security_vetting_required: bool = False
    excluded_profiles: frozenset[str] = frozenset()

    def admits(self, case: Case) -> tuple[bool, str]:
        """Whether a case may be referred under this pledge, and if not, why."""
        return self.admits_profile(case.size, case.services_needed, case.profiles)

    def admits_profile(
        self, size: int, services_needed: frozenset[str], profiles: frozenset[str]
    ) -> tuple[bool, str]:
        """:meth:`admits` on a case's summary (placement works on summaries, not members)."""
        if self.max_case_size is not None and size > self.max_case_size:
            return False, f"case size {size} exceeds the pledge's maximum {self.max_case_size}"
        if self.services_supported is not None:
            missing = services_needed - self.services_supported
            if missing:
                return False, f"needs services the pledge does not support: {sorted(missing)}"
        barred = profiles & self.excluded_profiles
        if barred:
            return False, f"the pledge will not consider profiles {sorted(barred)}"
        return True, ""


@dataclass(frozen=True)
class Pledge:
    pledge_id: str
    country: str
    period_start: date
    period_end: date
    places_persons: int
    criteria: PledgeCriteria = PledgeCriteria()

    def issues(self) -> list[Issue]:
        found: list[Issue] = []

        def add(code: str, field_name: str, message: str) -> None:
            found.append(Issue(code, message, field=field_name, record=self.pledge_id))

        if not is_country_code(self.country):
            add("unknown_country", "country", f"'{self.country}' is not an ISO 3166-1 alpha-3 code")
        if self.period_end < self.period_start:
            add("impossible_date", "period_end", "the pledge period ends before it starts")
        if self.places_persons < 0:
            add("negative_capacity", "places_persons", "places cannot be negative")
        if self.criteria.max_case_size is not None and self.criteria.max_case_size < 1:
            add("bad_value", "max_case_size", "maximum case size must be at least 1")
        return found
