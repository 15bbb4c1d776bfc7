"""Small helpers for seeded sampling: weighted tables drawn one at a time or in bulk."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

import numpy as np

from resettle.errors import BadParameterError

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Items with relative weights. ``draw`` costs one uniform number (cheaper than choice)."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Mapping[T, float] | Sequence[tuple[T, float]]) -> Weighted[T]:
        entries = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        kept = [(item, float(w)) for item, w in entries if w > 0]
        if not kept:
            raise BadParameterError("a weighted table needs at least one positive weight")
        total = sum(w for _, w in kept)
        cumulative = tuple(c / total for c in accumulate(w for _, w in kept))
        return cls(tuple(item for item, _ in kept), cumulative)

    def draw(self, rng: np.random.Generator) -> T:
        index = bisect_right(self.cumulative, float(rng.random()))
        return self.items[min(index, len(self.items) - 1)]

    def draw_indices(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` indices into ``items`` at once (vectorised)."""
        picked = np.searchsorted(np.asarray(self.cumulative), rng.random(n), side="right")
        return np.minimum(picked, len(self.items) - 1)


def chance(rng: np.random.Generator, probability: float) -> bool:
    return bool(rng.random() < probability)


def pick(rng: np.random.Generator, items: Sequence[T]) -> T:
    return items[int(rng.integers(len(items)))]


def sample_distinct(rng: np.random.Generator, items: Sequence[T], k: int) -> tuple[T, ...]:
    k = min(k, len(items))
    chosen = rng.choice(len(items), size=k, replace=False)
    return tuple(items[int(i)] for i in sorted(chosen))
