"""Small-cell suppression: nothing from 1 to k-1 is published, and an attacker who solves the
published totals as a linear program cannot pin down any hidden value."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from resettle.reporting.suppression import attacker_ranges, suppress, with_totals

# Tables like the report's: mostly small counts and zeros, some large ones.
COUNTS = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(5, 60))
TABLES = st.integers(1, 5).flatmap(lambda width: st.lists(
    st.lists(COUNTS, min_size=width, max_size=width), min_size=1, max_size=6))


def published_small(table: list[list[int | None]], k: int) -> list[int]:
    return [v for row in table for v in row if v is not None and 0 < v < k]


@settings(max_examples=40, deadline=None)
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


def test_a_table_without_small_cells_is_published_whole() -> None:
    assert suppress([[5, 6], [0, 9]]).hidden == frozenset()
