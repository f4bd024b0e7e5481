"""Small-count protection for tables with margins (pure; no Django).

``suppress_table_with_margins`` is the general function: a two-way table of counts with its
row totals, column totals and grand total. Cells with ``1 <= count < min_count`` are hidden
(primary suppression). Then, because a reader can subtract published figures from published
totals, more cells are hidden (secondary suppression) until no hidden figure can be worked out
exactly from the published ones.

Why it works: write the table with its margins as a graph — one node per row, per column, plus a
"total" row node and a "total" column node; every figure (cell, row total, column total, grand
total) is an edge between its row and its column node. Each line of the table is one linear
equation. The hidden figures can be changed together without changing any published figure
exactly along cycles of hidden edges (with alternating signs, the graph is bipartite), so a
hidden figure is recoverable if and only if its edge lies on no cycle of hidden edges, i.e. it is
a bridge. The algorithm repeatedly takes a hidden bridge and hides the cheapest path of
published figures that closes a cycle through it (cheap = small counts; zeros and fixed figures
are avoided). Treating all margins as published is conservative: a caller who publishes fewer
totals gives a reader fewer equations.

Figures ``fixed`` by the caller (e.g. totals already published elsewhere with their own
suppression) keep their state. One-dimensional lists with a total are tables with one row
(``suppress_line``). The tests prove the property with hypothesis by linear algebra.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

INF = float("inf")


@dataclass
class Suppressed:
    cells: list[list[bool]]
    row_totals: list[bool]
    col_totals: list[bool]
    grand_total: bool


def suppress_table_with_margins(
    table: list[list[int]],
    min_count: int,
    *,
    row_totals: list[int] | None = None,
    col_totals: list[int] | None = None,
    fixed_col_totals: list[bool | None] | None = None,
    fixed_row_totals: list[bool | None] | None = None,
) -> Suppressed:
    """Which figures of ``table`` (and its margins) to hide. See the module docstring.

    ``row_totals``/``col_totals`` default to the sums (pass them for tables whose lines do not
    add up, e.g. multiple choice, where a respondent counts in several columns).
    ``fixed_*``: per margin ``True``/``False`` forces its state, ``None`` leaves it free.
    """
    n_rows = len(table)
    n_cols = len(table[0]) if n_rows else 0
    row_totals = list(row_totals) if row_totals is not None else [sum(r) for r in table]
    col_totals = (
        list(col_totals)
        if col_totals is not None
        else [sum(table[i][j] for i in range(n_rows)) for j in range(n_cols)]
    )
    grand = sum(col_totals) if col_totals else sum(row_totals)
    # nodes: rows 0..R-1, total row R, columns R+1..R+C, total column R+C+1
    total_row, total_col = n_rows, n_rows + n_cols + 1

    def col(j):
        return n_rows + 1 + j

    edges: list[list] = []  # [u, v, value, hidden, fixed, kind, i, j]
    for i in range(n_rows):
        for j in range(n_cols):
            edges.append([i, col(j), table[i][j], False, False, "cell", i, j])
    for i in range(n_rows):
        forced = fixed_row_totals[i] if fixed_row_totals else None
        edges.append([i, total_col, row_totals[i], bool(forced), forced is not None, "row", i, -1])
    for j in range(n_cols):
        forced = fixed_col_totals[j] if fixed_col_totals else None
        edges.append(
            [total_row, col(j), col_totals[j], bool(forced), forced is not None, "col", -1, j]
        )
    edges.append([total_row, total_col, grand, False, grand >= min_count, "grand", -1, -1])
    for e in edges:
        if not e[4] and 0 < e[2] < min_count:
            e[3] = True
    n_nodes = n_rows + n_cols + 2

    def adjacency(hidden_only: bool, skip: int):
        adj: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
        for k, e in enumerate(edges):
            if k == skip or (hidden_only and not e[3]):
                continue
            adj[e[0]].append((e[1], k))
            adj[e[1]].append((e[0], k))
        return adj

    def connected(u, v, skip):
        adj = adjacency(True, skip)
        seen, stack = {u}, [u]
        while stack:
            x = stack.pop()
            if x == v:
                return True
            for y, _k in adj[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        return False

    def cost(e):
        if e[3]:
            return 0.0
        if e[4]:
            return INF
        return 1e6 + e[2] if e[2] == 0 else 1.0 + e[2]

    def cheapest_path(u, v, skip):
        adj = adjacency(False, skip)
        dist = {u: 0.0}
        prev: dict[int, tuple[int, int]] = {}
        heap = [(0.0, u)]
        while heap:
            d, x = heapq.heappop(heap)
            if x == v:
                break
            if d > dist.get(x, INF):
                continue
            for y, k in adj[x]:
                c = cost(edges[k])
                if c == INF:
                    continue
                nd = d + c
                if nd < dist.get(y, INF):
                    dist[y] = nd
                    prev[y] = (x, k)
                    heapq.heappush(heap, (nd, y))
        if v not in dist:
            return None
        path, x = [], v
        while x != u:
            x, k = prev[x]
            path.append(k)
        return path

    for _round in range(len(edges) + 1):
        bridge = next(
            (k for k, e in enumerate(edges) if e[3] and not connected(e[0], e[1], k)), None
        )
        if bridge is None:
            break
        path = cheapest_path(edges[bridge][0], edges[bridge][1], bridge)
        if path is None:  # nothing can close a cycle: hide everything that may be hidden
            for e in edges:
                if not e[4] or e[3]:
                    e[3] = True
            if any(e[3] and not connected(e[0], e[1], k) for k, e in enumerate(edges)):
                for e in edges:
                    e[3] = True
            break
        for k in path:
            edges[k][3] = True
    cells = [[False] * n_cols for _ in range(n_rows)]
    rows, cols, grand_hidden = [False] * n_rows, [False] * n_cols, False
    for e in edges:
        if e[5] == "cell":
            cells[e[6]][e[7]] = e[3]
        elif e[5] == "row":
            rows[e[6]] = e[3]
        elif e[5] == "col":
            cols[e[7]] = e[3]
        else:
            grand_hidden = e[3]
    return Suppressed(cells, rows, cols, grand_hidden)


def suppress_line(values: list[int], min_count: int, total: int | None = None) -> list[bool]:
    """A list of counts with its published total (a table with one row): which to hide."""
    if not values:
        return []
    result = suppress_table_with_margins(
        [list(values)],
        min_count,
        row_totals=[sum(values) if total is None else total],
        col_totals=list(values),
        # The column totals are the cells themselves: never an extra figure.
        fixed_col_totals=None,
    )
    return [a or b for a, b in zip(result.cells[0], result.col_totals, strict=True)]
