"""Small-count protection: one module for everything the platform publishes (survey results,
monitoring indicators, and the catalogue and concept document that show them). Pure: numpy
and scipy, no Django (``thresholds()`` reads the settings when Django is configured).

Thresholds, one settings family with documented defaults:

- ``SUPPRESSION_MIN_COUNT`` (default 3): the statistical offices' convention for counts of
  people: 1 and 2 are withheld. Used for official figures (monitoring).
- ``SUPPRESSION_SURVEY_MIN_COUNT`` (default 5): the smallest number of respondents a published
  survey figure may rest on.
- ``SUPPRESSION_MIN_NUMERATOR`` (default 3) and ``SUPPRESSION_MIN_DENOMINATOR`` (default 20): a
  rate is published only from at least that many cases out of at least that large a base.

Primary suppression: a count from 1 to ``min_count - 1`` is withheld (``is_small``; 0 is shown:
it reveals nobody).

Secondary suppression: further figures are withheld until no withheld figure can be worked out
exactly from the published ones. Two ways of stating the arithmetic a reader can do, one
guarantee:

- ``protect(values, equations)``: any system of sums (``total = sum(parts)``), e.g. a county is
  the sum of its municipalities and "all" the sum of women, men and diverse. A withheld cell
  ``i`` is recoverable exactly when the unit vector ``e_i`` lies in the row space of the
  equations restricted to the withheld cells; checked with matrix ranks, so combinations of
  equations are covered too. Greedy: first every equation left with one withheld cell gets
  its cheapest published cell as a partner (needed by any safe result; done by counting), then
  each block of withheld cells that equations link is checked with one decomposition (blocks
  of a size stacked into one call), and only where a combination of equations still gives a
  cell away does the step-by-step search run. ``protect_arrays`` takes numbered cells, for
  many tables at once (the monitoring's tables of territories × sex).
- ``suppress_table_with_margins(table, min_count)``: a two-way table of counts with its row
  totals, column totals and grand total (survey cross tables). Written as a graph (one node per
  row, per column, a "total" row and a "total" column node; every figure an edge), the withheld
  figures can change together without changing a published one exactly along cycles of withheld
  edges, so a withheld figure is recoverable if and only if its edge is a bridge. The algorithm
  takes a withheld bridge and withholds the cheapest path of published figures that closes a
  cycle through it (cheap = small counts; zeros and fixed figures are avoided). This is the rank
  condition above solved exactly and fast for this shape; treating all margins as published is
  conservative. ``suppress_line`` is a table with one row.

The tests (``tests/core/test_suppression*.py``) prove the guarantee of both with hypothesis, by
linear algebra independent of the algorithms.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

OFFICIAL_MIN_COUNT = 3
SURVEY_MIN_COUNT = 5
MIN_NUMERATOR = 3
MIN_DENOMINATOR = 20

Equation = tuple[Hashable, Sequence[Hashable]]


@dataclass(frozen=True)
class Thresholds:
    official: int = OFFICIAL_MIN_COUNT
    survey: int = SURVEY_MIN_COUNT
    min_numerator: int = MIN_NUMERATOR
    min_denominator: int = MIN_DENOMINATOR


def thresholds() -> Thresholds:
    """The thresholds in force: the ``SUPPRESSION_*`` settings, else the defaults above."""
    try:
        from django.conf import settings

        configured = settings.configured
    except ImportError:  # pragma: no cover - the module is usable without Django
        return Thresholds()
    if not configured:
        return Thresholds()
    return Thresholds(
        official=int(getattr(settings, "SUPPRESSION_MIN_COUNT", OFFICIAL_MIN_COUNT)),
        survey=int(getattr(settings, "SUPPRESSION_SURVEY_MIN_COUNT", SURVEY_MIN_COUNT)),
        min_numerator=int(getattr(settings, "SUPPRESSION_MIN_NUMERATOR", MIN_NUMERATOR)),
        min_denominator=int(getattr(settings, "SUPPRESSION_MIN_DENOMINATOR", MIN_DENOMINATOR)),
    )


def is_small(value: float | None, min_count: int) -> bool:
    """A count that primary suppression withholds: from 1 to ``min_count - 1``."""
    if value is None or np.isnan(value):
        return False
    return 0 < value < min_count


# --- any system of sums ---------------------------------------------------------------------


def primary(
    values: Mapping[Hashable, float | None], *, min_count: int = OFFICIAL_MIN_COUNT
) -> set[Hashable]:
    """The cells withheld for their own sake: counts from 1 to ``min_count - 1``."""
    # ``is_small`` inline (a missing value, None or NaN, compares false)
    return {cell for cell, value in values.items() if value is not None and 0 < value < min_count}


def recoverable(
    cells: Sequence[Hashable], equations: Sequence[Equation], hidden: Iterable[Hashable]
) -> set[Hashable]:
    """The hidden cells that the published cells and the equations determine exactly.

    Only the columns of hidden cells matter: published cells are constants on the right side.
    """
    known = set(cells)
    hidden_set = set(hidden) & known
    if not hidden_set:
        return set()
    hidden_list = sorted(hidden_set, key=str)
    index = {cell: j for j, cell in enumerate(hidden_list)}
    rows = []
    for total, parts in equations:
        if total not in known or any(p not in known for p in parts):
            continue
        row = np.zeros(len(hidden_list))
        touched = False
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in index:
                row[index[cell]] += sign
                touched = True
        if touched and np.any(row != 0):
            rows.append(row)
    if not rows:
        return set()
    sub = np.array(rows)
    rank = np.linalg.matrix_rank(sub)
    found = set()
    for j, cell in enumerate(hidden_list):
        unit = np.zeros((1, len(hidden_list)))
        unit[0, j] = 1.0
        if np.linalg.matrix_rank(np.vstack([sub, unit])) == rank:
            found.add(cell)
    return found


def _exposed_columns(matrix: np.ndarray) -> np.ndarray:
    """Per column of ``matrix`` (one hidden cell each), whether the equations determine it.

    One singular value decomposition instead of one rank per cell: a hidden cell is determined
    exactly when its unit vector lies in the row space, i.e. when every null-space vector is
    zero at its position.
    """
    exposed = np.zeros(matrix.shape[1], dtype=bool)
    # An equation left with one unknown determines it; known, it leaves the others' equations
    # (every solution of the rest is zero there), which may leave one unknown in another. Only
    # what remains needs the decomposition.
    nonzero = matrix != 0
    while True:
        alone = nonzero.sum(axis=1) == 1
        if not alone.any():
            break
        found = np.flatnonzero(nonzero[alone].any(axis=0))
        exposed[found] = True
        nonzero[:, found] = False
    rest = np.flatnonzero(~exposed)
    matrix = matrix[:, rest]
    matrix = matrix[nonzero.any(axis=1)]
    if not len(matrix) or not len(rest):
        return exposed
    exposed[rest] = _exposed_by_decomposition(matrix)
    return exposed


def _exposed_by_decomposition(matrix: np.ndarray) -> np.ndarray:
    return _determined_columns(matrix[None], np.array([max(matrix.shape)]))[0]


def _determined_columns(stack: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """Per matrix of ``stack`` and per column, whether the rows determine it: every vector of
    the null space (from one singular value decomposition per matrix, all in one call) is zero
    there. ``sides``: per matrix the longer side of its unpadded size (the rank's tolerance)."""
    with _single_threaded_blas():
        singular, vt = np.linalg.svd(stack)[1:]
    tol = singular.max(axis=1) * sides * np.finfo(float).eps
    rank = (singular > tol[:, None]).sum(axis=1)
    null = np.arange(stack.shape[2])[None, :] >= rank[:, None]  # rows of vt spanning it
    return np.sqrt(((vt**2) * null[:, :, None]).sum(axis=1)) <= 1e-7


_BLAS: list = []


@contextmanager
def _single_threaded_blas():
    """The decompositions here are many and small: BLAS threads only wait for each other (on
    a busy machine a block took twenty times longer with them). The controller finds the
    loaded BLAS libraries once; limiting them per decomposition is then cheap."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    with _BLAS[0].limit(limits=1, user_api="blas"):
        yield


def secondary(
    values: Mapping[Hashable, float | None],
    equations: Sequence[Equation],
    hidden: set[Hashable],
) -> set[Hashable]:
    """Add cells to ``hidden`` until no hidden cell can be recovered. Returns the added cells.

    The step-by-step search that ``protect_arrays`` leaves to what its partners for lonely
    cells did not settle. Greedy and deterministic: for a recoverable cell, hide the smallest
    positive published cell of an equation it takes part in (small cells cost the least
    information), preferring parts over totals; zeros are used only when nothing else is left.

    The hidden cells fall apart into blocks that no equation links (a municipality's women and
    men, the municipalities of one county …); recoverability is decided per block, and after
    each added cell only the block it joins is looked at again, so large tables with many small
    counts stay fast. The result is the same as checking the whole table each time.
    """
    cells = list(values)
    known = set(cells)
    hidden = set(hidden)
    added: set[Hashable] = set()
    # per cell, the equations with a cell that has no value (the others: ``coefficients``)
    involved: dict[Hashable, list[Equation]] = {}
    valid: list[Equation] = []
    for equation in equations:
        total, parts = equation
        if total in known and all(p in known for p in parts):
            valid.append(equation)
        else:
            for cell in (total, *parts):
                involved.setdefault(cell, []).append(equation)
    # per cell, its coefficient in each valid equation it appears in (``valid`` index, sign)
    coefficients: dict[Hashable, dict[int, float]] = {}
    for number, (total, parts) in enumerate(valid):
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            row = coefficients.setdefault(cell, {})
            row[number] = row.get(number, 0.0) + sign
    name = {cell: str(cell) for cell in cells}

    def value_of(cell):
        value = values.get(cell)
        return float("inf") if value is None or np.isnan(value) else float(value)

    def rank_key(cell, total):
        value = value_of(cell)
        return (value == 0, cell == total, value, name[cell])

    # hidden cells joined into blocks (union-find); a block's exposed cells are cached until a
    # newly hidden cell joins it
    parent: dict[Hashable, Hashable] = {}
    members: dict[Hashable, set[Hashable]] = {}
    exposed_of: dict[Hashable, tuple[set[Hashable], str | None]] = {}
    # per valid equation, one hidden cell in it: the hidden cells of an equation are in one
    # block, so joining a newly hidden cell to that one joins it to all of them
    hidden_in: dict[int, Hashable] = {}

    def find(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def hide(cell) -> None:
        if cell not in known or cell in parent:
            return
        parent[cell] = cell
        members[cell] = {cell}
        # the exposed cells of the blocks it joins, while they are known
        joined: list[set[Hashable]] | None = []
        alone = False
        for number, sign in coefficients.get(cell, {}).items():
            other = hidden_in.setdefault(number, cell)
            if other is cell:
                alone = alone or sign != 0
                continue
            a, b = find(cell), find(other)
            if a == b:
                continue
            if joined is not None:
                known_before = exposed_of.get(b)
                joined = None if known_before is None else [*joined, known_before[0]]
            if len(members[a]) < len(members[b]):
                a, b = b, a
            parent[b] = a
            members[a] |= members.pop(b)
            exposed_of.pop(b, None)
        root = find(cell)
        if alone and joined is not None:
            # An equation in which it is the only hidden cell determines it, so every solution
            # is zero there and the blocks it joins stay as undetermined as they were: no new
            # decomposition needed.
            cells_found = set().union({cell}, *joined)
            exposed_of[root] = (cells_found, min(name[c] for c in cells_found))
        else:
            exposed_of.pop(root, None)

    def exposed_in(root) -> tuple[set[Hashable], str | None]:
        found = exposed_of.get(root)
        if found is None:
            block = sorted(members[root], key=name.__getitem__)
            if len(block) == 1:
                # one unknown: determined by any equation it takes part in
                signs = coefficients.get(block[0], {}).values()
                cells_found = set(block) if any(sign != 0 for sign in signs) else set()
            else:
                numbers = sorted({n for cell in block for n in coefficients.get(cell, ())})
                row_of = {number: r for r, number in enumerate(numbers)}
                matrix = np.zeros((len(numbers), len(block)))
                for j, cell in enumerate(block):
                    for number, sign in coefficients.get(cell, {}).items():
                        matrix[row_of[number], j] = sign
                exposed = _exposed_columns(matrix)
                cells_found = {c for c, e in zip(block, exposed, strict=True) if e}
            first = min((name[c] for c in cells_found), default=None)
            found = exposed_of[root] = (cells_found, first)
        return found

    for cell in sorted(hidden, key=str):
        hide(cell)

    # the blocks with an exposed cell, by their first exposed cell; entries of blocks that
    # changed since are skipped when they come up
    queue: list[tuple[str, int, Hashable]] = []
    pushed = 0

    def enqueue(root) -> None:
        nonlocal pushed
        _cells, first = exposed_in(root)
        if first is not None:
            heapq.heappush(queue, (first, pushed, root))
            pushed += 1

    for root in list(members):
        enqueue(root)
    while True:
        best = None
        while queue:
            first, _n, root = heapq.heappop(queue)
            current = exposed_of.get(root) if root in members else None
            if current is not None and current[1] == first:
                best = (first, current[0])
                break
        if best is None:
            return added
        cell = next(c for c in best[1] if name[c] == best[0])
        candidates = []
        around = [valid[number] for number in coefficients.get(cell, ())]
        for total, parts in around + involved.get(cell, []):
            for other in (total, *parts):
                if other not in hidden and other in values:
                    candidates.append((rank_key(other, total), other))
        if not candidates:
            # Every cell around it is hidden already; hide anything that shares a total.
            rest = [c for c in cells if c not in hidden]
            if not rest:
                return added
            candidates = [((value_of(c) == 0, False, value_of(c), name[c]), c) for c in rest]
        choice = min(candidates, key=lambda item: item[0])[1]
        hidden.add(choice)
        added.add(choice)
        hide(choice)
        enqueue(find(choice))
        if find(cell) != find(choice):
            enqueue(find(cell))


def protect(
    values: Mapping[Hashable, float | None],
    equations: Sequence[Equation] = (),
    *,
    min_count: int = OFFICIAL_MIN_COUNT,
) -> tuple[set[Hashable], set[Hashable]]:
    """Primary and secondary suppression for one table. Returns ``(primary, secondary)``.

    The cells are numbered in the order of their names (ties between equally cheap cells go
    to the first) and handed to ``protect_arrays``.
    """
    cells = sorted(values, key=str)
    index = {cell: i for i, cell in enumerate(cells)}
    figures = np.array(
        [np.nan if values[c] is None else float(values[c]) for c in cells], dtype=float
    )
    pointers, members, totals = [0], [], []
    for total, parts in equations:
        if total not in index or any(p not in index for p in parts):
            continue  # an equation with a cell that is not in the table constrains nothing
        members += [index[total], *(index[p] for p in parts)]
        totals += [True] + [False] * len(parts)
        pointers.append(len(members))
    kinds = protect_arrays(
        figures,
        np.array(pointers, dtype=np.int64),
        np.array(members, dtype=np.int64),
        np.array(totals, dtype=bool),
        min_count=min_count,
    )
    first = {cells[i] for i in np.flatnonzero(kinds == PRIMARY)}
    second = {cells[i] for i in np.flatnonzero(kinds == SECONDARY)}
    return first, second


PUBLISHED, PRIMARY, SECONDARY = 0, 1, 2


def protect_arrays(
    values: np.ndarray,
    pointers: np.ndarray,
    members: np.ndarray,
    totals: np.ndarray,
    *,
    min_count: int = OFFICIAL_MIN_COUNT,
) -> np.ndarray:
    """``protect`` on numbered cells: per cell ``PUBLISHED``, ``PRIMARY`` or ``SECONDARY``.

    ``values[i]`` is cell ``i``'s count (NaN: none). Equation ``e`` is
    ``members[pointers[e]:pointers[e + 1]]``, ``totals`` marking its total (one per equation)
    among its parts. Many independent tables may come as one system: no step mixes cells that
    no equation links, and numbering tables one after the other keeps each table's result what
    it is alone.

    The common case runs on whole arrays: first every equation with exactly one hidden cell
    gets the cheapest published cell of that equation as a partner (no safe result has such an
    equation, so this much is needed anyway; by counting, in rounds in equation order), then
    one decomposition per block of hidden cells, all small blocks of a size in one stacked
    call. Only where that still finds a cell that combinations of
    equations give away does the step-by-step ``secondary`` run, on the tables concerned.
    """
    n = len(values)
    kinds = np.zeros(n, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        first = (values > 0) & (values < min_count)
    if not first.any():
        return kinds
    kinds[first] = PRIMARY
    n_eq = len(pointers) - 1
    lengths = np.diff(pointers)
    eq_of = np.repeat(np.arange(n_eq), lengths)
    signs = np.where(totals, 1.0, -1.0)
    # per cell, its equations (the transpose of ``members``)
    by_cell = np.argsort(members, kind="stable")
    cell_pointers = np.searchsorted(members[by_cell], np.arange(n + 1))
    cell_eqs = eq_of[by_cell]

    hidden = first.copy()
    count = np.bincount(eq_of, weights=hidden[members], minlength=n_eq).astype(np.int64)
    figures = np.where(np.isnan(values), np.inf, values)
    todo = np.flatnonzero(count == 1)
    while len(todo):
        later = []
        for eq in todo.tolist():
            if count[eq] != 1:
                continue
            cells = members[pointers[eq] : pointers[eq + 1]]
            free = ~hidden[cells]
            if not free.any():
                continue
            cells, is_total = cells[free], totals[pointers[eq] : pointers[eq + 1]][free]
            figure = figures[cells]
            # cheapest: not zero, a part rather than the total, the smallest, the first
            choice = cells[np.lexsort((cells, figure, is_total, figure == 0))[0]]
            hidden[choice] = True
            touched = cell_eqs[cell_pointers[choice] : cell_pointers[choice + 1]]
            count[touched] += 1
            later.extend(touched[count[touched] == 1].tolist())
        todo = np.unique(np.array(later, dtype=np.int64))
    kinds[hidden & ~first] = SECONDARY

    exposed = _exposed_blocks(hidden, members, eq_of, signs)
    if len(exposed):
        _settle_step_by_step(values, pointers, members, totals, eq_of, hidden, exposed)
        kinds[hidden & ~first] = SECONDARY
    return kinds


def _exposed_blocks(hidden, members, eq_of, signs) -> np.ndarray:
    """The hidden cells that the equations determine, block by block (a block: hidden cells
    linked by equations), each block by one singular value decomposition."""
    on = hidden[members]
    eqs, cells, sign = eq_of[on], members[on], signs[on]
    if not len(cells):
        return np.zeros(0, dtype=np.int64)
    used_cells, col = np.unique(cells, return_inverse=True)
    used_eqs, row = np.unique(eqs, return_inverse=True)
    n_cols, n_rows = len(used_cells), len(used_eqs)
    # blocks: components of the graph of hidden cells and the equations they are in
    graph = coo_matrix(
        (np.ones(len(col)), (col, n_cols + row)), shape=(n_cols + n_rows, n_cols + n_rows)
    )
    _n, label = connected_components(graph, directed=False)
    col_block, row_block = label[:n_cols], label[n_cols:]
    # a block whose cells are each in one equation only: every equation has two hidden cells
    # or more (lonely ones have partners), so each can move against another: nothing exposed
    per_col = np.bincount(col, minlength=n_cols)
    busy = np.zeros(label.max() + 1, dtype=bool)
    np.logical_or.at(busy, col_block, per_col > 1)
    single = np.bincount(row, minlength=n_rows)
    np.logical_or.at(busy, row_block, single == 1)
    blocks = np.flatnonzero(busy)
    if not len(blocks):
        return np.zeros(0, dtype=np.int64)

    # local positions of rows and columns within their block
    def local(block_of):
        order = np.argsort(block_of, kind="stable")
        starts = np.searchsorted(block_of[order], np.arange(label.max() + 2))
        position = np.empty(len(block_of), dtype=np.int64)
        position[order] = np.arange(len(block_of)) - starts[block_of[order]]
        return position, np.diff(starts)

    col_pos, col_size = local(col_block)
    row_pos, row_size = local(row_block)
    found = []
    # blocks of similar size in one stacked call, padded with zeros (a zero row changes
    # nothing; a zero column adds a null vector that is zero on every real column)
    size = np.maximum(col_size, row_size)[blocks]
    padded = np.maximum(4, 2 ** np.ceil(np.log2(np.maximum(size, 1)))).astype(np.int64)
    # (a large block pays for its padding cubed: it goes at its own size)
    classes = np.where(size <= 64, padded, size)
    entry_block = col_block[col]
    cell_key = col_block * (n_cols + 1) + col_pos  # (block, local column) of each cell
    for width in np.unique(classes).tolist():
        chosen = blocks[classes == width]
        slot = np.full(label.max() + 1, -1, dtype=np.int64)
        slot[chosen] = np.arange(len(chosen))
        take = slot[entry_block] >= 0
        stack = np.zeros((len(chosen), width, width))
        np.add.at(
            stack, (slot[entry_block[take]], row_pos[row[take]], col_pos[col[take]]), sign[take]
        )
        determined = _determined_columns(stack, np.maximum(row_size, col_size)[chosen])
        real = np.arange(width)[None, :] < col_size[chosen][:, None]
        b, c = np.nonzero(determined & real)
        if len(b):
            found.append(used_cells[np.isin(cell_key, chosen[b] * (n_cols + 1) + c)])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _settle_step_by_step(values, pointers, members, totals, eq_of, hidden, exposed) -> None:
    """``secondary`` on the tables (cells linked by any equation) that hold an exposed cell;
    marks what it adds in ``hidden``."""
    n = len(values)
    first = members[pointers[:-1]][eq_of]  # every cell linked to the first cell of its equation
    graph = coo_matrix((np.ones(len(members)), (members, first)), shape=(n, n))
    _n, table = connected_components(graph, directed=False)
    wanted = np.isin(table, table[exposed])
    cells = np.flatnonzero(wanted)
    figures = {int(i): (None if np.isnan(values[i]) else float(values[i])) for i in cells}
    equations = []
    for eq in np.flatnonzero(wanted[members[pointers[:-1]]]).tolist():
        part = members[pointers[eq] : pointers[eq + 1]]
        marks = totals[pointers[eq] : pointers[eq + 1]]
        equations.append((int(part[marks][0]), [int(c) for c in part[~marks]]))
    already = {int(i) for i in np.flatnonzero(hidden & wanted)}
    for cell in secondary(figures, equations, already):
        hidden[cell] = True


def rate_publishable(
    numerator: float | None,
    denominator: float | None,
    *,
    min_numerator: int = MIN_NUMERATOR,
    min_denominator: int = MIN_DENOMINATOR,
) -> bool:
    if numerator is None or denominator is None:
        return False
    if np.isnan(numerator) or np.isnan(denominator):
        return False
    return numerator >= min_numerator and denominator >= min_denominator


# --- two-way tables with margins -------------------------------------------------------------

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
        if not e[4] and is_small(e[2], min_count):
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
