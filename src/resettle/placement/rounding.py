"""From a fractional LP placement to an integral one: fix, repair by a small MIP, fill greedily.

1. Every case the LP places whole (one pair at value 1) keeps that pair.
2. The cases the LP splits, plus a neighbourhood of whole cases sharing their localities (so
   the repair can move them aside), go to a small binary MIP over each one's best few pairs
   at the LP prices, under the capacity the fixed cases leave. It starts from the fixed
   solution (freed cases where they were, split cases unplaced), so it can only improve.
3. Whatever is still unplaced is offered, most urgent first, every allowed pair that fits.

A basic LP solution splits at most one case per binding capacity row, so the MIP stays small
(hundreds to a few thousand cases) however large the instance.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.lagrange import Arrays, run_guarded, top_pairs_per_case
from resettle.placement.quiet_highs import new_highs

WHOLE = 1.0 - 1e-6


def round_solution(
    arrays: Arrays,
    pairs: NDArray[np.int64],
    values: NDArray[np.float64],
    lam: NDArray[np.float64],
    *,
    deadline: float,
    seed: int = 0,
    neighbours_per_locality: int = 8,
    candidates: int = 6,
) -> tuple[NDArray[np.int64], dict[str, float]]:
    """An integral choice of pair per case (-1 unplaced) and figures about the repair."""
    chosen = np.full(arrays.n_cases, -1, dtype=np.int64)
    whole = pairs[values >= WHOLE]
    chosen[arrays.pair_case[whole]] = whole
    split_pairs = pairs[(values > 1e-6) & (values < WHOLE)]
    split = np.unique(arrays.pair_case[split_pairs])
    split = split[chosen[split] < 0]
    freed = _neighbourhood(arrays, chosen, split_pairs, neighbours_per_locality, seed)
    repair = np.union1d(split, freed)
    stats = {"split_cases": float(len(split)), "repair_cases": float(len(repair))}
    if len(repair):
        chosen = _repair(arrays, chosen, repair, lam, split_pairs, candidates=candidates,
                         deadline=deadline, seed=seed)
    chosen = fill_greedily(arrays, chosen)
    return chosen, stats


def _neighbourhood(
    arrays: Arrays,
    chosen: NDArray[np.int64],
    split_pairs: NDArray[np.int64],
    per_locality: int,
    seed: int,
) -> NDArray[np.int64]:
    """Some whole cases at each locality a split case touches (random, seeded)."""
    rng = np.random.default_rng([seed, 0x2E7A])
    touched = np.zeros(arrays.capacity.shape[0], dtype=bool)
    touched[arrays.pair_locality[split_pairs]] = True
    placed = np.flatnonzero((chosen >= 0) & (arrays.locked_pair < 0))
    placed = placed[touched[arrays.pair_locality[chosen[placed]]]]
    if not len(placed):
        return placed
    placed = placed[rng.permutation(len(placed))]
    loc = arrays.pair_locality[chosen[placed]]
    order = np.argsort(loc, kind="stable")
    loc_sorted = loc[order]
    rank = np.arange(len(order)) - np.searchsorted(loc_sorted, loc_sorted)
    return np.sort(placed[order[rank < per_locality]])


def _repair(
    arrays: Arrays,
    chosen: NDArray[np.int64],
    repair: NDArray[np.int64],
    lam: NDArray[np.float64],
    split_pairs: NDArray[np.int64],
    *,
    candidates: int,
    deadline: float,
    seed: int,
) -> NDArray[np.int64]:
    """Re-place the ``repair`` cases optimally (within time) among their best pairs."""
    start = chosen[repair]
    chosen = chosen.copy()
    chosen[repair] = -1
    residual = _residual(arrays, chosen)
    cols = _candidate_pairs(arrays, repair, lam, candidates)
    cols = np.union1d(cols, np.union1d(split_pairs, start[start >= 0]))
    cols = cols[chosen[arrays.pair_case[cols]] < 0]  # only pairs of the repair cases
    highs = assignment_model(arrays, cols, residual, seed)
    initial = np.isin(cols, start[start >= 0]).astype(np.float64)
    solution = highspy.HighsSolution()
    solution.col_value = initial.tolist()
    solution.value_valid = True
    highs.setSolution(solution)
    if run_guarded(highs, deadline - time.monotonic(), accept_feasible=True):
        take = np.asarray(highs.getSolution().col_value) > 0.5
        picked = cols[take]
    else:
        picked = start[start >= 0]
    chosen[arrays.pair_case[picked]] = picked
    return chosen


def _candidate_pairs(
    arrays: Arrays, cases: NDArray[np.int64], lam: NDArray[np.float64], k: int
) -> NDArray[np.int64]:
    """The ``k`` best pairs at prices ``lam`` of each case in ``cases``."""
    starts, stops = arrays.indptr[cases], arrays.indptr[cases + 1]
    lengths = stops - starts
    pair_ids = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    local_case = np.repeat(np.arange(len(cases)), lengths)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    reduced = arrays.weight[pair_ids] - (
        lam[arrays.pair_locality[pair_ids]] * arrays.pair_needs[pair_ids]
    ).sum(axis=1)
    best = top_pairs_per_case(reduced, indptr, local_case, k)
    return pair_ids[best]


def assignment_model(
    arrays: Arrays,
    cols: NDArray[np.int64],
    residual: NDArray[np.float64],
    seed: int,
    *,
    gap: float = 1e-6,
) -> highspy.Highs:
    """A binary MIP (maximise ``arrays.weight``) over the pairs ``cols``: each of their cases
    at most once, every locality and dimension within ``residual``."""
    cases, case_row = np.unique(arrays.pair_case[cols], return_inverse=True)
    m, d = residual.shape
    rows = [case_row]
    vals = [np.ones(len(cols))]
    col_ids = [np.arange(len(cols))]
    for dim in range(d):
        need = arrays.pair_needs[cols, dim]
        use = need > 0
        rows.append(len(cases) + arrays.pair_locality[cols[use]] * d + dim)
        vals.append(need[use])
        col_ids.append(np.flatnonzero(use))
    n_rows = len(cases) + m * d
    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(col_ids))),
        shape=(n_rows, len(cols)),
    )
    highs = new_highs()
    highs.setOptionValue("random_seed", int(seed))
    highs.setOptionValue("mip_rel_gap", gap)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), n_rows
    lp.col_cost_ = arrays.weight[cols]
    lp.col_lower_ = np.zeros(len(cols))
    lp.col_upper_ = np.ones(len(cols))
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([np.ones(len(cases)), residual.ravel()])
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cols)
    highs.passModel(lp)
    return highs


def _residual(arrays: Arrays, chosen: NDArray[np.int64]) -> NDArray[np.float64]:
    placed = chosen[chosen >= 0]
    residual = arrays.capacity.copy()
    np.subtract.at(residual, arrays.pair_locality[placed], arrays.pair_needs[placed])
    return residual


def fill_greedily(
    arrays: Arrays, chosen: NDArray[np.int64], prices: NDArray[np.float64] | None = None
) -> NDArray[np.int64]:
    """Offer every unplaced case, best weight per person first, its best pair that fits.

    With ``prices`` (LP capacity duals), "best" is the weight minus the priced capacity, so
    cases go where they cost least of what others need.
    """
    chosen = chosen.copy()
    value = arrays.weight if prices is None else arrays.reduced(prices)
    residual = _residual(arrays, chosen)
    unplaced = np.flatnonzero((chosen < 0) & (arrays.indptr[1:] > arrays.indptr[:-1]))
    unplaced = unplaced[arrays.locked_pair[unplaced] < 0]
    if not len(unplaced):
        return chosen
    first = arrays.indptr[unplaced]
    per_person = arrays.weight[first] / np.maximum(arrays.pair_needs[first, 0], 1.0)
    for case in unplaced[np.argsort(-per_person, kind="stable")].tolist():
        ids = np.arange(arrays.indptr[case], arrays.indptr[case + 1])
        fits = (residual[arrays.pair_locality[ids]] >= arrays.pair_needs[ids] - 1e-9).all(axis=1)
        if not fits.any():
            continue
        pair = int(ids[fits][np.argmax(value[ids[fits]])])
        chosen[case] = pair
        residual[arrays.pair_locality[pair]] -= arrays.pair_needs[pair]
    return chosen
