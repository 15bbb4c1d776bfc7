"""A batch of registry records that travel together: one import, one export, one scenario."""

from __future__ import annotations

from dataclasses import dataclass

from resettle.core.case import Case
from resettle.core.locality import Locality, Pledge


@dataclass(frozen=True)
class RegistryBatch:
    cases: tuple[Case, ...] = ()
    localities: tuple[Locality, ...] = ()
    pledges: tuple[Pledge, ...] = ()

    @property
    def persons_count(self) -> int:
        return sum(case.size for case in self.cases)
