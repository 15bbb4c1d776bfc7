"""Small-cell suppression: nothing from 1 to k-1 is published, and an attacker who solves the
published totals as a linear program cannot pin down any hidden value."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from resettle.reporting.suppression import attacker_ranges, suppress, with_totals

# Tables like the report's: mostly small counts and zeros, some large ones.
COUNTS = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(5, 60))
TABLES = st.integers(1, 5).flatmap(lambda width: st.lists(
    st.lists(COUNTS, min_size=width, max_size=width), min_size=1, max_size=6))


def published_small(table: list[list[int | None]], k: int) -> list[int]:
    return [v for row in table for v in row if v is not None and 0 < v < k]


@settings(max_examples=30, deadline=None)
@given(TABLES)
def test_no_small_cell_is_published_and_none_hidden_can_be_recovered(cells: list[list[int]]
                                                                     ) -> None:
    result = suppress(cells, k=5)
    published = result.published()
    assert published_small(published, 5) == []
    for cell, (low, high) in attacker_ranges(result.grid, result.hidden).items():
        # at least two values fit every published total (the system is totally unimodular,
        # so the LP's extremes are whole numbers)
        assert high - low >= 1 - 1e-6, (cells, published, cell, low, high)
        true = result.grid[cell[0]][cell[1]]
        assert low - 1e-6 <= true <= high + 1e-6


def solve_as_attacker(published: list[list[int | None]]) -> dict[tuple[int, int], float]:
    """Written apart from the module's own check: unknowns are the blank cells of the published
    table (last row and column are the totals); each row's cells add up to its total, each
    column's to its total, counts are not negative. Returns max - min of each blank cell."""
    blanks = [(i, j) for i, row in enumerate(published) for j, v in enumerate(row) if v is None]
    index = {cell: n for n, cell in enumerate(blanks)}
    height, width = len(published), len(published[0])
    lines = [([(i, j) for j in range(width - 1)], (i, width - 1)) for i in range(height)]
    lines += [([(i, j) for i in range(height - 1)], (height - 1, j)) for j in range(width)]
    a_eq, b_eq = [], []
    for parts, total in lines:
        row, known = np.zeros(len(blanks)), 0.0
        for cell, sign in [*((c, 1.0) for c in parts), (total, -1.0)]:
            value = published[cell[0]][cell[1]]
            if value is None:
                row[index[cell]] += sign
            else:
                known += sign * value
        if row.any():
            a_eq.append(row)
            b_eq.append(-known)
    spread = {}
    for cell, n in index.items():
        c = np.zeros(len(blanks))
        c[n] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        spread[cell] = np.inf if high.status == 3 else -high.fun - low.fun
    return spread


@settings(max_examples=20, deadline=None)
@given(TABLES)
def test_an_independent_attacker_pins_down_no_hidden_value(cells: list[list[int]]) -> None:
    published = suppress(cells).published()
    assert all(spread >= 1 - 1e-6 for spread in solve_as_attacker(published).values())


@settings(max_examples=30, deadline=None)
@given(TABLES)
def test_published_cells_are_the_true_counts(cells: list[list[int]]) -> None:
    result = suppress(cells)
    grid = with_totals(cells)
    for i, row in enumerate(result.published()):
        for j, value in enumerate(row):
            assert value is None or value == grid[i][j]


def test_a_single_small_cell_takes_its_row_column_and_corner_with_it() -> None:
    result = suppress([[3, 40], [50, 60]])
    assert result.primary == {(0, 0)}
    assert len(result.hidden) >= 4  # a cycle of hidden cells, the least lost
    hidden_values = sum(result.grid[i][j] for i, j in result.hidden)
    assert hidden_values == 3 + 40 + 50 + 60  # cheaper than hiding any total


def test_the_attacker_recovers_a_cell_hidden_alone() -> None:
    """The check is real: one cell hidden on its own is solved from its row total."""
    grid = with_totals([[3, 40], [50, 60]])
    low, high = attacker_ranges(grid, frozenset({(0, 0)}))[(0, 0)]
    assert np.isclose(low, 3) and np.isclose(high, 3)
    alone = [[None, 40, 43], [50, 60, 110], [53, 100, 153]]
    assert solve_as_attacker(alone) == {(0, 0): 0.0}


def test_a_table_without_small_cells_is_published_whole() -> None:
    assert suppress([[5, 6], [0, 9]]).hidden == frozenset()
