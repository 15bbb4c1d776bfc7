"""Score a whole case x locality grid with a fitted HistGradientBoosting model, exactly, fast.

scikit-learn walks every tree for every row: 300 trees x 5,000,000 pairs took 44-105 s here
(bench/RESULTS.md). But a pair's features are case features, locality features and a few
case x locality interactions, and the outcome models' trees are small (4 or 8 leaves). So each
tree's internal nodes split into three kinds, and its leaf is a table lookup

    leaf(i, j) = LUT[case_code(i), locality_code(j), pair_code(i, j)]

where ``case_code`` packs the tree's case-feature tests (computed once per case),
``locality_code`` its locality tests (once per locality) and ``pair_code`` its interaction
tests. For a fixed ``pair_code`` the table is a small matrix, so summed over the trees it is a
product of two thin matrices (one-hot codes on one side, table rows on the other): the score
grid is ``sum over pair-test signatures v of [pair_code == v] * (U_v @ V_v.T)``, a few matrix
products instead of a billion tree steps. The sums are the same numbers up to floating-point
reassociation (~1e-12; tests/prediction/test_compiled.py checks 1e-9 against scikit-learn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

CASE, LOCALITY, PAIR = 0, 1, 2
MAX_SPLITS = 10  # trees with more internal nodes than this are not compiled (fallback)
PairColumns = Callable[[NDArray[np.int64], int], NDArray[np.float64]]  # (cases, column) -> grid


@dataclass(frozen=True)
class Test:
    """One internal node: ``x[column] <= threshold`` (NaN goes left when ``nan_left``)."""

    kind: int
    column: int
    threshold: float
    nan_left: bool

    def bits(self, values: NDArray[np.float64]) -> NDArray[np.bool_]:
        with np.errstate(invalid="ignore"):
            return np.where(np.isnan(values), self.nan_left, values <= self.threshold)


@dataclass
class CompiledTree:
    tests: tuple[Test, ...]  # by kind: case tests, then locality tests, then pair tests
    counts: tuple[int, int, int]  # tests of each kind
    lut: NDArray[np.float64]  # (2**a, 2**b, 2**p) leaf values


@dataclass
class _Group:
    """Trees with the same pair tests: one low-rank product per pair code."""

    pair_tests: tuple[Test, ...]
    trees: list[CompiledTree] = field(default_factory=list)


def compile_tree(nodes: Any, kinds: NDArray[np.int64], columns: NDArray[np.int64]
                 ) -> CompiledTree | None:
    """A scikit-learn TreePredictor's ``nodes`` as a lookup table; None if it cannot be."""
    internal = [k for k in range(len(nodes)) if not nodes["is_leaf"][k]]
    if len(internal) > MAX_SPLITS or any(nodes["is_categorical"][k] for k in internal):
        return None
    order = sorted(internal, key=lambda k: (int(kinds[nodes["feature_idx"][k]]), k))
    tests = tuple(Test(int(kinds[f]), int(columns[f]), float(nodes["num_threshold"][k]),
                       bool(nodes["missing_go_to_left"][k]))
                  for k in order for f in [int(nodes["feature_idx"][k])])
    bit_of = {node: b for b, node in enumerate(order)}
    counts = tuple(sum(t.kind == kind for t in tests) for kind in (CASE, LOCALITY, PAIR))
    flat = np.empty(2 ** len(order))
    for combo in range(len(flat)):  # follow the tree with every test's outcome given
        node = 0
        while not nodes["is_leaf"][node]:
            left = (combo >> bit_of[node]) & 1
            node = int(nodes["left"][node] if left else nodes["right"][node])
        flat[combo] = float(nodes["value"][node])
    a, b, p = counts
    lut = flat.reshape(2 ** p, 2 ** b, 2 ** a).transpose(2, 1, 0).copy()
    return CompiledTree(tests, (a, b, p), lut)


def _codes(tests: tuple[Test, ...], table: NDArray[np.float64]) -> NDArray[np.int64]:
    code = np.zeros(len(table), dtype=np.int64)
    for bit, test in enumerate(tests):
        code |= test.bits(table[:, test.column]).astype(np.int64) << bit
    return code


class CompiledEnsemble:
    """A fitted binary HistGradientBoostingClassifier, compiled for grids (see module)."""

    def __init__(self, model: Any, kinds: NDArray[np.int64], columns: NDArray[np.int64]):
        """``kinds[f]``/``columns[f]``: kind of the model's feature ``f`` and its column in
        the case table, the locality table or the pair columns."""
        if len(model._predictors[0]) != 1:
            raise ValueError("only binary models compile")
        self.baseline = float(np.ravel(model._baseline_prediction)[0])
        groups: dict[tuple[Test, ...], _Group] = {}
        self.complete = True
        for (predictor,) in model._predictors:
            tree = compile_tree(predictor.nodes, kinds, columns)
            if tree is None:
                self.complete = False
                return
            pair_tests = tree.tests[tree.counts[0] + tree.counts[1]:]
            groups.setdefault(pair_tests, _Group(pair_tests)).trees.append(tree)
        self.groups = list(groups.values())

    def raw_grid(self, cases: NDArray[np.float64], localities: NDArray[np.float64],
                 pair_column: PairColumns, *, block: int = 1_000_000) -> NDArray[np.float64]:
        """(n_cases, n_localities) raw scores (log-odds) of every pair."""
        n, m = len(cases), len(localities)
        factors = [self._factors(g, cases, localities) for g in self.groups]
        out = np.empty((n, m))
        step = max(1, block // max(m, 1))
        for start in range(0, n, step):
            rows = np.arange(start, min(n, start + step), dtype=np.int64)
            grid = np.full((len(rows), m), self.baseline)
            for group, (us, vs) in zip(self.groups, factors, strict=True):
                if not group.pair_tests:
                    grid += us[0][rows] @ vs[0].T
                    continue
                code = np.zeros((len(rows), m), dtype=np.int64)
                for bit, test in enumerate(group.pair_tests):
                    code |= test.bits(pair_column(rows, test.column)).astype(np.int64) << bit
                for value, (u, v) in enumerate(zip(us, vs, strict=True)):
                    hit = code == value
                    if hit.any():
                        grid[hit] += (u[rows] @ v.T)[hit]
            out[rows] = grid
        return out

    @staticmethod
    def _factors(group: _Group, cases: NDArray[np.float64], localities: NDArray[np.float64]
                 ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """Per pair code: (U, V) with the group's trees summed = U @ V.T."""
        n_codes = 2 ** len(group.pair_tests)
        us: list[list[NDArray[np.float64]]] = [[] for _ in range(n_codes)]
        vs: list[list[NDArray[np.float64]]] = [[] for _ in range(n_codes)]
        for tree in group.trees:
            a, b, _ = tree.counts
            cc = _codes(tree.tests[:a], cases)
            lc = _codes(tree.tests[a:a + b], localities)
            for value in range(n_codes):
                table = tree.lut[:, :, value]
                if 2 ** a <= 2 ** b:  # one-hot cases x table rows per locality
                    us[value].append(np.eye(2 ** a)[cc])
                    vs[value].append(table[:, lc].T)
                else:
                    us[value].append(table[cc, :])
                    vs[value].append(np.eye(2 ** b)[lc])
        return ([np.hstack(u) for u in us], [np.hstack(v) for v in vs])
