"""Capacity prices by a smoothed Lagrangian dual, minimised with L-BFGS-B.

Relaxing the capacity rows with prices ``lam >= 0`` leaves one small problem per case, so

    L(lam) = sum_i max(0, max_j r_ij) + lam . cap,   r_ij = w_ij - lam_j . needs_i,

is an upper bound on every placement (see :mod:`resettle.placement.lagrange`); its minimum is
the LP value. ``L`` is piecewise linear, which quasi-Newton methods handle badly, so each
case's max is replaced by a soft maximum ``tau * log(1 + sum_j exp(r_ij / tau))`` (an upper
bound on the max, within ``tau * log(1 + pairs)``). That function is smooth and convex; its
gradient is ``cap - expected use``, with each case spread over its pairs by a softmax. We
minimise it for a decreasing ``tau``.

Every evaluation also yields the exact, unsmoothed ``L`` at the same prices (the max is
computed anyway to keep the exponentials finite); the smallest one seen is the bound we
report, and the caller recomputes it independently at the returned prices.

One evaluation is a few passes over the pairs; the capacity charge of dimensions other than
persons is applied only to the pairs that use them (most cases need no large-family unit).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from resettle.placement.lagrange import Arrays

ACTIVE_PAIRS = 20  # per case, while a stage optimises over a subset of the pairs
# Smoothing temperatures, relative to the typical weight per person, one L-BFGS-B run each.
TAUS = (0.03, 0.03, 0.01, 0.01, 0.003, 0.003, 0.001, 0.001, 0.0003, 0.0003)


class _OutOfTimeError(Exception):
    """Raised inside the objective to stop L-BFGS-B at the deadline."""


@dataclass
class DualResult:
    lam: NDArray[np.float64]  # (n_localities, n_dims) prices with the smallest exact bound
    bound: float  # exact L(lam) at those prices: an upper bound on every placement
    evaluations: int
    share: NDArray[np.float64] = field(repr=False)  # softmax share per pair at the last tau
    seconds: float = 0.0


class SmoothedDual:
    """The (smoothed) Lagrangian dual of the placement LP over the capacity prices."""

    def __init__(self, arrays: Arrays) -> None:
        self.arrays = arrays
        n_dims = arrays.capacity.shape[1]
        self.locality = arrays.pair_locality.astype(np.int32)
        self.case = arrays.pair_case.astype(np.int32)
        locked = arrays.locked_pair >= 0
        weight = arrays.weight.copy()
        # A locked case has one pair and no "unplaced" option: its other pairs never count.
        weight[locked[arrays.pair_case]] = -np.inf
        weight[arrays.locked_pair[locked]] = arrays.weight[arrays.locked_pair[locked]]
        self.weight = weight
        self.free = ~locked
        self.starts = arrays.indptr[:-1][arrays.indptr[1:] > arrays.indptr[:-1]]
        self.nonempty = np.flatnonzero(arrays.indptr[1:] > arrays.indptr[:-1])
        self.patterns = NeedPatterns.of(arrays)
        # Else, per dimension: the pairs that use it and how much (most use no extra units).
        self.users: list[tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float64]]] = []
        for d in range(n_dims if self.patterns is None else 0):
            need = arrays.pair_needs[:, d]
            ids = np.flatnonzero(need > 0)
            self.users.append((ids, self.locality[ids], np.ascontiguousarray(need[ids])))
        self.price_scale = _price_scale(arrays)
        self.evaluations = 0
        self.best_bound = np.inf
        self.best_lam = np.zeros_like(arrays.capacity)
        self.share = np.zeros(0)

    def reduced(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.patterns is not None:
            return self.weight - self.patterns.charge(lam)
        out = self.weight.copy()
        for d, (ids, loc, need) in enumerate(self.users):
            if len(ids) == len(out):
                out -= lam[:, d][loc] * need
            elif len(ids):
                out[ids] -= lam[:, d][loc] * need
        return out

    def exact(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        """The exact ``L(lam)`` (kept if it is the best so far); returns the reduced values."""
        self.evaluations += 1
        reduced = self.reduced(lam)
        self._record(lam, self._case_max(reduced))
        return reduced

    def _case_max(self, reduced: NDArray[np.float64]) -> NDArray[np.float64]:
        top = np.full(self.arrays.n_cases, -np.inf)
        top[self.nonempty] = np.maximum.reduceat(reduced, self.starts)
        top = np.where(self.free, np.maximum(top, 0.0), top)
        top[~np.isfinite(top)] = 0.0  # a case with no pair: contributes nothing
        return top

    def _record(self, lam: NDArray[np.float64], top: NDArray[np.float64]) -> None:
        exact = float(top.sum()) + float((lam * self.arrays.capacity).sum())
        if exact < self.best_bound:
            self.best_bound, self.best_lam = exact, lam.copy()

    def evaluate(
        self, lam: NDArray[np.float64], tau: float
    ) -> tuple[float, NDArray[np.float64]]:
        """Smoothed value and its gradient; records the exact bound at ``lam`` on the way
        (exact for the pairs this dual holds: a bound only if it holds them all)."""
        a = self.arrays
        reduced = self.reduced(lam)
        top = self._case_max(reduced)
        self._record(lam, top)
        priced = float((lam * a.capacity).sum())
        reduced -= top[self.case]
        reduced /= tau
        np.exp(reduced, out=reduced)
        total = np.where(self.free, np.exp(-np.maximum(top, 0.0) / tau), 0.0)
        total[self.nonempty] += np.add.reduceat(reduced, self.starts)
        total[total <= 0] = 1.0
        smooth = float((top + tau * np.log(total)).sum()) + priced
        reduced /= total[self.case]  # now each pair's share of its case
        self.share = reduced
        grad = a.capacity.copy()
        if self.patterns is not None:
            grad -= self.patterns.use(reduced)
        m = a.capacity.shape[0]
        for d, (ids, loc, need) in enumerate(self.users):
            if len(ids):
                share = reduced if len(ids) == len(reduced) else reduced[ids]
                grad[:, d] -= np.bincount(loc, weights=share * need, minlength=m)
        self.evaluations += 1
        return smooth, grad


class NeedPatterns:
    """Pairs grouped by (locality, needs): cases need one of a few dozen combinations of
    persons and units, so a pair's capacity charge is one look-up in a small table of
    ``lam[locality] . pattern``, and the use of capacity one weighted count per slot."""

    MAX_PATTERNS = 256

    def __init__(self, patterns: NDArray[np.float64], slot: NDArray[np.int32], m: int) -> None:
        self.patterns = patterns  # (n_patterns, n_dims)
        self.slot = slot  # per pair: locality * n_patterns + pattern
        self.m = m

    @classmethod
    def of(cls, arrays: Arrays) -> NeedPatterns | None:
        """The grouping, or None when needs are not small whole numbers in few patterns."""
        needs = arrays.pair_needs
        if not len(needs) or (needs < 0).any() or (needs != np.rint(needs)).any():
            return None
        base = int(needs.max()) + 1
        if base ** needs.shape[1] > 2**62:
            return None
        key = (needs.astype(np.int64) * base ** np.arange(needs.shape[1])).sum(axis=1)
        codes, pattern = np.unique(key, return_inverse=True)
        if len(codes) > cls.MAX_PATTERNS:
            return None
        rows = np.zeros(len(codes), dtype=np.int64)
        rows[pattern] = np.arange(len(pattern))  # any pair of each pattern
        slot = arrays.pair_locality * len(codes) + pattern
        return cls(needs[rows].astype(np.float64), slot.astype(np.int32),
                   arrays.capacity.shape[0])

    def charge(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        """``lam[locality] . needs`` for every pair."""
        table: NDArray[np.float64] = (lam @ self.patterns.T).ravel()
        return table[self.slot]

    def use(self, share: NDArray[np.float64]) -> NDArray[np.float64]:
        """Capacity used per locality and dimension when each pair is taken ``share``."""
        n = len(self.patterns)
        count = np.bincount(self.slot, weights=share, minlength=self.m * n)
        used: NDArray[np.float64] = count.reshape(self.m, n) @ self.patterns
        return used


def solve_dual(
    arrays: Arrays,
    deadline: float,
    *,
    start: NDArray[np.float64] | None = None,
    taus: tuple[float, ...] = TAUS,
    iterations: int = 40,
    active: int = ACTIVE_PAIRS,
) -> DualResult:
    """Prices minimising the smoothed dual for each ``tau`` in turn (relative to the typical
    weight per person), warm-started from the previous one, until ``deadline``.

    The stages at the first (largest) ``tau`` run over every pair. When cases have many
    pairs, each later stage optimises over the ``active`` best pairs of every case at the
    current prices only (the others carry almost no softmax weight once the prices are
    roughly right, which is why the first stage needs them all); a full pass before and
    after every stage picks them again and gives the exact bound, which is only ever taken
    from full passes."""
    started = time.monotonic()
    full = SmoothedDual(arrays)
    shape = arrays.capacity.shape
    lam = np.zeros(shape) if start is None else np.maximum(start, 0.0).astype(np.float64)
    unit = _weight_per_person(arrays)
    sifting = len(arrays.weight) > 2 * active * arrays.n_cases
    share = np.zeros(0)
    evaluations = 0
    for tau in taus:
        if time.monotonic() >= deadline:
            break
        dual = full
        if sifting and tau < taus[0]:
            reduced = full.exact(lam)
            dual = SmoothedDual(restrict(arrays, best_pairs(arrays, reduced, active)))
        lam = _minimise(dual, lam, tau * unit, iterations, deadline)
        share = dual.share
        evaluations += dual.evaluations if dual is not full else 0
    full.exact(lam)
    return DualResult(full.best_lam, full.best_bound, evaluations + full.evaluations, share,
                      time.monotonic() - started)


def _minimise(
    dual: SmoothedDual, lam: NDArray[np.float64], tau: float, iterations: int, deadline: float
) -> NDArray[np.float64]:
    """L-BFGS-B on the smoothed dual from ``lam``; the best point seen if time runs out.

    Each dimension's prices are searched in units of what a unit of it is typically worth
    (a large-family unit carries a family's weight, a person's place one person's), so one
    step means about as much in every dimension."""
    shape = lam.shape
    scale = np.broadcast_to(dual.price_scale[None, :], shape).ravel()
    seen: list[tuple[float, NDArray[np.float64]]] = []

    def fun(flat: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        if time.monotonic() >= deadline:
            raise _OutOfTimeError
        prices = flat * scale
        value, grad = dual.evaluate(prices.reshape(shape), tau)
        if not seen or value < seen[0][0]:
            seen[:] = [(value, prices)]
        return value, grad.ravel() * scale

    try:
        found = minimize(fun, lam.ravel() / scale, jac=True, method="L-BFGS-B",
                         bounds=[(0.0, None)] * lam.size,
                         options={"maxiter": iterations, "maxcor": 20})
        result: NDArray[np.float64] = np.maximum((found.x * scale).reshape(shape), 0.0)
        return result
    except _OutOfTimeError:
        return np.maximum(seen[0][1].reshape(shape), 0.0) if seen else lam


def best_pairs(arrays: Arrays, reduced: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """The ``k`` best pairs of every case by ``reduced`` (all of a shorter case), sorted, with
    every locked pair."""
    lengths = np.diff(arrays.indptr)
    if len(lengths) and (lengths == lengths[0]).all() and lengths[0] > k:
        width = int(lengths[0])  # same number of pairs per case: one partition of a matrix
        top = np.argpartition(-reduced.reshape(-1, width), k, axis=1)[:, :k]
        picked = (top + arrays.indptr[:-1, None]).ravel()
    else:
        order = np.lexsort((-reduced, arrays.pair_case))
        rank = np.arange(len(order)) - arrays.indptr[arrays.pair_case[order]]
        picked = order[rank < k]
    locked = arrays.locked_pair[arrays.locked_pair >= 0]
    return np.union1d(picked, locked)


def restrict(arrays: Arrays, pairs: NDArray[np.int64]) -> Arrays:
    """The same problem with only the (sorted) ``pairs`` allowed."""
    case = arrays.pair_case[pairs]
    indptr = np.zeros(arrays.n_cases + 1, dtype=np.int64)
    np.cumsum(np.bincount(case, minlength=arrays.n_cases), out=indptr[1:])
    new_index = np.full(len(arrays.weight), -1, dtype=np.int64)
    new_index[pairs] = np.arange(len(pairs))
    locked = arrays.locked_pair.copy()
    locked[locked >= 0] = new_index[locked[locked >= 0]]
    return Arrays(arrays.n_cases, arrays.weight[pairs], case, arrays.pair_locality[pairs],
                  arrays.pair_needs[pairs], arrays.capacity, indptr, locked)


def _weight_per_person(arrays: Arrays) -> float:
    """A typical (median) weight per person: the scale for the smoothing temperature."""
    sample = slice(None, None, max(1, len(arrays.weight) // 100_000))
    per = arrays.weight[sample] / np.maximum(arrays.pair_needs[sample, 0], 1.0)
    per = per[np.isfinite(per) & (per > 0)]
    return float(np.median(per)) if len(per) else 1.0


def _price_scale(arrays: Arrays) -> NDArray[np.float64]:
    """Per dimension, the median weight per unit needed over the pairs that need it."""
    sample = slice(None, None, max(1, len(arrays.weight) // 100_000))
    weight, needs = arrays.weight[sample], arrays.pair_needs[sample]
    scale = np.ones(needs.shape[1])
    for d in range(needs.shape[1]):
        used = (needs[:, d] > 0) & (weight > 0)
        if used.any():
            scale[d] = float(np.median(weight[used] / needs[used, d]))
    return scale
