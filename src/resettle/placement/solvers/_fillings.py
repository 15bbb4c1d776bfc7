"""Fillings: what one locality can take within its capacities, as knapsack columns.

A *filling* of locality l is an integer vector over l's free pairs (how many cases of each
class go there) whose needs fit l's capacity in every dimension. The Dantzig–Wolfe master
(:mod:`._dantzig`) chooses at most one filling per locality; this module prices them:

* :meth:`Knapsacks.best` — per locality, the filling of largest total profit, exactly (a
  dynamic programme over the capacity grid, after keeping per weight vector only the best
  items that can fit: any optimal filling using k items of one weight can use the k best);
* :meth:`Knapsacks.enumerate` — per locality, every filling whose profit reaches a threshold
  (depth-first search over items sorted by profit, pruned by an upper bound on what the
  remaining capacity can still add), or ``None`` when there are more than a cap.

The grid is only small when capacities are tiny, which is exactly where the pair LP is weak;
:func:`grid_size` lets the caller decide whether fillings apply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.problem import PlacementProblem

PROFIT_EPS = 1e-9


@dataclass(frozen=True)
class Filling:
    locality: int
    pairs: NDArray[np.int64]  # free pair indices
    counts: NDArray[np.int64]  # how many of each (class multiplicity may exceed 1)


class Knapsacks:
    """The per-locality knapsacks over the pairs that ``lower < upper`` leaves free."""

    def __init__(self, problem: PlacementProblem, lower: NDArray[np.float64],
                 upper: NDArray[np.float64]) -> None:
        self.n_pairs = problem.n_pairs
        self.n_localities = problem.n_localities
        used = np.zeros_like(problem.capacity)
        np.add.at(used, problem.pair_locality, problem.pair_needs * lower.astype(np.int64)[:, None])
        self.residual = problem.capacity - used  # negative: the fixed pairs already overflow
        weights = problem.pair_needs
        fits = (weights <= self.residual[problem.pair_locality]).all(axis=1)
        free = np.flatnonzero((upper > lower + 0.5) & fits)
        order = free[np.argsort(problem.pair_locality[free], kind="stable")]
        self.pairs = order  # free pairs grouped by locality
        self.indptr = np.searchsorted(problem.pair_locality[order],
                                      np.arange(self.n_localities + 1))
        self.weights = weights[order]
        self.room = (upper - lower)[order].astype(np.int64)  # copies each pair may take
        self.locality = problem.pair_locality[order]
        _, self.weight_class = np.unique(self.weights, axis=0, return_inverse=True)
        self.weight_class = self.weight_class.reshape(-1)
        # per item: how many items of its weight fit its locality at once
        self.fit_copies = _fit_copies(self.weights, self.residual[self.locality])

    @property
    def feasible(self) -> bool:
        return bool((self.residual >= 0).all())

    def grid_size(self) -> int:
        """The largest capacity grid a locality's dynamic programme would walk."""
        largest = 1
        for loc in range(self.n_localities):
            s, e = self.indptr[loc], self.indptr[loc + 1]
            largest = max(largest, _grid(self.weights[s:e], self.room[s:e],
                                         self.residual[loc]).prod())
        return int(largest)

    def best(self, profit: NDArray[np.float64]) -> tuple[NDArray[np.float64], list[Filling]]:
        """Per locality, the largest filling profit (0: the empty filling) and the fillings
        that beat the empty one. ``profit`` is per pair (all pairs of the problem)."""
        p = profit[self.pairs]
        keep, copies = self._candidates(p)
        values = np.zeros(self.n_localities)
        found: list[Filling] = []
        for loc in np.unique(self.locality[keep]).tolist():
            s, e = self.indptr[loc], self.indptr[loc + 1]
            idx = s + np.flatnonzero(keep[s:e])
            value, counts = _knapsack(self.weights[idx], p[idx], copies[idx],
                                      self.residual[loc])
            if value > PROFIT_EPS:
                values[loc] = value
                chosen = counts > 0
                found.append(Filling(loc, self.pairs[idx[chosen]], counts[chosen]))
        return values, found

    def _candidates(self, p: NDArray[np.float64]) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """Positive items, and per (locality, weight) only as many copies as can fit."""
        order = np.lexsort((-p, self.weight_class, self.locality))
        room = self.room[order]
        group = self.locality[order] * (self.weight_class.max(initial=0) + 1) \
            + self.weight_class[order]
        starts = np.r_[True, group[1:] != group[:-1]]
        before = np.cumsum(room) - room
        before -= np.maximum.accumulate(np.where(starts, before, 0))
        limit = self.fit_copies[order]
        copies = np.clip(np.minimum(room, limit - before), 0, None)
        copies[p[order] <= PROFIT_EPS] = 0
        out = np.zeros_like(copies)
        out[order] = copies
        return out > 0, out

    def enumerate(self, profit: NDArray[np.float64], threshold: NDArray[np.float64],
                  cap: int, *, deadline: float | None = None) -> list[Filling] | None:
        """Every non-empty filling of locality l with profit >= ``threshold[l]``; None if
        there are more than ``cap`` in all or the deadline (``perf_counter``) passes."""
        p = profit[self.pairs]
        found: list[Filling] = []
        for loc in range(self.n_localities):
            s, e = self.indptr[loc], self.indptr[loc + 1]
            if e == s:
                continue
            if deadline is not None and time.perf_counter() > deadline:
                return None
            idx = s + np.argsort(-p[s:e], kind="stable")
            if not _search(self, loc, idx, p[idx], threshold=float(threshold[loc]),
                           found=found, cap=cap):
                return None
        return found

    def matrix(self, fillings: list[Filling]) -> sparse.csc_matrix:
        """Pairs x fillings, the count of each pair in each filling."""
        rows = [f.pairs for f in fillings]
        vals = [f.counts for f in fillings]
        lens = [len(r) for r in rows]
        cols = np.repeat(np.arange(len(fillings)), lens)
        return sparse.csc_matrix(
            (np.concatenate(vals or [np.zeros(0, dtype=np.int64)]).astype(np.float64),
             (np.concatenate(rows or [np.zeros(0, dtype=np.int64)]), cols)),
            shape=(self.n_pairs, len(fillings)))


def _fit_copies(weights: NDArray[np.int64], capacity: NDArray[np.int64]) -> NDArray[np.int64]:
    """How many items of each item's weight fit its empty locality."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weights > 0, capacity // np.maximum(weights, 1),
                         np.iinfo(np.int64).max)
    return np.asarray(ratio.min(axis=1, initial=np.iinfo(np.int64).max), dtype=np.int64)


def _grid(weights: NDArray[np.int64], copies: NDArray[np.int64],
          residual: NDArray[np.int64]) -> NDArray[np.int64]:
    """Capacity grid of a knapsack: per dimension any item uses, min(capacity, total need)."""
    total = (weights * copies[:, None]).sum(axis=0)
    return np.where(total > 0, np.minimum(residual, total) + 1, 1).astype(np.int64)


def _knapsack(weights: NDArray[np.int64], profit: NDArray[np.float64],
              copies: NDArray[np.int64], residual: NDArray[np.int64]
              ) -> tuple[float, NDArray[np.int64]]:
    """Exact bounded multi-dimensional knapsack by dynamic programming over the grid."""
    items = np.repeat(np.arange(len(profit)), copies)
    shape = tuple(_grid(weights, copies, residual).tolist())
    value = np.zeros(shape)
    taken: list[NDArray[np.bool_]] = []
    for item in items.tolist():
        w = weights[item]  # fits: every item fits its locality alone (see Knapsacks)
        dst = tuple(slice(int(k), None) for k in w)
        src = tuple(slice(0, n - int(k)) for n, k in zip(shape, w, strict=True))
        candidate = value[src] + profit[item]
        take = np.zeros(shape, dtype=bool)
        take[dst] = candidate > value[dst] + PROFIT_EPS
        value[dst] = np.where(take[dst], candidate, value[dst])
        taken.append(take)
    at = np.array(shape) - 1
    counts = np.zeros(len(profit), dtype=np.int64)
    for step in range(len(items) - 1, -1, -1):
        if taken[step][tuple(at.tolist())]:
            counts[items[step]] += 1
            at = at - weights[items[step]]
    return float(value[tuple((np.array(shape) - 1).tolist())]), counts


def _search(sacks: Knapsacks, loc: int, idx: NDArray[np.int64], p: NDArray[np.float64], *,
            threshold: float, found: list[Filling], cap: int) -> bool:
    """Depth-first search of the fillings of ``loc`` reaching ``threshold``; False past
    ``cap``. Items are sorted by profit, so an item's profit bounds every later one's."""
    weights, room = sacks.weights[idx], sacks.room[idx]
    unit = int(weights[:, 0].min())  # every item takes at least this many persons
    stack: list[tuple[int, float, NDArray[np.int64], NDArray[np.int64]]] = [
        (0, 0.0, sacks.residual[loc].copy(), np.zeros(len(idx), dtype=np.int64))]
    while stack:
        start, value, left, counts = stack.pop()
        if counts.any() and value >= threshold - PROFIT_EPS:
            chosen = counts > 0
            found.append(Filling(loc, sacks.pairs[idx[chosen]], counts[chosen]))
            if len(found) > cap:
                return False
        rest = np.arange(start, len(idx))
        after = left[None, :] - weights[rest]
        fits = (after >= 0).all(axis=1) & (counts[rest] < room[rest])
        later = after[:, 0] // unit if unit > 0 else np.full(len(rest), room.sum())
        more = value + p[rest] + np.maximum(p[rest], 0.0) * later
        for k in rest[fits & (more >= threshold - PROFIT_EPS)].tolist():
            nxt = counts.copy()
            nxt[k] += 1
            stack.append((k, value + float(p[k]), left - weights[k], nxt))
    return True
