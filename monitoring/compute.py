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


def _trend(frame: pd.DataFrame, targets: pd.DataFrame, settings: Settings) -> pd.Series:
    """Open SDG style progress category, per row as of that row's year."""
    trend = pd.Series(TREND_NONE, index=frame.index, dtype=object)
    enough = (frame["n_periods"] >= 3) & (frame["breaks_since_base"] == 0)
    enough &= frame["year"] > frame["base_year_of_group"]
    enough &= frame["direction"].fillna(0).astype(float) != 0
    if not enough.any():
        return trend
    used = ["direction", "year", "base_year_of_group", "base_value", "value", "cagr"]
    used += [c for c in ("indicator", "target_group", "territory") if c not in used]
    sub = frame[used][enough]
    direction = sub["direction"].astype(float)
    years = (sub["year"] - sub["base_year_of_group"]).astype(float)
    base = sub["base_value"].astype(float)
    current = sub["value"].astype(float)
    linear = (current - base) / base.abs().replace(0, np.nan) / years
    growth = sub["cagr"].where(sub["cagr"].notna(), linear)
    # Without a target: fixed thresholds on the growth in the desired direction.
    x = growth * direction
    category = np.select(
        [x >= settings.on_track_growth, x > 0, x > settings.deterioration_growth],
        [ON_TRACK, ACCELERATE, LIMITED],
        default=DETERIORATION,
    )
    category = pd.Series(category, index=sub.index, dtype=object)
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
        merged.index = sub.index
        has = merged["target_value"].notna() & (merged["target_year"] > sub["base_year_of_group"])
        if has.any():
            t_value = merged["target_value"].astype(float)
            t_years = (merged["target_year"] - sub["base_year_of_group"]).astype(float)
            with np.errstate(all="ignore"):
                required = np.where(
                    (base > 0) & (t_value > 0),
                    np.power(t_value / base, 1.0 / t_years) - 1.0,
                    (t_value - base) / base.abs().replace(0, np.nan) / t_years,
                )
                ratio = growth / required
            reached = (current - t_value) * direction >= 0
            with_target = np.select(
                [reached, ratio >= 0.95, ratio >= 0.5, ratio >= 0],
                [ON_TRACK, ON_TRACK, ACCELERATE, LIMITED],
                default=DETERIORATION,
            )
            category = category.where(~has, pd.Series(with_target, index=sub.index))
    category = category.where(growth.notna(), TREND_NONE)
    trend.loc[sub.index] = category
    return trend


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
    num = annual.merge(
        ind[["id", "numerator", "factor", "direction", "denominator_scope", "additive"]].rename(
            columns={"id": "indicator", "numerator": "series"}
        ),
        on="series",
        how="inner",
    ).rename(columns={"value": "numerator"})
    if num.empty:
        return pd.DataFrame()
    rated = ind[ind["denominator"].notna()]
    den = (
        annual[
            [
                "series",
                "territory",
                "year",
                "target_group",
                "rest",
                "value",
                "series_break",
                "provisional",
            ]
        ]
        .merge(
            rated[["id", "denominator"]].rename(
                columns={"id": "indicator", "denominator": "series"}
            ),
            on="series",
            how="inner",
        )
        .rename(
            columns={
                "value": "denominator",
                "target_group": "den_tg",
                "series_break": "den_break",
                "provisional": "den_provisional",
            }
        )
    )
    num["den_tg"] = np.where(num["denominator_scope"].eq("total"), 0, num["target_group"])
    frame = num.merge(
        den.drop(columns="series"),
        on=["indicator", "territory", "year", "den_tg", "rest"],
        how="left",
    )
    has_den = frame["indicator"].isin(rated["id"])
    with np.errstate(all="ignore"):
        ratio = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    frame["value"] = np.where(has_den, ratio * frame["factor"], frame["numerator"])
    frame["series_break"] = frame["series_break"] | frame["den_break"].fillna(False).astype(bool)
    frame["provisional"] = frame["provisional"] | frame["den_provisional"].fillna(False).astype(
        bool
    )
    frame["has_den"] = has_den
    frame = frame.drop(columns=["den_tg", "den_break", "den_provisional", "series"])

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
    frame["published_value"] = frame["value"].where(frame["suppression"].eq(""))
    return frame[RESULT_COLUMNS]


def _suppress(frame: pd.DataFrame, territories: pd.DataFrame, settings: Settings) -> pd.Series:
    result = pd.Series("", index=frame.index, dtype=object)
    source = frame["suppressed"].astype(bool) & frame["numerator"].isna()
    result[source] = "source"
    # rates: too few cases
    rates = frame["has_den"]
    weak = (
        rates
        & ~(
            (frame["numerator"] >= settings.min_numerator)
            & (frame["denominator"] >= settings.min_denominator)
        )
        & ~source
    )
    result[weak] = "rate"
    # counts: primary and secondary suppression on the tables where a small count occurs
    counts = ~rates & frame["additive"].astype(bool)
    small = counts & (frame["numerator"] > 0) & (frame["numerator"] < settings.min_count)
    if not small.any():
        return result
    parent = territories.set_index("id")["parent"] if len(territories) else pd.Series(dtype=float)
    frame = frame.assign(parent=frame["territory"].map(parent))
    children_of: dict[int, list[int]] = {}
    for tid, pid in parent.dropna().items():
        children_of.setdefault(int(pid), []).append(int(tid))
    table_key = ["indicator", "year", "target_group", "rest_nosex"]
    hit = frame.loc[small, table_key].drop_duplicates()
    tables = (
        frame.loc[counts, [*table_key, "territory", "sex", "numerator"]]
        .assign(position=np.flatnonzero(counts.to_numpy()))
        .merge(hit, on=table_key, how="inner")
    )
    # the rows of each table as plain lists (the protection itself is per cell, in Python)
    number = tables.groupby(table_key, sort=False).ngroup().to_numpy()
    order = np.argsort(number, kind="stable")
    bounds = np.flatnonzero(np.diff(number[order])) + 1
    territory = tables["territory"].to_numpy()[order].astype(np.int64).tolist()
    sex = np.asarray(tables["sex"], dtype=object)[order].tolist()
    position = tables["position"].to_numpy()[order].tolist()
    numerator = tables["numerator"].to_numpy(dtype=float)[order].tolist()
    kinds = result.to_numpy(copy=True)
    for start, stop in zip([0, *bounds.tolist()], [*bounds.tolist(), len(order)], strict=True):
        cells = dict(
            zip(
                zip(territory[start:stop], sex[start:stop], strict=True),
                zip(position[start:stop], numerator[start:stop], strict=True),
                strict=True,
            )
        )
        hidden = _protect_table(cells, children_of, settings.min_count)
        for cell, kind in hidden.items():
            kinds[cells[cell][0]] = kind
    return pd.Series(kinds, index=frame.index, dtype=object)


def _protect_table(
    cells: dict[tuple[int, str], tuple[int, float]],
    children_of: dict[int, list[int]],
    min_count: int,
) -> dict[tuple[int, str], str]:
    """Suppression on one table of territories × sex; families handled until nothing changes."""
    values = {cell: (None if np.isnan(v) else float(v)) for cell, (_i, v) in cells.items()}
    equations = []
    territories = {t for t, _s in cells}
    sexes = {s for _t, s in cells}
    for t in territories:
        parts = [s for s in ("f", "m", "d") if (t, s) in cells]
        if (t, "") in cells and len(parts) >= 2:
            equations.append(((t, ""), [(t, s) for s in parts]))
    for parent_id, kids in children_of.items():
        if parent_id not in territories:
            continue
        for sex in sexes:
            if (parent_id, sex) in cells and all((k, sex) in cells for k in kids):
                equations.append(((parent_id, sex), [(k, sex) for k in kids]))
    first, second = suppression.protect(values, equations, min_count=min_count)
    hidden = {cell: "primary" for cell in first}
    hidden.update({cell: "secondary" for cell in second})
    return hidden
