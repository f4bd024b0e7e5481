"""Small-count protection of tables with margins (survey cross tables): every small cell is
hidden and no hidden figure can be recovered exactly from the published ones (checked by linear
algebra, independently of the algorithm)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from core.suppression import SURVEY_MIN_COUNT, suppress_line, suppress_table_with_margins

K = SURVEY_MIN_COUNT


def recoverable(table, result):
    """Indices of hidden figures a reader can compute from the published figures."""
    n_rows, n_cols = len(table), len(table[0])
    names = [("cell", i, j) for i in range(n_rows) for j in range(n_cols)]
    names += [("row", i, -1) for i in range(n_rows)] + [("col", -1, j) for j in range(n_cols)]
    names += [("grand", -1, -1)]
    index = {name: k for k, name in enumerate(names)}
    equations = []
    for i in range(n_rows):
        eq = np.zeros(len(names))
        for j in range(n_cols):
            eq[index[("cell", i, j)]] = 1
        eq[index[("row", i, -1)]] = -1
        equations.append(eq)
    for j in range(n_cols):
        eq = np.zeros(len(names))
        for i in range(n_rows):
            eq[index[("cell", i, j)]] = 1
        eq[index[("col", -1, j)]] = -1
        equations.append(eq)
    for kind, count in (("row", n_rows), ("col", n_cols)):
        eq = np.zeros(len(names))
        for m in range(count):
            eq[index[(kind, m, -1) if kind == "row" else (kind, -1, m)]] = 1
        eq[index[("grand", -1, -1)]] = -1
        equations.append(eq)
    a = np.array(equations)
    hidden = []
    for name in names:
        kind, i, j = name
        if kind == "cell":
            flag = result.cells[i][j]
        elif kind == "row":
            flag = result.row_totals[i]
        elif kind == "col":
            flag = result.col_totals[j]
        else:
            flag = result.grand_total
        if flag:
            hidden.append(index[name])
    if not hidden:
        return []
    basis = null_space(a[:, hidden])
    out = []
    for position, k in enumerate(hidden):
        if basis.size == 0 or np.max(np.abs(basis[position])) < 1e-9:
            out.append(names[k])
    return out


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 30), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_figure_is_recoverable(table):
    result = suppress_table_with_margins(table, K)
    for i, line in enumerate(table):
        for j, value in enumerate(line):
            if 0 < value < K:
                assert result.cells[i][j], (i, j)
    assert recoverable(table, result) == []


@settings(max_examples=200, deadline=None)
@given(tables)
def test_cross_table_consistent_with_published_column_totals(table):
    """As the results pages do: the column totals are the overall distribution, published (and
    suppressed) on their own first; the cross-table keeps their state."""
    col_totals = [sum(col) for col in zip(*table, strict=True)]
    overall = suppress_line(col_totals, K)
    result = suppress_table_with_margins(table, K, fixed_col_totals=overall)
    assert result.col_totals == overall or sum(col_totals) < K
    assert recoverable(table, result) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_line(values):
    hidden = suppress_line(values, K)
    assert all(hidden[i] for i, v in enumerate(values) if 0 < v < K)
    if sum(values) >= K:
        # A single hidden figure could be recovered from the total.
        assert sum(hidden) != 1


def test_example_by_hand():
    # 3 is small; hiding it alone would let 3 = 20 - 9 - 8 be recovered: 8 goes too.
    assert suppress_line([9, 3, 8], K) == [False, True, True]
    result = suppress_table_with_margins([[10, 2], [10, 10]], K)
    assert result.cells == [[True, True], [True, True]]
    assert result.grand_total is False
