"""Running the indicator computation over the stored raw values and storing the results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import suppression
from core.frames import arrow_csv, copy_in, is_postgres, read_frame

from .. import compute
from ..models import ImportRun, Indicator, IndicatorValue, Series, Target, Territory, Value


def load_values(series_ids: list[int] | None = None) -> pd.DataFrame:
    qs = Value.objects.all()
    if series_ids is not None:
        qs = qs.filter(series_id__in=series_ids)
    qs = qs.values_list(
        "series_id",
        "territory_id",
        "period__year",
        "period__reference_date",
        "target_group_id",
        "cell",
        "sex",
        "value",
        "suppressed",
        "provisional",
        "series_break",
        "limited_validity",
    )
    frame = read_frame(
        qs,
        [
            "series",
            "territory",
            "year",
            "order",
            "target_group",
            "cell",
            "sex",
            "value",
            "suppressed",
            "provisional",
            "series_break",
            "limited_validity",
        ],
        dtypes={"cell": str, "sex": str, "order": str},
        booleans=("suppressed", "provisional", "series_break", "limited_validity"),
    )
    frame["sex"] = frame["sex"].fillna("").astype(str)
    frame["cell"] = frame["cell"].fillna("").astype(str)
    frame["order"] = frame["order"].fillna("").astype(str).str.replace("-", "")
    frame["order"] = pd.to_numeric(frame["order"], errors="coerce").fillna(99999999).astype(int)
    frame["target_group"] = frame["target_group"].fillna(0).astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def load_inputs():
    indicators = pd.DataFrame(
        [
            {
                "id": i.pk,
                "numerator": i.numerator_id,
                "denominator": float(i.denominator_id) if i.denominator_id else np.nan,
                "factor": i.factor,
                # 0 = no valuation: context indicators get no trend category
                "direction": i.direction or 0,
                "denominator_scope": i.denominator_scope,
                "additive": i.numerator.additive,
            }
            for i in Indicator.objects.select_related("numerator")
        ],
        columns=[
            "id",
            "numerator",
            "denominator",
            "factor",
            "direction",
            "denominator_scope",
            "additive",
        ],
    )
    aggregation = dict(Series.objects.values_list("id", "aggregation"))
    rows = list(Territory.objects.values_list("id", "parent_id", "level"))
    parent = {tid: pid for tid, pid, _l in rows}
    level = {tid: lvl for tid, _p, lvl in rows}

    def ancestor(tid, wanted):
        node = parent.get(tid)
        while node is not None:
            if level.get(node) == wanted:
                return node
            node = parent.get(node)
        return np.nan

    territories = pd.DataFrame(
        [
            {
                "id": tid,
                "parent": pid if pid is not None else np.nan,
                "land": ancestor(tid, "land"),
                "bund": ancestor(tid, "bund"),
            }
            for tid, pid, _l in rows
        ],
        columns=["id", "parent", "land", "bund"],
    )
    keys = dict(Territory.objects.values_list("key", "id"))
    targets = pd.DataFrame(
        [
            {
                "indicator": t.indicator_id,
                "target_group": t.target_group_id or 0,
                "territory": keys.get(t.process.territory_key, -1),
                "value": t.value,
                "year": t.year,
            }
            for t in Target.objects.select_related("process")
        ],
        columns=["indicator", "target_group", "territory", "value", "year"],
    )
    return indicators, aggregation, territories, targets


def compute_settings() -> compute.Settings:
    limits = suppression.thresholds()
    return compute.Settings(
        base_year=settings.MONITORING_BASE_YEAR,
        min_count=limits.official,
        min_numerator=limits.min_numerator,
        min_denominator=limits.min_denominator,
    )


def _cell_parts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    codes, uniques = pd.factorize(cells)
    ages, dims = [], []
    for cell in uniques:
        parts = str(cell).split("|")
        age = parts[2][4:] if len(parts) > 2 else ""
        named = {}
        for part in parts[3:]:
            key, _sep, value = part.partition("=")
            named[key] = value
        ages.append(age)
        dims.append(json.dumps(named, ensure_ascii=False))
    return (
        pd.Series(np.array(ages, dtype=object)[codes], index=cells.index),
        pd.Series(np.array(dims, dtype=object)[codes], index=cells.index),
    )


# The result columns under the names of IndicatorValue's fields, plus the parts of ``cell``.
_FIELD_NAMES = {
    "indicator": "indicator_id",
    "territory": "territory_id",
    "target_group": "target_group_id",
}
OUT_COLUMNS = [_FIELD_NAMES.get(c, c) for c in compute.RESULT_COLUMNS] + ["age_group", "dimensions"]


def results_frame(result: pd.DataFrame) -> pd.DataFrame:
    out = result.rename(columns={"indicator": "indicator_id", "territory": "territory_id"}).copy()
    out["target_group_id"] = out["target_group"].where(out["target_group"] > 0).astype("Int64")
    out["age_group"], out["dimensions"] = _cell_parts(out["cell"])
    out["year"] = out["year"].astype(int)
    return out[OUT_COLUMNS]


@transaction.atomic
def indicators_compute(*, import_run_id: int | None = None, timings: dict | None = None) -> int:
    """Recompute every indicator value from the stored raw values. Returns the rows written.

    Idempotent: the results replace the previous ones as a whole. Works indicator by indicator
    so that only the two series of one indicator are in memory at a time.
    """
    import time

    indicators, aggregation, territories, targets = load_inputs()
    settings_ = compute_settings()
    timings = timings if timings is not None else {}
    for key in ("load_s", "compute_s", "floor_s", "store_s", "values"):
        timings.setdefault(key, 0.0)
    IndicatorValue.objects.all().delete()
    written = 0
    for _index, indicator in indicators.iterrows():
        series = [int(indicator["numerator"])]
        if not pd.isna(indicator["denominator"]):
            series.append(int(indicator["denominator"]))
        started = time.perf_counter()
        values = load_values(series)
        timings["load_s"] += time.perf_counter() - started
        if values.empty:
            continue
        timings["values"] += len(values)
        started = time.perf_counter()
        # the floor: one plain groupby over the same data, already in memory
        values.groupby(["series", "territory", "year", "cell"], sort=False)["value"].sum()
        timings["floor_s"] += time.perf_counter() - started
        started = time.perf_counter()
        result = compute.compute(
            values,
            indicators[indicators["id"] == indicator["id"]],
            aggregation,
            territories,
            targets[targets["indicator"] == indicator["id"]],
            settings_,
        )
        timings["compute_s"] += time.perf_counter() - started
        if result.empty:
            continue
        started = time.perf_counter()
        out = results_frame(result)
        store_results(out)
        timings["store_s"] += time.perf_counter() - started
        written += len(out)
    if import_run_id:
        ImportRun.objects.filter(pk=import_run_id).update(computed_at=timezone.now())
    return written


def store_results(out: pd.DataFrame) -> None:
    if is_postgres():
        block = out.copy()
        for column in ("sex", "age_group", "dimensions", "cell", "trend", "suppression"):
            block[column] = block[column].astype(str)
        copy_in(
            IndicatorValue._meta.db_table,
            OUT_COLUMNS,
            arrow_csv(block),
            force_not_null=("sex", "age_group", "cell", "trend", "suppression"),
        )
        return
    objs = []
    floats = [
        "numerator",
        "denominator",
        "value",
        "change_previous",
        "change_base",
        "cagr",
        "gap_total",
        "gap_land",
        "gap_bund",
        "published_value",
    ]
    for row in out.itertuples(index=False):
        data = row._asdict()
        for name in floats:
            if pd.isna(data[name]):
                data[name] = None
        tg = data["target_group_id"]
        data["target_group_id"] = None if pd.isna(tg) else int(tg)
        data["dimensions"] = json.loads(data["dimensions"])
        for flag in ("provisional", "series_break", "limited_validity"):
            data[flag] = bool(data[flag])
        objs.append(IndicatorValue(**data))
    IndicatorValue.objects.bulk_create(objs, batch_size=2000)
