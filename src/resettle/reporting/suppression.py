"""Small-cell suppression of a table published with its row and column totals.

Primary: every count from 1 to k-1 (default k = 5), totals included, is hidden. Secondary: more
cells are hidden so that no hidden value can be worked out from what is published.

The table with its totals is one grid in which every row and every column sums to zero once
the totals are counted negative. A hidden value is then determined exactly when its cell is a
*bridge* of the graph whose nodes are rows and columns and whose edges are the hidden cells;
on a cycle of hidden cells, one unit can move around the cycle without changing any published
number. So the secondary cells are chosen by a small integer program (HiGHS through SciPy):
least information lost (the hidden counts' sum, plus one per cell), every row and column with
a hidden cell holding another, and a cut for each bridge found until there is none. A zero
may be hidden too (so a hidden cell may be zero, and an attacker knows only that counts are
not negative). When every hidden count is at least 1, no bridge means every hidden value can
move by one either way; when a zero is hidden, an attacker's linear program
(:func:`attacker_ranges`) checks it, and zeros that do not help are barred. In the last
resort the whole table is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

Cell = tuple[int, int]
K_DEFAULT = 5
MAX_ROUNDS = 40


@dataclass(frozen=True)
class Suppression:
    """The grid with totals (last column: row totals; last row: column totals and the grand
    total) and which of its cells are hidden."""

    grid: tuple[tuple[int, ...], ...]
    hidden: frozenset[Cell]
    primary: frozenset[Cell]
    k: int

    def published(self) -> list[list[int | None]]:
        return [[None if (i, j) in self.hidden else v for j, v in enumerate(row)]
                for i, row in enumerate(self.grid)]

    @property
    def secondary(self) -> frozenset[Cell]:
        return self.hidden - self.primary


def with_totals(cells: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    rows = [[*row, sum(row)] for row in cells]
    columns = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(columns)])
    return tuple(tuple(row) for row in rows)


def suppress(cells: Sequence[Sequence[int]], k: int = K_DEFAULT) -> Suppression:
    """Hide small counts and enough others that none of them can be recovered."""
    grid = with_totals(cells)
    primary = frozenset((i, j) for i, row in enumerate(grid) for j, v in enumerate(row)
                        if 0 < v < k)
    hidden = _secondary(grid, primary) if primary else frozenset()
    return Suppression(grid, hidden, primary, k)


def _secondary(grid: tuple[tuple[int, ...], ...], primary: frozenset[Cell]) -> frozenset[Cell]:
    program = _Program(grid, primary)
    for _ in range(MAX_ROUNDS):
        hidden = program.solve()
        if hidden is None:
            break
        bridges = _bridges(hidden)
        for bridge in bridges:
            program.cut(bridge, _side(hidden - {bridge}, bridge))
        if bridges:
            continue
        zeros = [(i, j) for i, j in hidden if grid[i][j] == 0]
        # Bridgeless with every hidden count >= 1: one unit moves either way round a cycle.
        # A hidden zero can block one way; then the attacker's program decides.
        if not zeros or all(high - low >= 1 - 1e-6
                            for low, high in attacker_ranges(grid, hidden).values()):
            return hidden
        program.forbid(zeros)
    return frozenset((i, j) for i, row in enumerate(grid) for j in range(len(row)))


class _Program:
    """min sum(value + 1) over hidden candidates, s.t. line and cut constraints."""

    def __init__(self, grid: tuple[tuple[int, ...], ...], primary: frozenset[Cell]) -> None:
        self.grid, self.primary = grid, primary
        self.cells = [(i, j) for i, row in enumerate(grid) for j in range(len(row))]
        self.forbidden: set[Cell] = set()
        self.index = {c: n for n, c in enumerate(self.cells)}
        self.rows: list[np.ndarray] = []
        self.lower: list[float] = []
        for line in self._lines():
            for cell in line:
                self._at_least({c: 1.0 for c in line if c != cell} | {cell: -1.0}, 0.0)

    def _lines(self) -> list[list[Cell]]:
        height, width = len(self.grid), len(self.grid[0])
        lines = [[c for c in self.cells if c[0] == i] for i in range(height)]
        lines += [[c for c in self.cells if c[1] == j] for j in range(width)]
        return [line for line in lines if line]

    def _at_least(self, weights: dict[Cell, float], bound: float) -> None:
        row = np.zeros(len(self.cells))
        for cell, weight in weights.items():
            row[self.index[cell]] += weight
        self.rows.append(row)
        self.lower.append(bound)

    def cut(self, bridge: Cell, side: set[tuple[str, int]]) -> None:
        """Some other hidden cell must cross between ``side`` and the rest, if bridge is
        hidden (every cycle through it crosses twice)."""
        crossing = {c: 1.0 for c in self.cells if c != bridge
                    and ((("r", c[0]) in side) != (("c", c[1]) in side))}
        self._at_least(crossing | {bridge: -1.0}, 0.0)

    def forbid(self, cells: Sequence[Cell]) -> None:
        self.forbidden.update(cells)

    def solve(self) -> frozenset[Cell] | None:
        count = len(self.cells)
        cost = np.array([self.grid[i][j] + 1.0 for i, j in self.cells])
        fixed = np.array([1.0 if c in self.primary else 0.0 for c in self.cells])
        allowed = np.array([0.0 if c in self.forbidden else 1.0 for c in self.cells])
        result = milp(cost, integrality=np.ones(count), bounds=Bounds(fixed, allowed),
                      constraints=LinearConstraint(np.array(self.rows), self.lower, np.inf))
        if result.x is None:
            return None
        return frozenset(c for c, x in zip(self.cells, result.x, strict=True) if x > 0.5)


def _adjacency(hidden: frozenset[Cell]) -> dict[tuple[str, int], set[tuple[str, int]]]:
    graph: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for i, j in hidden:
        graph.setdefault(("r", i), set()).add(("c", j))
        graph.setdefault(("c", j), set()).add(("r", i))
    return graph


def _side(hidden: frozenset[Cell], start: Cell) -> set[tuple[str, int]]:
    """Nodes reachable from the row node of ``start`` through ``hidden``."""
    graph = _adjacency(hidden)
    seen, todo = {("r", start[0])}, [("r", start[0])]
    while todo:
        for node in graph.get(todo.pop(), ()):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _bridges(hidden: frozenset[Cell]) -> list[Cell]:
    return [cell for cell in sorted(hidden) if ("c", cell[1]) not in _side(hidden - {cell}, cell)]


def attacker_ranges(grid: Sequence[Sequence[int]],
                    hidden: frozenset[Cell]) -> dict[Cell, tuple[float, float]]:
    """What someone holding the published table can prove about each hidden cell: its least
    and greatest value under every row and column sum, knowing counts are never negative."""
    cells = sorted(hidden)
    if not cells:
        return {}
    index = {c: n for n, c in enumerate(cells)}
    height, width = len(grid), len(grid[0])
    equations, rhs = [], []
    for line in [[(i, j) for j in range(width)] for i in range(height)] + [
            [(i, j) for i in range(height)] for j in range(width)]:
        row, total = np.zeros(len(cells)), 0.0
        for i, j in line:
            sign = -1.0 if (i == height - 1) != (j == width - 1) else 1.0  # totals negative
            if (i, j) in index:
                row[index[(i, j)]] += sign
            else:
                total -= sign * grid[i][j]
        if row.any():
            equations.append(row)
            rhs.append(total)
    ranges = {}
    for cell in cells:
        objective = np.zeros(len(cells))
        objective[index[cell]] = 1.0
        low = linprog(objective, A_eq=equations, b_eq=rhs, bounds=(0, None))
        high = linprog(-objective, A_eq=equations, b_eq=rhs, bounds=(0, None))
        top = np.inf if high.status == 3 else -high.fun
        ranges[cell] = (low.fun, top)
    return ranges
