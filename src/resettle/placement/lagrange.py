"""The LP relaxation of placement, solved by column generation, and its Lagrangian bound.

The placement LP (each case at most once, a capacity per locality and dimension) has one
coupling structure: the capacity rows. Price them with ``lam[locality, dimension] >= 0`` and
the rest falls apart by case, so for *any* prices

    L(lam) = sum_i max(0, max_j (w_ij - lam_j . needs_i)) + sum_jd lam_jd cap_jd

is an upper bound on the LP relaxation, hence on every integral placement (weak duality; a
locked case contributes its locked pair's value instead of the max). Evaluating it is one pass
over the allowed pairs, so the bound stays cheap at 10 million pairs. At the LP's optimal
prices it equals the LP value (the assignment rows alone form an integral polytope).

The prices come from a restricted master LP over a few columns per case (HiGHS, dual
simplex, presolve off so its time limit holds): solve, read the capacity duals, price every
allowed pair, add the pairs with positive reduced cost, repeat. Each round's duals give a
valid bound, so stopping early still reports an honest one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.quiet_highs import new_highs

NEG = -np.inf
GRACE_SECONDS = 2.0


def segment_max(values: NDArray[np.float64], indptr: NDArray[np.int64]) -> NDArray[np.float64]:
    """Max of ``values[indptr[i]:indptr[i+1]]`` per segment, ``-inf`` for empty ones."""
    n = len(indptr) - 1
    out = np.full(n, NEG)
    nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
    if len(nonempty) and len(values):
        out[nonempty] = np.maximum.reduceat(values, indptr[nonempty])
    return out


def segment_argmax(
    values: NDArray[np.float64], indptr: NDArray[np.int64], pair_case: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """(max, index of the first maximum) per segment; index -1 for empty segments."""
    best = segment_max(values, indptr)
    hits = np.flatnonzero(values == best[pair_case])
    first = np.full(len(best), -1, dtype=np.int64)
    cases, at = np.unique(pair_case[hits], return_index=True)
    first[cases] = hits[at]
    return best, first


def top_pairs_per_case(
    values: NDArray[np.float64],
    indptr: NDArray[np.int64],
    pair_case: NDArray[np.int64],
    k: int,
    *,
    positive_only: bool = False,
) -> NDArray[np.int64]:
    """Indices of the (up to) ``k`` best pairs of every case (optionally only values > 0)."""
    work = values.copy()
    chosen: list[NDArray[np.int64]] = []
    for _ in range(k):
        best, first = segment_argmax(work, indptr, pair_case)
        keep = first >= 0
        keep &= best > (1e-9 if positive_only else NEG)
        picked = first[keep]
        if not len(picked):
            break
        chosen.append(picked)
        work[picked] = NEG
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(chosen))


@dataclass(frozen=True, eq=False)
class Arrays:
    """The pieces of a placement problem the LP needs, with per-pair weights ``weight``."""

    n_cases: int
    weight: NDArray[np.float64]  # (n_pairs,) objective coefficient per allowed pair
    pair_case: NDArray[np.int64]
    pair_locality: NDArray[np.int64]
    pair_needs: NDArray[np.float64]  # (n_pairs, n_dims)
    capacity: NDArray[np.float64]  # (n_localities, n_dims)
    indptr: NDArray[np.int64]  # CSR pointer of pairs per case
    locked_pair: NDArray[np.int64]  # (n_cases,) pair index a case is locked to, else -1

    def reduced(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        """``w_p - lam[locality_p] . needs_p`` for every pair (chunked to bound memory)."""
        out = np.empty(len(self.weight))
        step = 2_000_000
        for start in range(0, len(out), step):
            stop = min(start + step, len(out))
            priced = lam[self.pair_locality[start:stop]] * self.pair_needs[start:stop]
            out[start:stop] = self.weight[start:stop] - priced.sum(axis=1)
        return out


def lagrangian_bound(arrays: Arrays, lam: NDArray[np.float64]) -> float:
    """``L(lam)``: a valid upper bound on the weighted objective for any ``lam >= 0``."""
    lam = np.maximum(lam, 0.0)
    reduced = arrays.reduced(lam)
    per_case = np.maximum(segment_max(reduced, arrays.indptr), 0.0)
    locked = np.flatnonzero(arrays.locked_pair >= 0)
    per_case[locked] = reduced[arrays.locked_pair[locked]]
    return float(per_case.sum() + (lam * arrays.capacity).sum())


@dataclass
class MasterSolution:
    columns: NDArray[np.int64]  # pair index of every master column
    values: NDArray[np.float64]  # LP value of every column
    lam: NDArray[np.float64]  # (n_localities, n_dims) capacity prices
    case_dual: NDArray[np.float64]  # (n_cases,)
    lp_value: float  # value of the restricted LP (a lower bound on the full LP)
    bound: float  # best Lagrangian bound found (an upper bound on every placement)
    rounds: int
    complete: bool  # no column prices out: the LP relaxation is solved exactly


class ColumnGeneration:
    """The restricted master LP, grown until no allowed pair prices out."""

    def __init__(
        self, arrays: Arrays, *, per_round: int = 3, initial: int = 2, use_flow: bool = True
    ) -> None:
        self.arrays = arrays
        self.use_flow = use_flow
        self.per_round = per_round
        self.initial = initial
        m, d = arrays.capacity.shape
        self.row_of = np.full((m, d), -1, dtype=np.int64)
        demand = np.zeros((m, d))
        np.add.at(demand, arrays.pair_locality, arrays.pair_needs)
        binding = np.argwhere(demand > arrays.capacity)
        self.cap_rows = binding
        self.row_of[binding[:, 0], binding[:, 1]] = arrays.n_cases + np.arange(len(binding))
        self.highs = new_highs()
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("solver", "simplex")
        self.columns = np.zeros(0, dtype=np.int64)
        self.in_master = np.zeros(len(arrays.weight), dtype=bool)
        self.round_seconds: list[float] = []
        self.failures: list[str] = []
        self.flow_bound = np.inf  # persons-only relaxation, when computed
        self.flow_solution: tuple[NDArray[np.int64], NDArray[np.float64]] | None = None
        self._add_rows()

    def _add_rows(self) -> None:
        n = self.arrays.n_cases
        upper = np.concatenate(
            [np.ones(n), self.arrays.capacity[self.cap_rows[:, 0], self.cap_rows[:, 1]]]
        )
        lower = np.full(len(upper), -highspy.kHighsInf)
        self.highs.addRows(len(upper), lower, upper, 0, np.zeros(0, np.int32),
                           np.zeros(0, np.int32), np.zeros(0))
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def add_columns(self, pairs: NDArray[np.int64]) -> None:
        pairs = pairs[~self.in_master[pairs]]
        if not len(pairs):
            return
        a = self.arrays
        rows = [a.pair_case[pairs][None, :]]
        vals = [np.ones((1, len(pairs)))]
        for d in range(a.capacity.shape[1]):
            rows.append(self.row_of[a.pair_locality[pairs], d][None, :])
            vals.append(a.pair_needs[pairs, d][None, :])
        row = np.concatenate(rows).T
        val = np.concatenate(vals).T
        keep = (row >= 0) & (val != 0)
        matrix = sparse.csr_matrix(
            (val[keep], (np.nonzero(keep)[0], row[keep])),
            shape=(len(pairs), a.n_cases + len(self.cap_rows)),
        )
        lower = np.zeros(len(pairs))
        upper = np.ones(len(pairs))
        locked = a.locked_pair[a.pair_case[pairs]]
        upper[(locked >= 0) & (locked != pairs)] = 0.0
        lower[locked == pairs] = 1.0
        self.highs.addCols(len(pairs), a.weight[pairs], lower, upper, matrix.nnz,
                           matrix.indptr[:-1].astype(np.int32), matrix.indices.astype(np.int32),
                           matrix.data)
        self.in_master[pairs] = True
        self.columns = np.concatenate([self.columns, pairs])

    def solve(
        self,
        deadline: float,
        *,
        tolerance: float = 1e-6,
        prices: NDArray[np.float64] | None = None,
    ) -> MasterSolution:
        """Grow and solve the master until complete, within ``tolerance`` or the deadline.

        ``prices`` (e.g. from a sample of the cases) choose the first columns: each case's
        best pairs at those prices.
        """
        a = self.arrays
        reduced = a.weight if prices is None else a.reduced(prices)
        if self.use_flow:
            fractions: list[NDArray[np.float64]] = []
            flow_columns, self.flow_bound = flow_pairs(a, flow_fractions=fractions)
            if fractions:
                self.flow_solution = (flow_columns, fractions[0])
            self.add_columns(flow_columns)
        self.add_columns(top_pairs_per_case(reduced, a.indptr, a.pair_case, self.initial))
        self.add_columns(a.locked_pair[a.locked_pair >= 0])
        best_bound, best_lam = np.inf, np.zeros_like(a.capacity)
        rounds, complete = 0, False
        last_values = np.zeros(0)
        lam, case_dual, lp_value = best_lam, np.zeros(a.n_cases), 0.0
        while True:
            rounds += 1
            started = time.monotonic()
            if not run_guarded(self.highs, deadline - time.monotonic()):
                self.failures.append(str(self.highs.getModelStatus()))
                break
            last_values = np.asarray(self.highs.getSolution().col_value)[: len(self.columns)]
            self.round_seconds.append(time.monotonic() - started)
            lam, case_dual, lp_value = self._duals()
            reduced = a.reduced(lam)
            bound = lagrangian_bound(a, lam)
            if bound < best_bound:
                best_bound, best_lam = bound, lam
            pricing = reduced - case_dual[a.pair_case]
            pricing[self.in_master] = NEG
            new = top_pairs_per_case(pricing, a.indptr, a.pair_case, self.per_round,
                                     positive_only=True)
            if not len(new):
                complete = True
                break
            close = (best_bound - lp_value) <= tolerance * max(abs(best_bound), 1.0)
            if close or time.monotonic() >= deadline:
                break
            self.add_columns(new)
        # The last LP solved (columns added after it stay at zero): always a feasible point.
        values = np.zeros(len(self.columns))
        values[: len(last_values)] = last_values
        bound = min(best_bound, lagrangian_bound(a, lam), self.flow_bound)
        return MasterSolution(self.columns, values, best_lam, case_dual, lp_value, bound,
                              rounds, complete)

    def _duals(self) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        solution = self.highs.getSolution()
        row_dual = np.abs(np.asarray(solution.row_dual))  # sign conventions differ by sense
        n = self.arrays.n_cases
        lam = np.zeros_like(self.arrays.capacity)
        lam[self.cap_rows[:, 0], self.cap_rows[:, 1]] = row_dual[n:]
        value = float(self.highs.getInfo().objective_function_value)
        return lam, row_dual[:n], value


def run_guarded(highs: highspy.Highs, seconds: float, *, accept_feasible: bool = False) -> bool:
    """Run a HiGHS solve with a watchdog; True if it ended optimal (or, with
    ``accept_feasible``, stopped with a feasible solution).

    HiGHS polls its time limit inside the simplex but not everywhere (presolve on large
    models), so we also wait from outside and cancel.
    """
    seconds = max(seconds, 0.05)
    highs.setOptionValue("time_limit", seconds)
    highs.HandleUserInterrupt = True
    thread = highs.startSolve()
    finished, _ = highs.wait(seconds + GRACE_SECONDS)
    if not finished:
        highs.cancelSolve()  # type: ignore[no-untyped-call]
        finished, _ = highs.wait(GRACE_SECONDS)
    if finished:
        thread.join(timeout=GRACE_SECONDS)
    if not finished:
        return False
    if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return True
    return accept_feasible and highs.getInfo().primal_solution_status == 2  # feasible



def flow_pairs(
    arrays: Arrays,
    *,
    scale: float = 1e6,
    flow_fractions: list[NDArray[np.float64]] | None = None,
    prices: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.int64], float]:
    """Pairs used by the persons-only relaxation with families split into persons, and its
    value: an upper bound on every placement (it drops the other dimensions' capacities and
    rounds each pair's value per person up to a multiple of ``1/scale``).

    Without the extra dimensions, the LP is a transportation problem: a min-cost flow from
    cases (supply = size) to localities (capacity in persons), with an "unplaced" arc per case.
    The network simplex solves it in about a second at 20,000 cases; its pairs are good first
    columns for the master LP, which then only has to repair the other dimensions.

    ``prices`` (column 0 ignored) charge the other dimensions inside the flow: the value is
    then ``Flow(w - lam . needs) + lam . cap``, a Lagrangian bound that those prices tighten.
    """
    from ortools.graph.python import min_cost_flow  # noqa: PLC0415 - heavy, used here only

    if flow_fractions is None:
        flow_fractions = []  # the caller does not want each pair's share of its case

    has_pairs = arrays.indptr[1:] > arrays.indptr[:-1]
    free = np.flatnonzero((arrays.locked_pair < 0) & has_pairs)
    pairs = np.flatnonzero((arrays.locked_pair < 0)[arrays.pair_case])
    if not len(pairs):
        return pairs, np.inf
    sizes = np.maximum(np.rint(arrays.pair_needs[arrays.indptr[free], 0]), 1).astype(np.int64)
    n, m = arrays.n_cases, arrays.capacity.shape[0]
    capacity = arrays.capacity[:, 0].copy()
    locked = arrays.locked_pair[arrays.locked_pair >= 0]
    np.subtract.at(capacity, arrays.pair_locality[locked], arrays.pair_needs[locked, 0])
    size_of = np.zeros(n, dtype=np.int64)
    size_of[free] = sizes
    extra = np.zeros_like(arrays.capacity) if prices is None else prices.copy()
    extra[:, 0] = 0.0
    charge = (extra[arrays.pair_locality[pairs]] * arrays.pair_needs[pairs]).sum(axis=1)
    per_person = (arrays.weight[pairs] - charge) / np.maximum(arrays.pair_needs[pairs, 0], 1.0)
    sink = n + m
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([arrays.pair_case[pairs], free, n + np.arange(m)]),
        np.concatenate([n + arrays.pair_locality[pairs], np.full(len(free), sink),
                        np.full(m, sink)]),
        np.concatenate([size_of[arrays.pair_case[pairs]], sizes,
                        np.maximum(np.floor(capacity), 0).astype(np.int64)]),
        np.concatenate([-np.ceil(per_person * scale).astype(np.int64),
                        np.zeros(len(free) + m, dtype=np.int64)]),
    )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[free] = sizes
    supplies[sink] = -int(sizes.sum())
    flow.set_nodes_supplies(np.arange(n + m + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        return np.zeros(0, dtype=np.int64), np.inf
    flows = flow.flows(np.arange(len(pairs)))
    used = flows > 0
    self_fraction = flows[used] / np.maximum(arrays.pair_needs[pairs[used], 0], 1.0)
    flow_fractions.append(np.asarray(self_fraction, dtype=np.float64))
    locked_charge = (extra[arrays.pair_locality[locked]] * arrays.pair_needs[locked]).sum()
    locked_value = float(arrays.weight[locked].sum() - locked_charge)
    priced_capacity = float((extra * arrays.capacity).sum())
    bound = -float(flow.optimal_cost()) / scale + locked_value + priced_capacity
    return np.asarray(pairs[used], dtype=np.int64), bound


@dataclass
class FlowRelaxation:
    pairs: NDArray[np.int64]  # pairs the last flow used
    fractions: NDArray[np.float64]  # share of its case each carries
    lam: NDArray[np.float64]  # prices of the other dimensions (column 0 is zero)
    bound: float  # best Lagrangian flow bound seen
    rounds: int


def solve_flow_relaxation(arrays: Arrays, deadline: float, *, rounds: int = 8) -> FlowRelaxation:
    """Price the other dimensions into the persons flow by a few subgradient steps.

    Each round solves the flow at the current prices (a valid bound), then raises the price of
    every locality and dimension the flow overfills and lowers it where capacity is left,
    so large families move to where large-family units are.
    """
    lam = np.zeros_like(arrays.capacity)
    sample = slice(None, None, max(1, len(arrays.weight) // 200_000))  # a median needs few
    weight, needs = arrays.weight[sample], arrays.pair_needs[sample]
    unit = np.array([float(np.median(weight[needs[:, d] > 0] / needs[needs[:, d] > 0, d]))
                     if (needs[:, d] > 0).any() else 0.0 for d in range(needs.shape[1])])
    best = np.inf
    pairs, fractions = np.zeros(0, dtype=np.int64), np.zeros(0)
    done = 0
    for done in range(1, rounds + 1):
        found: list[NDArray[np.float64]] = []
        pairs, bound = flow_pairs(arrays, flow_fractions=found, prices=lam)
        fractions = found[0] if found else np.zeros(len(pairs))
        best = min(best, bound)
        used = np.zeros_like(arrays.capacity)
        np.add.at(used, arrays.pair_locality[pairs], arrays.pair_needs[pairs] * fractions[:, None])
        excess = (used - arrays.capacity) / np.maximum(arrays.capacity, 1.0)
        excess[:, 0] = 0.0
        if (excess <= 1e-9).all() or time.monotonic() >= deadline:
            break
        lam = np.maximum(0.0, lam + 0.5 / done * unit[None, :] * excess)
    return FlowRelaxation(pairs, fractions, lam, best, done)
