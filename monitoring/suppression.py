"""Small-count protection. Pure: numpy only, no Django.

Cells are counts; ``equations`` say which cells add up to which total (``total = sum(parts)``),
e.g. a county is the sum of its municipalities and "all" is the sum of women, men and diverse.

- Primary suppression: counts from 1 to ``min_count - 1`` (default 1 and 2) are withheld.
- Secondary suppression: further cells are withheld until no withheld cell can be recovered
  exactly from the published cells and the equations. A withheld cell ``i`` is recoverable
  exactly when the unit vector ``e_i`` lies in the row space of the equations restricted to the
  withheld cells (then a combination of equations isolates it). This is checked with matrix
  ranks, so the guarantee covers combinations of equations, not only single ones.
- Rates are withheld when their numerator is below ``min_numerator`` or their denominator below
  ``min_denominator``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np

Equation = tuple[Hashable, Sequence[Hashable]]


def primary(values: Mapping[Hashable, float | None], *, min_count: int = 3) -> set[Hashable]:
    return {
        cell
        for cell, value in values.items()
        if value is not None and not np.isnan(value) and 0 < value < min_count
    }


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


def secondary(
    values: Mapping[Hashable, float | None],
    equations: Sequence[Equation],
    hidden: set[Hashable],
) -> set[Hashable]:
    """Add cells to ``hidden`` until no hidden cell can be recovered. Returns the added cells.

    Greedy and deterministic: for a recoverable cell, hide the smallest positive published cell
    of an equation it takes part in (small cells cost the least information), preferring parts
    over totals; zeros are used only when nothing else is left.
    """
    cells = list(values)
    hidden = set(hidden)
    added: set[Hashable] = set()
    involved: dict[Hashable, list[Equation]] = {}
    for equation in equations:
        total, parts = equation
        for cell in (total, *parts):
            involved.setdefault(cell, []).append(equation)

    def value_of(cell):
        value = values.get(cell)
        return float("inf") if value is None or np.isnan(value) else float(value)

    def rank_key(cell, total):
        value = value_of(cell)
        return (value == 0, cell == total, value, str(cell))

    while True:
        exposed = recoverable(cells, equations, hidden)
        if not exposed:
            return added
        cell = sorted(exposed, key=str)[0]
        candidates = []
        for total, parts in involved.get(cell, []):
            for other in (total, *parts):
                if other not in hidden and other in values:
                    candidates.append((rank_key(other, total), other))
        if not candidates:
            # Every cell around it is hidden already; hide anything that shares a total.
            rest = [c for c in cells if c not in hidden]
            if not rest:
                return added
            candidates = [((value_of(c) == 0, False, value_of(c), str(c)), c) for c in rest]
        choice = min(candidates, key=lambda item: item[0])[1]
        hidden.add(choice)
        added.add(choice)


def protect(
    values: Mapping[Hashable, float | None],
    equations: Sequence[Equation] = (),
    *,
    min_count: int = 3,
) -> tuple[set[Hashable], set[Hashable]]:
    """Primary and secondary suppression for one table. Returns ``(primary, secondary)``."""
    first = primary(values, min_count=min_count)
    if not first:
        return set(), set()
    return first, secondary(values, equations, first)


def rate_publishable(
    numerator: float | None,
    denominator: float | None,
    *,
    min_numerator: int = 3,
    min_denominator: int = 20,
) -> bool:
    if numerator is None or denominator is None:
        return False
    if np.isnan(numerator) or np.isnan(denominator):
        return False
    return numerator >= min_numerator and denominator >= min_denominator


def format_cell(value: float | None, *, decimals: int = 0) -> str:
    """German notation; ``.`` for a withheld cell (explained by a footnote)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "."
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
