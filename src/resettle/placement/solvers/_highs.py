"""Thin helpers around ``highspy``: build a sparse model from arrays, solve under a watchdog.

The watchdog exists because HiGHS does not poll its time limit while presolve runs on large
models (a known upstream behaviour): the solve runs in HiGHS's own thread, we wait for the
time limit plus a grace period, then ask it to stop (``cancelSolve``), and if it still does not
stop we report a timeout and let the daemon thread die with the process. Large models with a
time limit are additionally solved with presolve off, which never blocks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from resettle.placement.problem import PlacementProblem
from resettle.placement.quiet_highs import new_highs

PRESOLVE_OFF_ABOVE_PAIRS = 2_000_000  # presolve can run for minutes unobserved above this
GRACE_SECONDS = 5.0  # HiGHS checks its clock coarsely, more so on a loaded machine


def deadline_share(deadline: float | None, fraction: float) -> float | None:
    """A deadline (``time.perf_counter`` clock) at ``fraction`` of the time left before
    ``deadline``, leaving the rest for what follows (a proof, a repair); None: no deadline."""
    if deadline is None:
        return None
    now = time.perf_counter()
    return now + fraction * max(deadline - now, 0.0)


def time_left(deadline: float | None) -> float | None:
    """Seconds left before ``deadline`` as a HiGHS time limit (never zero); None: no limit."""
    return None if deadline is None else max(deadline - time.perf_counter(), 0.01)


class SolverStuckError(RuntimeError):
    """HiGHS ignored both its time limit and the cancel request; the model is unusable."""


@dataclass
class Rows:
    """Row layout of the placement model (for duals and explanations)."""

    matrix: sparse.csc_matrix
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    capacity_rows: NDArray[np.int64]  # (n_capacity_rows, 2): (locality, dimension) per row
    first_capacity_row: int
    names: list[str]


def build_rows(
    problem: PlacementProblem,
    *,
    all_capacity_rows: bool = False,
    multiplicity: NDArray[np.int64] | None = None,
) -> Rows:
    """Assignment rows (each case at most once), capacity rows, group-floor rows.

    Capacity rows that can never bind (total allowed demand <= capacity) are left out unless
    ``all_capacity_rows`` (explanations want a price for every locality and dimension).
    """
    n, k = problem.n_cases, problem.n_pairs
    pair_ids = np.arange(k, dtype=np.int64)
    rows, cols, vals = [problem.pair_case], [pair_ids], [np.ones(k)]
    mult = np.ones(n, dtype=np.int64) if multiplicity is None else multiplicity
    lower, upper = [np.full(n, -np.inf)], [mult.astype(np.float64)]
    names = [f"assign {c}" for c in problem.case_ids]
    demand = np.zeros_like(problem.capacity)
    np.add.at(demand, problem.pair_locality, problem.pair_needs * mult[problem.pair_case, None])
    keep = np.ones_like(demand, dtype=bool) if all_capacity_rows else demand > problem.capacity
    cap_rows = np.argwhere(keep).astype(np.int64)
    row_of = np.full(problem.capacity.shape, -1, dtype=np.int64)
    row_of[cap_rows[:, 0], cap_rows[:, 1]] = n + np.arange(len(cap_rows))
    for d in range(len(problem.dimensions)):
        row = row_of[problem.pair_locality, d]
        use = (row >= 0) & (problem.pair_needs[:, d] > 0)
        rows.append(row[use])
        cols.append(pair_ids[use])
        vals.append(problem.pair_needs[use, d].astype(np.float64))
    lower.append(np.full(len(cap_rows), -np.inf))
    upper.append(problem.capacity[cap_rows[:, 0], cap_rows[:, 1]].astype(np.float64))
    names.extend(
        f"capacity {problem.dimensions[d]} of {problem.locality_ids[loc]}"
        for loc, d in cap_rows.tolist()
    )
    next_row = n + len(cap_rows)
    for coef, rhs, name in floor_rows(problem, mult):
        nz = np.flatnonzero(coef)
        rows.append(np.full(len(nz), next_row, dtype=np.int64))
        cols.append(nz)
        vals.append(coef[nz])
        lower.append(np.array([rhs]))
        upper.append(np.array([np.inf]))
        names.append(name)
        next_row += 1
    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(next_row, k)
    )
    return Rows(matrix, np.concatenate(lower), np.concatenate(upper), cap_rows, n, names)


def floor_rows(
    problem: PlacementProblem, multiplicity: NDArray[np.int64]
) -> list[tuple[NDArray[np.float64], float, str]]:
    """Each group floor as ``coef @ x >= rhs`` over the pairs."""
    from resettle.placement.objective import pair_outcome  # noqa: PLC0415 - avoid a cycle

    out: list[tuple[NDArray[np.float64], float, str]] = []
    pair_size = problem.sizes[problem.pair_case].astype(np.float64)
    outcome = pair_outcome(problem)
    for floor in problem.group_floors:
        member = np.isin(problem.pair_case, floor.cases)
        if floor.min_share_placed > 0:
            total = float((problem.sizes * multiplicity)[floor.cases].sum())
            coef = np.where(member, pair_size, 0.0)
            out.append((coef, floor.min_share_placed * total, f"share floor {floor.name}"))
        if floor.min_mean_score is not None:
            unit = pair_size if problem.outcome_per_person else np.ones_like(pair_size)
            coef = np.where(member, outcome - floor.min_mean_score * unit, 0.0)
            out.append((coef, 0.0, f"mean-outcome floor {floor.name}"))
    return out


def new_model(
    problem: PlacementProblem,
    rows: Rows,
    *,
    integer: bool,
    seed: int,
    multiplicity: NDArray[np.int64] | None = None,
) -> highspy.Highs:
    """A HiGHS model over the pairs (maximise), locks fixed through column bounds."""
    col_lower, col_upper = lock_bounds(problem)
    if multiplicity is not None:
        col_upper = col_upper * multiplicity[problem.pair_case]
    return build_highs(
        rows.matrix, np.zeros(problem.n_pairs), (col_lower, col_upper),
        (rows.lower, rows.upper), integer=integer, seed=seed,
    )


def build_highs(
    matrix: sparse.csc_matrix,
    cost: NDArray[np.float64],
    col_bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
    row_bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
    *,
    integer: bool,
    seed: int,
) -> highspy.Highs:
    """A maximisation model straight from sparse arrays, quiet and cancellable."""
    highs = new_highs()
    highs.setOptionValue("random_seed", int(seed))
    highs.HandleUserInterrupt = True
    n_cols = matrix.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = col_bounds
    lp.row_lower_, lp.row_upper_ = row_bounds
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    highs.passModel(lp)
    return highs


def lock_bounds(problem: PlacementProblem) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column bounds: a locked case's locked pair is fixed to 1 and its other pairs to 0."""
    lower = np.zeros(problem.n_pairs)
    upper = np.ones(problem.n_pairs)
    indptr = problem.case_indptr
    for case, loc in problem.locks.items():
        upper[indptr[case] : indptr[case + 1]] = 0.0
        at = problem.pair_index(case, loc)
        if at >= 0:
            lower[at] = upper[at] = 1.0
    return lower, upper


def run_guarded(
    highs: highspy.Highs, time_limit: float | None, n_pairs: int, *, presolve: bool = True
) -> bool:
    """Run the solve; True if it ended by itself, False if it had to be cancelled.

    Raises :class:`SolverStuckError` if HiGHS does not stop even when cancelled (the thread is
    a daemon and dies with the process; the caller must drop this model), and also when the
    model's previous solve is still running: highspy would raise its own "Solver is already
    running" there, which callers do not expect (seen under load after a cancelled solve).
    """
    if highs.is_solver_running():
        raise SolverStuckError("HiGHS is still running this model's previous solve")
    if time_limit is None:
        highs.setOptionValue("time_limit", highspy.kHighsInf)
        highs.run()
        return True
    highs.setOptionValue("time_limit", max(float(time_limit), 0.01))
    if n_pairs > PRESOLVE_OFF_ABOVE_PAIRS or not presolve:
        highs.setOptionValue("presolve", "off")
    thread = highs.startSolve()
    finished, _ = highs.wait(time_limit + GRACE_SECONDS)
    if not finished:
        highs.cancelSolve()  # type: ignore[no-untyped-call]
        finished, _ = highs.wait(GRACE_SECONDS)
        if not finished:
            raise SolverStuckError("HiGHS did not stop at its time limit nor when cancelled")
        thread.join(timeout=GRACE_SECONDS)
        return False
    thread.join(timeout=GRACE_SECONDS)
    return True
