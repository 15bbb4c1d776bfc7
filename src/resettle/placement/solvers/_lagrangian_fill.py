"""An integral placement from capacity prices: every case asks for its best priced pairs in
turn, every locality keeps the requests it has room for, those who lose regret least first.

At the LP's prices each case's best pair by reduced value ``w - lam . needs`` is where the LP
puts it, except the few cases the LP splits; with near-optimal prices a few localities are
asked for more than they hold. Rounds of requests settle that, all vectorised:

1. every unplaced case with a pair left that is worth something at the prices asks for its
   best such pair;
2. every locality takes the requests in order of *regret* (how much worse the case's next
   option is) while they fit in every dimension; the others move on to their next pair.

Cases left over (priced out everywhere, or every pair refused) are then offered, by the
plain weights, what capacity remains (:func:`resettle.placement.rounding.fill_greedily`).
Locked cases stay where they are locked. The result never exceeds a capacity.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from numpy.typing import NDArray

from resettle.placement.lagrange import Arrays, run_guarded
from resettle.placement.rounding import assignment_model, fill_greedily

MAX_ROUNDS = 200
MAX_PASSES = 8


def priced_fill(
    arrays: Arrays,
    lam: NDArray[np.float64],
    deadline: float,
    *,
    reduced: NDArray[np.float64] | None = None,
) -> NDArray[np.int64]:
    """A pair per case (-1: unplaced) within every capacity, guided by the prices ``lam``."""
    if reduced is None:
        reduced = arrays.reduced(lam)
    chosen = arrays.locked_pair.copy()
    residual = arrays.capacity.copy()
    locked = chosen[chosen >= 0]
    np.subtract.at(residual, arrays.pair_locality[locked], arrays.pair_needs[locked])
    order, count = _ranked_pairs(arrays, reduced)
    next_value = np.zeros(len(order))
    if len(order):
        follows = np.append(order[1:], 0)
        same = np.append(arrays.pair_case[order[1:]] == arrays.pair_case[order[:-1]], False)
        next_value = np.where(same, reduced[follows], 0.0)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    pointer = np.zeros(arrays.n_cases, dtype=np.int64)
    asking = np.flatnonzero((chosen < 0) & (count > 0))
    for _ in range(MAX_ROUNDS):  # vectorised rounds, a few seconds at 100,000 cases: always
        if not len(asking):
            break
        at = first[asking] + pointer[asking]
        pairs = order[at]
        regret = reduced[pairs] - np.maximum(next_value[at], 0.0)
        took = _admit(arrays, pairs, regret, residual)
        chosen[asking[took]] = pairs[took]
        # A refused request that would still fit asks again (a larger one blocked it).
        still = (arrays.pair_needs[pairs] <= residual[arrays.pair_locality[pairs]] + 1e-9)
        pointer[asking[~took & ~still.all(axis=1)]] += 1
        asking = asking[~took]
        asking = asking[pointer[asking] < count[asking]]
    if time.monotonic() >= deadline:  # the leftovers' one-by-one offer would overrun
        return chosen
    return fill_greedily(arrays, chosen)


def _ranked_pairs(
    arrays: Arrays, reduced: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The pairs with a positive reduced value, by case and then best first; count per case."""
    worth = np.flatnonzero(reduced > 1e-12)
    worth = worth[arrays.locked_pair[arrays.pair_case[worth]] < 0]
    cases = arrays.pair_case[worth]
    order = worth[np.lexsort((-reduced[worth], cases))]
    count = np.bincount(cases, minlength=arrays.n_cases).astype(np.int64)
    return order, count


def _admit(
    arrays: Arrays,
    pairs: NDArray[np.int64],
    regret: NDArray[np.float64],
    residual: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Which requests each locality keeps: by regret, while the running total fits in every
    dimension (a request that does not fit is refused even if a later, smaller one would)."""
    loc = arrays.pair_locality[pairs]
    order = np.lexsort((-regret, loc))
    loc_sorted = loc[order]
    needs = arrays.pair_needs[pairs[order]]
    running = np.cumsum(needs, axis=0)
    starts = np.searchsorted(loc_sorted, loc_sorted)  # first request of the same locality
    before = np.where(starts[:, None] > 0, running[np.maximum(starts - 1, 0)], 0.0)
    within = running - before
    fits = (within <= residual[loc_sorted] + 1e-9).all(axis=1)
    # Keep only the unbroken run of fitting requests from each locality's start.
    broken = np.cumsum(~fits)
    broken_before = np.where(starts > 0, broken[np.maximum(starts - 1, 0)], 0)
    kept_sorted: NDArray[np.bool_] = (broken - broken_before) == 0
    kept = np.zeros(len(pairs), dtype=bool)
    kept[order[kept_sorted]] = True
    np.subtract.at(residual, loc[kept], arrays.pair_needs[pairs[kept]])
    return kept


def repair_by_regions(
    arrays: Arrays,
    chosen: NDArray[np.int64],
    reduced: NDArray[np.float64],
    deadline: float,
    *,
    seed: int = 0,
    region_size: int = 30,
    per_locality: int = 10,
    candidates: int = 4,
) -> NDArray[np.int64]:
    """Improve a placement one group of localities at a time: in each, the cases it holds
    (some, at random) and the unplaced cases that could go there are re-placed by a small
    MIP over their best pairs in the group, started from where they are (so it never loses).

    What an integral fill leaves is mostly fragments (a person's place here, a large-family
    unit there) that only moving a placed case aside can use; the MIP finds those moves."""
    chosen = chosen.copy()
    rng = np.random.default_rng([seed, 0x5EC7])
    m = arrays.capacity.shape[0]
    for _ in range(MAX_PASSES):  # each pass groups the localities anew
        before = float(arrays.weight[chosen[chosen >= 0]].sum())
        waiting = _waiting_pairs(arrays, chosen, reduced)
        for region in np.array_split(rng.permutation(m), max(1, m // region_size)):
            if time.monotonic() >= deadline - 0.2:
                return chosen
            seconds = max((deadline - time.monotonic()) / 4, 0.2)
            previous = chosen
            chosen = _repair_region(arrays, chosen, reduced, region, rng, waiting=waiting,
                                    per_locality=per_locality, candidates=candidates,
                                    deadline=min(deadline, time.monotonic() + seconds))
            dropped = (chosen < 0) & (previous >= 0)  # may fit in a region still to come
            if dropped.any():
                waiting = np.concatenate([waiting, _waiting_pairs(arrays, chosen, reduced,
                                                                  np.flatnonzero(dropped))])
        if float(arrays.weight[chosen[chosen >= 0]].sum()) <= before * (1 + 1e-7):
            break
    return chosen


def _repair_region(
    arrays: Arrays,
    chosen: NDArray[np.int64],
    reduced: NDArray[np.float64],
    region: NDArray[np.int64],
    rng: np.random.Generator,
    *,
    waiting: NDArray[np.int64],
    per_locality: int,
    candidates: int,
    deadline: float,
) -> NDArray[np.int64]:
    inside = np.zeros(arrays.capacity.shape[0], dtype=bool)
    inside[region] = True
    placed = np.flatnonzero((chosen >= 0) & (arrays.locked_pair < 0))
    placed = placed[inside[arrays.pair_locality[chosen[placed]]]]
    placed = placed[rng.permutation(len(placed))]
    freed = placed[_first_per_locality(arrays.pair_locality[chosen[placed]], per_locality)]
    # The unplaced cases that value a locality of the region most, a few per locality.
    waiting = waiting[inside[arrays.pair_locality[waiting]]]
    waiting = waiting[chosen[arrays.pair_case[waiting]] < 0]
    waiting = waiting[np.argsort(-reduced[waiting], kind="stable")]
    hopeful = arrays.pair_case[waiting[_first_per_locality(arrays.pair_locality[waiting],
                                                           per_locality)]]
    cases = np.union1d(freed, hopeful)
    if not len(cases):
        return chosen
    cols = _region_pairs(arrays, cases, reduced, inside, candidates)
    start = chosen[cases]
    cols = np.union1d(cols, start[start >= 0])
    trial = chosen.copy()
    trial[cases] = -1
    residual = arrays.capacity.copy()
    kept = trial[trial >= 0]
    np.subtract.at(residual, arrays.pair_locality[kept], arrays.pair_needs[kept])
    highs = assignment_model(arrays, cols, residual, 0, gap=1e-4)
    initial = np.isin(cols, start[start >= 0]).astype(np.float64)
    solution = highspy.HighsSolution()
    solution.col_value = initial.tolist()
    solution.value_valid = True
    highs.setSolution(solution)
    if not run_guarded(highs, deadline - time.monotonic(), accept_feasible=True):
        return chosen
    picked = cols[np.asarray(highs.getSolution().col_value) > 0.5]
    if arrays.weight[picked].sum() < arrays.weight[start[start >= 0]].sum():
        return chosen
    trial[arrays.pair_case[picked]] = picked
    return trial


def _first_per_locality(loc: NDArray[np.int64], k: int) -> NDArray[np.int64]:
    """Positions of the first ``k`` items of every locality, in the order given."""
    order = np.argsort(loc, kind="stable")
    rank = np.arange(len(order)) - np.searchsorted(loc[order], loc[order])
    first: NDArray[np.int64] = order[rank < k]
    return first


def _waiting_pairs(
    arrays: Arrays,
    chosen: NDArray[np.int64],
    reduced: NDArray[np.float64],
    cases: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """The pairs of unplaced, unlocked cases (of ``cases``, by default all) that are worth
    something at the prices."""
    if cases is None:
        cases = np.flatnonzero((chosen < 0) & (arrays.locked_pair < 0))
    starts, stops = arrays.indptr[cases], arrays.indptr[cases + 1]
    lengths = stops - starts
    ids: NDArray[np.int64] = (
        np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    )
    return ids[reduced[ids] > 1e-12]


def _region_pairs(
    arrays: Arrays,
    cases: NDArray[np.int64],
    reduced: NDArray[np.float64],
    inside: NDArray[np.bool_],
    k: int,
) -> NDArray[np.int64]:
    """Each case's ``k`` best pairs (by reduced value) among the localities of the region."""
    starts, stops = arrays.indptr[cases], arrays.indptr[cases + 1]
    lengths = stops - starts
    ids: NDArray[np.int64] = (
        np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    )
    ids = ids[inside[arrays.pair_locality[ids]] & (arrays.weight[ids] > 0)]
    if not len(ids):
        return ids
    owner = arrays.pair_case[ids]
    order = np.lexsort((-reduced[ids], owner))
    ids, owner = ids[order], owner[order]
    rank = np.arange(len(ids)) - np.searchsorted(owner, owner)
    best: NDArray[np.int64] = np.sort(ids[rank < k])
    return best
