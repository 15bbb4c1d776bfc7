"""Capacity dimensions, and what a case needs along each of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Dimension(StrEnum):
    """What a locality has a limited number of. Persons always; the rest where pledged."""

    PERSONS = "persons"
    LARGE_FAMILY_UNITS = "large_family_units"
    MEDICAL_PLACES = "medical_places"
    ACCESSIBLE_UNITS = "accessible_units"
    SCHOOL_PLACES = "school_places"


@dataclass(frozen=True)
class Needs:
    """A case's demand on each capacity dimension. Derived from its members, never typed."""

    persons: int = 0
    large_family_units: int = 0
    medical_places: int = 0
    accessible_units: int = 0
    school_places: int = 0

    def as_dict(self) -> dict[Dimension, int]:
        return {Dimension(key): value for key, value in asdict(self).items()}

    def __getitem__(self, dimension: Dimension | str) -> int:
        return int(getattr(self, Dimension(dimension).value))
