"""Indicator computation, comparisons, trends and small-count protection. Pure: pandas/numpy.

Input frames (ids are plain integers; target group 0 means "all"):

- ``values``: series, territory, year, order (sorts periods within a year), target_group,
  cell (text key of every dimension, starting with ``tg=…|``), sex, value, suppressed,
  provisional, series_break, limited_validity
- ``indicators``: id, numerator, denominator (NaN for counts), factor, direction,
  denominator_scope ("same" | "total"), additive (the numerator counts add up)
- ``aggregation``: series id → "sum" (flows add up over the periods of a year) or "last"
- ``territories``: id, parent, land, bund (ids of the reference territories, NaN if none)
- ``targets``: indicator, target_group, value, year

``compute`` returns one row per indicator × territory × year × cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import suppression

TREND_NONE = ""
ON_TRACK, ACCELERATE, LIMITED, DETERIORATION = "on_track", "accelerate", "limited", "deterioration"


@dataclass(frozen=True)
class Settings:
    base_year: int | None = None
    min_count: int = suppression.OFFICIAL_MIN_COUNT
    min_numerator: int = suppression.MIN_NUMERATOR
    min_denominator: int = suppression.MIN_DENOMINATOR
    # Without a target: yearly growth (in the desired direction) that counts as on track and
    # the floor below which it is a deterioration.
    on_track_growth: float = 0.01
    deterioration_growth: float = -0.01


KEY = ["indicator", "territory", "target_group", "rest"]


def annualise(values: pd.DataFrame, aggregation: dict[int, str]) -> pd.DataFrame:
    """One value per series × territory × year × cell: flows summed, stocks' last value.

    Only the cells with several periods in a year are aggregated; the others are their
    annual value already.
    """
    key = ["series", "territory", "year", "cell"]
    ids = values.groupby(key, sort=False, observed=True).ngroup().to_numpy()
    sizes = np.bincount(ids) if len(ids) else np.zeros(0, dtype=np.int64)
    if len(sizes) == len(values):
        return values
    several = sizes[ids] > 1
    rows = values[several]
    group = ids[several]
    # the periods of each cell in order (stable: equal dates keep the delivered order)
    periods = np.lexsort((rows["order"].to_numpy(), group))
    rows, group = rows.iloc[periods], group[periods]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)] - 1
    number = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(group)]))
    annual = rows.iloc[ends].reset_index(drop=True)
    flags = ["suppressed", "provisional", "series_break", "limited_validity"]
    for flag in flags:
        annual[flag] = np.logical_or.reduceat(rows[flag].to_numpy(dtype=bool), starts)
    flows = annual["series"].map(aggregation).eq("sum").to_numpy()
    if flows.any():
        by_cell = pd.Series(rows["value"].to_numpy(dtype=float)).groupby(number, sort=False)
        # a year with a missing period has no sum (rather than a sum that looks complete)
        summed = by_cell.sum().where(by_cell.count() == by_cell.size()).to_numpy()
        first = rows.iloc[starts]
        annual["value"] = np.where(flows, summed, annual["value"].to_numpy(dtype=float))
        for column in ("target_group", "sex"):
            annual[column] = annual[column].where(
                ~flows, pd.Series(first[column].to_numpy(), dtype=annual[column].dtype)
            )
    return pd.concat([values[~several], annual], ignore_index=True)


def _rest_columns(frame: pd.DataFrame) -> pd.DataFrame:
    codes, uniques = pd.factorize(frame["cell"])
    uniques = pd.Series(np.asarray(uniques, dtype=object)).astype(str)
    rest = uniques.str.partition("|")[2]
    nosex = rest.str.partition("|")[2]
    # integer codes, not text: they are only compared, and merges on integers are much faster
    frame["rest"] = pd.factorize(rest)[0][codes]
    frame["rest_nosex"] = pd.factorize(nosex)[0][codes]
    return frame


ANNUAL_COLUMNS = [
    "series",
    "territory",
    "year",
    "target_group",
    "rest",
    "rest_nosex",
    "cell",
    "sex",
    "value",
    "suppressed",
    "provisional",
    "series_break",
    "limited_validity",
]


def prepare(values: pd.DataFrame, aggregation: dict[int, str]) -> pd.DataFrame:
    """The annual values with the integer keys of their breakdown, for ``compute_annual``.

    The text keys become categoricals: they are carried through every merge and sort, where
    codes cost a fraction of strings.
    """
    values = values.assign(
        **{
            column: values[column].astype("category")
            for column in ("cell", "sex")
            if not isinstance(values[column].dtype, pd.CategoricalDtype)
        }
    )
    annual = annualise(values, aggregation)
    annual = _rest_columns(annual[[c for c in ANNUAL_COLUMNS if c in annual.columns]].copy())
    return annual[ANNUAL_COLUMNS]


TRENDS = [TREND_NONE, ON_TRACK, ACCELERATE, LIMITED, DETERIORATION]
_NONE, _ON_TRACK, _ACCELERATE, _LIMITED, _DETERIORATION = range(len(TRENDS))


def _trend(frame: pd.DataFrame, targets: pd.DataFrame, settings: Settings) -> pd.Series:
    """Open SDG style progress category, per row as of that row's year (a categorical over
    ``TRENDS``: millions of rows share five labels)."""
    codes = np.zeros(len(frame), dtype=np.int8)
    enough = (frame["n_periods"] >= 3) & (frame["breaks_since_base"] == 0)
    enough &= frame["year"] > frame["base_year_of_group"]
    enough &= frame["direction"].fillna(0).astype(float) != 0
    enough = enough.to_numpy()
    if enough.any():
        used = ["direction", "year", "base_year_of_group", "base_value", "value", "cagr"]
        used += [c for c in ("indicator", "target_group", "territory") if c not in used]
        codes[enough] = _trend_codes(frame[used][enough], targets, settings)
    return pd.Series(pd.Categorical.from_codes(codes, categories=TRENDS), index=frame.index)


def _trend_codes(sub: pd.DataFrame, targets: pd.DataFrame, settings: Settings) -> np.ndarray:
    direction = sub["direction"].to_numpy(dtype=float)
    base_year = sub["base_year_of_group"].to_numpy(dtype=float)
    years = sub["year"].to_numpy(dtype=float) - base_year
    base = sub["base_value"].to_numpy(dtype=float)
    current = sub["value"].to_numpy(dtype=float)
    cagr = sub["cagr"].to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        linear = (current - base) / np.where(base == 0, np.nan, np.abs(base)) / years
    growth = np.where(np.isnan(cagr), linear, cagr)
    # Without a target: fixed thresholds on the growth in the desired direction.
    x = growth * direction
    category = np.select(
        [x >= settings.on_track_growth, x > 0, x > settings.deterioration_growth],
        [_ON_TRACK, _ACCELERATE, _LIMITED],
        default=_DETERIORATION,
    )
    if targets is not None and not targets.empty:
        on = ["indicator", "target_group"]
        if "territory" in targets.columns:
            on.append("territory")
        merged = sub[on].merge(
            targets.drop_duplicates(subset=on).rename(
                columns={"value": "target_value", "year": "target_year"}
            ),
            on=on,
            how="left",
        )
        t_value = merged["target_value"].to_numpy(dtype=float)
        t_year = merged["target_year"].to_numpy(dtype=float)
        has = ~np.isnan(t_value) & (t_year > base_year)
        if has.any():
            t_years = t_year - base_year
            with np.errstate(all="ignore"):
                required = np.where(
                    (base > 0) & (t_value > 0),
                    np.power(t_value / base, 1.0 / t_years) - 1.0,
                    (t_value - base) / np.where(base == 0, np.nan, np.abs(base)) / t_years,
                )
                ratio = growth / required
            reached = (current - t_value) * direction >= 0
            with_target = np.select(
                [reached, ratio >= 0.95, ratio >= 0.5, ratio >= 0],
                [_ON_TRACK, _ON_TRACK, _ACCELERATE, _LIMITED],
                default=_DETERIORATION,
            )
            category = np.where(has, with_target, category)
    return np.where(np.isnan(growth), _NONE, category)


# The columns of the computed indicator values, in this order.
RESULT_COLUMNS = [
    "indicator",
    "territory",
    "year",
    "target_group",
    "cell",
    "sex",
    "numerator",
    "denominator",
    "value",
    "change_previous",
    "change_base",
    "cagr",
    "gap_total",
    "gap_land",
    "gap_bund",
    "trend",
    "provisional",
    "series_break",
    "limited_validity",
    "suppression",
    "published_value",
]


def compute(
    values: pd.DataFrame,
    indicators: pd.DataFrame,
    aggregation: dict[int, str],
    territories: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    return compute_annual(prepare(values, aggregation), indicators, territories, targets, settings)


def compute_annual(
    annual: pd.DataFrame,
    indicators: pd.DataFrame,
    territories: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """``compute`` on the output of ``prepare`` (which callers share between indicators)."""
    settings = settings or Settings()
    ind = indicators
    series = annual["series"].to_numpy()

    def of_series(columns: list[str] | None, which: str, constants: list[str]) -> pd.DataFrame:
        """Per indicator, the annual values of its ``which`` series with the indicator's
        ``constants`` (a selection per indicator: there are few, and a merge of every value
        with the indicator table cost more than the rest of the join)."""
        frames = [
            (annual if columns is None else annual[columns])[series == int(row[which])].assign(
                indicator=row["id"], **{c: row[c] for c in constants}
            )
            for row in ind.to_dict("records")
            if not pd.isna(row[which])
        ]
        if not frames:
            empty = (annual if columns is None else annual[columns]).iloc[:0]
            return empty.assign(
                indicator=np.zeros(0, dtype=np.int64), **{c: np.zeros(0) for c in constants}
            )
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    constants = ["factor", "direction", "denominator_scope", "additive"]
    num = of_series(None, "numerator", constants).rename(columns={"value": "numerator"})
    if num.empty:
        return pd.DataFrame()
    num = num.drop(columns="series")
    rated = ind[ind["denominator"].notna()]
    den = of_series(
        ["territory", "year", "target_group", "rest", "value", "series_break", "provisional"],
        "denominator",
        [],
    ).rename(
        columns={
            "value": "denominator",
            "target_group": "den_tg",
            "series_break": "den_break",
            "provisional": "den_provisional",
        }
    )
    num["den_tg"] = np.where(num["denominator_scope"].eq("total"), 0, num["target_group"])
    frame = num.merge(den, on=["indicator", "territory", "year", "den_tg", "rest"], how="left")
    has_den = frame["indicator"].isin(rated["id"])
    with np.errstate(all="ignore"):
        ratio = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    frame["value"] = np.where(has_den, ratio * frame["factor"], frame["numerator"])
    frame["series_break"] = frame["series_break"] | frame["den_break"].fillna(False).astype(bool)
    frame["provisional"] = frame["provisional"] | frame["den_provisional"].fillna(False).astype(
        bool
    )
    frame["has_den"] = has_den
    frame = frame.drop(columns=["den_tg", "den_break", "den_provisional"])

    # time comparisons within each indicator × territory × target group × breakdown
    frame = frame.sort_values([*KEY, "year"], kind="stable", ignore_index=True)
    # sorted, each group's rows are consecutive: groups from where the key changes
    keys = frame[KEY].to_numpy()
    new_group = np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)] if len(keys) else np.ones(0, bool)
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    value = frame["value"].to_numpy(dtype=float)
    year = frame["year"].to_numpy()
    prev = np.r_[np.nan, value[:-1]] if len(value) else value.copy()
    prev[new_group] = np.nan
    frame["change_previous"] = value - prev
    if settings.base_year is not None:
        at_base = (year == settings.base_year) & ~np.isnan(value)
        base = np.full(len(starts), np.nan)
        base[group[at_base]] = value[at_base]
        frame["base_value"] = base[group]
        frame["base_year_of_group"] = np.where(frame["base_value"].notna(), settings.base_year, 0)
        after_base = frame["year"] >= settings.base_year
    else:
        frame["base_value"] = value[starts][group]
        frame["base_year_of_group"] = year[starts][group]
        after_base = pd.Series(True, index=frame.index)
    frame["change_base"] = frame["value"] - frame["base_value"]
    span = (frame["year"] - frame["base_year_of_group"]).astype(float)
    with np.errstate(all="ignore"):
        cagr = np.power(frame["value"] / frame["base_value"], 1.0 / span) - 1.0
    valid = (span > 0) & (frame["value"] > 0) & (frame["base_value"] > 0)
    frame["cagr"] = cagr.where(valid)

    def running_count(flags: pd.Series) -> np.ndarray:
        """Per row, how many rows of its group up to it have the flag."""
        flags = flags.to_numpy(dtype=np.int64)
        total = np.cumsum(flags)
        return total - (total - flags)[starts][group]

    frame["n_periods"] = running_count(after_base & frame["value"].notna())
    breaks = frame["series_break"] & after_base & frame["year"].gt(frame["base_year_of_group"])
    frame["breaks_since_base"] = running_count(breaks)

    # gaps in percentage points (or units) to all target groups and the reference territories
    # (the lookups merge the keys only: merging the whole frame copied every column, thrice)
    ref_key = ["indicator", "territory", "year", "rest"]
    totals = frame.loc[frame["target_group"].eq(0), ref_key + ["value"]].rename(
        columns={"value": "total_value"}
    )
    total_value = frame[ref_key].merge(totals, on=ref_key, how="left")["total_value"].to_numpy()
    frame["gap_total"] = (frame["value"] - total_value).where(frame["target_group"].ne(0))
    refs = territories.set_index("id")
    own = ["indicator", "territory", "year", "target_group", "rest", "value"]
    for level in ("land", "bund"):
        on = ["indicator", f"{level}_id", "year", "target_group", "rest"]
        keys = frame[["indicator", "year", "target_group", "rest"]].assign(
            **{
                f"{level}_id": (
                    frame["territory"].map(refs[level]) if len(refs) else np.nan
                ).astype(float)
            }
        )
        lookup = frame[own].rename(columns={"territory": f"{level}_id", "value": "found"})
        lookup[f"{level}_id"] = lookup[f"{level}_id"].astype(float)
        found = keys.merge(lookup, on=on, how="left")["found"].to_numpy()
        frame[f"gap_{level}"] = frame["value"] - found

    targets_frame = targets if targets is not None else pd.DataFrame()
    frame["trend"] = _trend(frame, targets_frame, settings)
    frame["suppression"] = _suppress(frame, territories, settings)
    frame["published_value"] = frame["value"].where(frame["suppression"].cat.codes.eq(0))
    return frame[RESULT_COLUMNS]


SUPPRESSIONS = ["", "primary", "secondary", "rate", "source"]


def _suppress(frame: pd.DataFrame, territories: pd.DataFrame, settings: Settings) -> pd.Series:
    """Why each value is withheld ("" if published), a categorical over ``SUPPRESSIONS``."""
    codes = np.zeros(len(frame), dtype=np.int8)
    numerator = frame["numerator"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    source = frame["suppressed"].to_numpy(dtype=bool) & np.isnan(numerator)
    codes[source] = SUPPRESSIONS.index("source")
    # rates: too few cases
    rates = frame["has_den"].to_numpy(dtype=bool)
    enough = (numerator >= settings.min_numerator) & (denominator >= settings.min_denominator)
    codes[rates & ~enough & ~source] = SUPPRESSIONS.index("rate")
    # counts: primary and secondary suppression on the tables where a small count occurs
    counts = ~rates & frame["additive"].to_numpy(dtype=bool)
    small = counts & (numerator > 0) & (numerator < settings.min_count)
    if small.any():
        table_key = ["indicator", "year", "target_group", "rest_nosex"]
        hit = frame.loc[small, table_key].drop_duplicates()
        tables = (
            frame.loc[counts, [*table_key, "territory", "sex", "numerator"]]
            .assign(position=np.flatnonzero(counts))
            .merge(hit, on=table_key, how="inner")
        )
        table = tables.groupby(table_key, sort=False).ngroup().to_numpy()
        position, cell_kinds = _protect_tables(
            table,
            tables["territory"].to_numpy(dtype=np.int64),
            np.asarray(tables["sex"], dtype=object),
            tables["numerator"].to_numpy(dtype=float),
            tables["position"].to_numpy(),
            territories,
            settings.min_count,
        )
        codes[position[cell_kinds == suppression.PRIMARY]] = SUPPRESSIONS.index("primary")
        codes[position[cell_kinds == suppression.SECONDARY]] = SUPPRESSIONS.index("secondary")
    return pd.Series(pd.Categorical.from_codes(codes, categories=SUPPRESSIONS), index=frame.index)


def _protect_tables(table, territory, sex, numerator, position, territories, min_count):
    """Suppression on tables of territories × sex (``table`` numbers them), all in one system
    of sums for ``suppression.protect_arrays``: per territory, the total of the sexes (where
    the total and two sexes or more are there), and per territory and sex, the sum of its
    children (where it and all its children are there). Returns the cells' ``position`` and
    their kinds, in the order the cells were numbered (table, territory, sex)."""
    sex_codes, sex_names = pd.factorize(pd.Series(sex, dtype=object).astype(str), sort=True)
    places, territory_ids = pd.factorize(territory, sort=True)
    n_sex, n_places = len(sex_names), len(territory_ids)
    key = (table.astype(np.int64) * n_places + places) * n_sex + sex_codes
    order = np.argsort(key, kind="stable")
    key, table, places, sex_codes = key[order], table[order], places[order], sex_codes[order]
    values, position = numerator[order], position[order]
    n = len(key)

    def cell_at(wanted):
        """The cell with each key, -1 where there is none."""
        found = np.searchsorted(key, wanted)
        found = np.minimum(found, max(n - 1, 0))
        return np.where((n > 0) & (key[found] == wanted), found, -1)

    equations, members, totals = [], [], []
    # the sexes of a territory add up to its total
    names = list(sex_names)
    if "" in names:
        parts = np.isin(sex_codes, [names.index(s) for s in ("f", "m", "d") if s in names])
        group = table.astype(np.int64) * n_places + places
        total_cell = cell_at(group * n_sex + names.index(""))
        same = np.unique(group, return_inverse=True)[1]
        n_parts = np.bincount(same, weights=parts)[same]
        eligible = (total_cell >= 0) & (n_parts >= 2)
        rows = np.flatnonzero(eligible & parts)
        totals_of = np.unique(total_cell[rows])
        equations += [total_cell[rows], totals_of]
        members += [rows, totals_of]
        totals += [np.zeros(len(rows), bool), np.ones(len(totals_of), bool)]
    # a territory's children add up to it, sex by sex
    ids = territories["id"].to_numpy(dtype=np.int64) if len(territories) else np.zeros(0, int)
    parents = territories["parent"].to_numpy(dtype=float) if len(territories) else np.zeros(0)
    has_parent = ~np.isnan(parents)
    child_ids, parent_ids = ids[has_parent], parents[has_parent].astype(np.int64)
    n_children = pd.Series(parent_ids).value_counts()
    parent_of = pd.Series(parent_ids, index=child_ids)
    mine = parent_of.reindex(territory_ids[places]).to_numpy(dtype=float)
    known = ~np.isnan(mine)
    parent_place = np.full(n, -1, dtype=np.int64)
    parent_place[known] = pd.Index(territory_ids).get_indexer(mine[known].astype(np.int64))
    rows = np.flatnonzero(parent_place >= 0)
    total_cell = cell_at(
        (table[rows].astype(np.int64) * n_places + parent_place[rows]) * n_sex + sex_codes[rows]
    )
    rows, total_cell = rows[total_cell >= 0], total_cell[total_cell >= 0]
    present = np.bincount(total_cell, minlength=n)
    wanted = n_children.reindex(territory_ids[places]).fillna(0).to_numpy(dtype=np.int64)
    complete = (present == wanted) & (present > 0)
    rows, total_cell = rows[complete[total_cell]], total_cell[complete[total_cell]]
    totals_of = np.unique(total_cell)
    # equation keys: the sex equations by their total cell, the family ones by n + total cell
    equations += [n + total_cell, n + totals_of]
    members += [rows, totals_of]
    totals += [np.zeros(len(rows), bool), np.ones(len(totals_of), bool)]
    equation = np.concatenate(equations) if equations else np.zeros(0, np.int64)
    member = np.concatenate(members) if members else np.zeros(0, np.int64)
    total = np.concatenate(totals) if totals else np.zeros(0, bool)
    by_equation = np.lexsort((~total, equation))
    equation, member, total = equation[by_equation], member[by_equation], total[by_equation]
    starts = np.flatnonzero(np.r_[True, equation[1:] != equation[:-1]]) if len(equation) else []
    pointers = np.r_[starts, len(equation)].astype(np.int64)
    kinds = suppression.protect_arrays(values, pointers, member, total, min_count=min_count)
    return position, kinds
