"""Statistics from stored counts (pure; no Django).

Numbers are summarised from their value histogram ``{value: respondents}`` — the stored form —
so mean, median, quartiles and standard deviation come out the same however the counts were
built. Quantiles use linear interpolation between order statistics (numpy's default), the
standard deviation is the sample one (n - 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None


def _quantile(values: list[float], cumulative: list[int], n: int, p: float) -> float:
    h = (n - 1) * p
    lo_index, frac = int(math.floor(h)), h - math.floor(h)

    def at(index: int) -> float:
        for value, upto in zip(values, cumulative, strict=True):
            if index < upto:
                return value
        return values[-1]

    lo = at(lo_index)
    if frac == 0:
        return lo
    return lo + (at(lo_index + 1) - lo) * frac


def number_summary(histogram: dict[float, int]) -> NumberSummary:
    items = sorted((float(v), int(c)) for v, c in histogram.items() if c > 0)
    n = sum(c for _v, c in items)
    if n == 0:
        return NumberSummary(0, None, None, None, None, None, None, None)
    values = [v for v, _c in items]
    cumulative = []
    running = 0
    for _v, c in items:
        running += c
        cumulative.append(running)
    mean = math.fsum(v * c for v, c in items) / n
    sd = math.sqrt(math.fsum(c * (v - mean) ** 2 for v, c in items) / (n - 1)) if n > 1 else None
    return NumberSummary(
        n=n,
        mean=mean,
        median=_quantile(values, cumulative, n, 0.5),
        sd=sd,
        q1=_quantile(values, cumulative, n, 0.25),
        q3=_quantile(values, cumulative, n, 0.75),
        min=values[0],
        max=values[-1],
    )


@dataclass(frozen=True)
class ChoiceRow:
    code: str
    count: int
    of_respondents: float | None  # percent
    of_answers: float | None  # percent


def choice_rows(counts: dict[str, int], codes: list[str], respondents: int) -> list[ChoiceRow]:
    """Counts per choice in ``codes`` order (unknown codes appended), with percentages of the
    respondents who answered and of all answers given (they differ for multiple choice)."""
    ordered = list(codes) + sorted(c for c in counts if c not in codes)
    answers = sum(counts.values())
    return [
        ChoiceRow(
            code,
            counts.get(code, 0),
            100.0 * counts.get(code, 0) / respondents if respondents else None,
            100.0 * counts.get(code, 0) / answers if answers else None,
        )
        for code in ordered
    ]


@dataclass(frozen=True)
class RankingRow:
    code: str
    n: int
    mean_rank: float | None
    first_place: int
    first_place_share: float | None  # percent of respondents


def ranking_rows(
    ranks: dict[str, dict[int, int]], codes: list[str], respondents: int
) -> list[RankingRow]:
    """``ranks``: item -> {rank: respondents}."""
    out = []
    for code in list(codes) + sorted(c for c in ranks if c not in codes):
        per = ranks.get(code, {})
        n = sum(per.values())
        first = per.get(1, 0)
        out.append(
            RankingRow(
                code,
                n,
                sum(r * c for r, c in per.items()) / n if n else None,
                first,
                100.0 * first / respondents if respondents else None,
            )
        )
    return out


@dataclass(frozen=True)
class CrossTable:
    row_codes: list[str]
    col_codes: list[str]
    counts: list[list[int]]
    row_totals: list[int]
    col_totals: list[int]
    total: int
    row_pct: list[list[float | None]]
    col_pct: list[list[float | None]]
    chi2: float | None
    dof: int | None
    p_value: float | None
    chi2_applicable: bool


def cross_table(
    counts: dict[tuple[str, str], int],
    row_codes: list[str],
    col_codes: list[str],
    *,
    row_totals: list[int] | None = None,
) -> CrossTable:
    """A two-way table (rows = groups of the breakdown, columns = answers) with row and column
    percentages and Pearson's chi-square test of independence (no continuity correction).

    The test is marked not applicable unless the table has at least 2×2 non-empty lines and
    every expected count is at least 5; it also needs lines that add up (single choice).
    """
    table = [[counts.get((r, c), 0) for c in col_codes] for r in row_codes]
    sums = [sum(line) for line in table]
    rtot = list(row_totals) if row_totals is not None else sums
    ctot = [sum(table[i][j] for i in range(len(row_codes))) for j in range(len(col_codes))]
    total = sum(ctot)
    row_pct = [
        [100.0 * v / rtot[i] if rtot[i] else None for v in line] for i, line in enumerate(table)
    ]
    col_pct = [
        [100.0 * v / ctot[j] if ctot[j] else None for j, v in enumerate(line)] for line in table
    ]
    chi2 = dof = p = None
    applicable = False
    keep_r = [i for i, s in enumerate(sums) if s > 0]
    keep_c = [j for j, s in enumerate(ctot) if s > 0]
    if row_totals is None and len(keep_r) >= 2 and len(keep_c) >= 2:
        sub = [[table[i][j] for j in keep_c] for i in keep_r]
        expected_ok = all(sums[i] * ctot[j] / total >= 5 for i in keep_r for j in keep_c)
        if expected_ok:
            from scipy.stats import chi2_contingency

            result = chi2_contingency(sub, correction=False)
            chi2, p, dof = float(result.statistic), float(result.pvalue), int(result.dof)
            applicable = True
    return CrossTable(
        row_codes, col_codes, table, rtot, ctot, total, row_pct, col_pct, chi2, dof, p, applicable
    )
