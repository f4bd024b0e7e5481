"""Running the indicator computation over the stored raw values and storing the results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import suppression
from core.frames import binary_rows, column_types, copy_in, is_postgres, read_frame

from .. import compute
from ..models import (
    ImportRun,
    Indicator,
    IndicatorValue,
    Period,
    Series,
    Target,
    Territory,
    Value,
)

VALUE_COLUMNS = [
    "series",
    "territory",
    "period",
    "target_group",
    "cell",
    "sex",
    "value",
    "suppressed",
    "provisional",
    "series_break",
    "limited_validity",
]


def load_values(
    series_ids: list[int] | None = None, territory_ids: list[int] | None = None
) -> pd.DataFrame:
    """The raw values in the frame ``compute`` takes: one COPY of the values, one of the periods
    (joined in pandas, not in the database: the join made the values' COPY several times
    slower)."""
    qs = Value.objects.all()
    if series_ids is not None:
        qs = qs.filter(series_id__in=series_ids)
    if territory_ids is not None:
        qs = qs.filter(territory_id__in=territory_ids)
    frame = read_frame(
        qs.values_list(
            "series_id",
            "territory_id",
            "period_id",
            "target_group_id",
            "cell",
            "sex",
            "value",
            "suppressed",
            "provisional",
            "series_break",
            "limited_validity",
        ),
        VALUE_COLUMNS,
        dtypes={"cell": "category", "sex": "category"},
        booleans=("suppressed", "provisional", "series_break", "limited_validity"),
    )
    periods = read_frame(
        Period.objects.values_list("id", "year", "reference_date"),
        ["id", "year", "reference_date"],
        dtypes={"reference_date": str},
    )
    order = pd.to_numeric(
        periods["reference_date"].fillna("").astype(str).str.replace("-", ""), errors="coerce"
    )
    years = pd.Series(periods["year"].astype(int).to_numpy(), index=periods["id"])
    orders = pd.Series(order.fillna(99999999).astype(int).to_numpy(), index=periods["id"])
    frame["year"] = frame["period"].map(years).astype(int)
    frame["order"] = frame["period"].map(orders).astype(int)
    frame = frame.drop(columns="period")
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

    # categoricals over the few distinct cells: millions of separate strings cost more than
    # the rest of the step
    def categorical(parts: list[str]) -> pd.Series:
        names, inverse = np.unique(np.array(parts, dtype=object), return_inverse=True)
        return pd.Series(
            pd.Categorical.from_codes(inverse[codes], categories=names), index=cells.index
        )

    return categorical(ages), categorical(dims)


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


def _scope(
    import_run_ids: list[int] | None, indicator_ids: list[int] | None, indicators: pd.DataFrame
) -> dict[int, set[int] | None]:
    """What to recompute: indicator id → the territory ids whose values may change (``None``:
    every territory). Without runs and indicators: everything.

    A raw value of a territory feeds that territory's values of every indicator using its
    series, in every year (changes, the base year, trends). Beyond it: a Land's or the Bund's
    value is the reference of every territory below it (the gaps), and small-count protection
    of a count hides cells across the whole territory tree of a table, so those are recomputed
    for every territory.
    """
    everything = {int(i): None for i in indicators["id"]}
    if not import_run_ids and not indicator_ids:
        return everything
    scope: dict[int, set[int] | None] = {}
    for pk in indicator_ids or []:
        if int(pk) in everything:
            scope[int(pk)] = None
    if not import_run_ids:
        return scope
    touched = _touched(import_run_ids)
    if touched.empty:
        return scope
    # the few Länder and the Bund, rather than the levels of every touched territory
    references_of_all = set(
        Territory.objects.filter(level__in=("land", "bund")).values_list("id", flat=True)
    )
    for row in indicators.itertuples(index=False):
        series = {int(row.numerator)}
        if not pd.isna(row.denominator):
            series.add(int(row.denominator))
        hit = touched[touched["series"].isin(series)]
        if hit.empty or scope.get(int(row.id), 0) is None:
            continue
        territories = {int(t) for t in hit["territory"].unique()}
        counts = pd.isna(row.denominator) and bool(row.additive)
        references = not references_of_all.isdisjoint(territories)
        if counts or references:
            scope[int(row.id)] = None
        else:
            scope[int(row.id)] = (scope.get(int(row.id)) or set()) | territories
    return scope


def _touched(import_run_ids: list[int]) -> pd.DataFrame:
    """The (series, territory) pairs whose raw values the runs created or changed: as each
    run recorded them, or, for runs from before that was recorded, found among the values."""
    series, territories, unknown = [], [], []
    for pk, touched in ImportRun.objects.filter(pk__in=import_run_ids).values_list("pk", "touched"):
        if touched is None:
            unknown.append(pk)
            continue
        for key, ids in touched.items():
            series.append(np.full(len(ids), int(key), dtype=np.int64))
            territories.append(np.asarray(ids, dtype=np.int64))
    if unknown:
        found = np.array(
            Value.objects.filter(import_run_id__in=unknown)
            .values_list("series_id", "territory_id")
            .distinct(),
            dtype=np.int64,
        ).reshape(-1, 2)
        series.append(found[:, 0])
        territories.append(found[:, 1])
    empty = [np.array([], dtype=np.int64)]
    pairs = {"series": np.concatenate(series or empty)}
    pairs["territory"] = np.concatenate(territories or empty)
    return pd.DataFrame(pairs).drop_duplicates()


@transaction.atomic
def indicators_compute(
    *,
    import_run_ids: list[int] | None = None,
    import_run_id: int | None = None,
    indicator_ids: list[int] | None = None,
    timings: dict | None = None,
) -> int:
    """Recompute the indicator values that the given imports (or indicators) can have changed;
    without either, every indicator value. Returns how many stored rows were written (created,
    changed or deleted): values that come out the same are left alone.

    Idempotent: running it twice writes nothing the second time.
    """
    import time

    timings = timings if timings is not None else {}
    for key in ("load_s", "compute_s", "store_s", "values"):
        timings.setdefault(key, 0.0)
    run_ids = list(import_run_ids or []) + ([import_run_id] if import_run_id else [])
    started = time.perf_counter()
    indicators, aggregation, territories, targets = load_inputs()
    scope = _scope(run_ids, indicator_ids, indicators)
    timings["scope"] = {
        pk: (None if ts is None else sorted(ts)) for pk, ts in sorted(scope.items())
    }
    written = 0
    if scope:
        chosen = indicators[indicators["id"].isin(list(scope))]
        series = set(chosen["numerator"].astype(int))
        series |= {int(d) for d in chosen["denominator"].dropna()}
        wanted = None
        if all(ts is not None for ts in scope.values()):
            # the territories themselves and their Land and Bund (the gaps' references)
            wanted = set().union(*scope.values())
            refs = territories[territories["id"].isin(wanted)]
            wanted |= {int(t) for t in pd.concat([refs["land"], refs["bund"]]).dropna()}
            wanted = sorted(wanted)
        values = load_values(sorted(series), wanted)
        timings["load_s"] += time.perf_counter() - started
        started = time.perf_counter()
        out = compute_results(
            values, chosen, aggregation, territories, targets, compute_settings(), scope, timings
        )
        timings["compute_s"] += time.perf_counter() - started
        del values
        started = time.perf_counter()
        written = store_results(out, scope)
        timings["store_s"] += time.perf_counter() - started
    else:
        timings["load_s"] += time.perf_counter() - started
    if run_ids:
        ImportRun.objects.filter(pk__in=run_ids).update(computed_at=timezone.now())
    return written


def compute_results(
    values: pd.DataFrame,
    indicators: pd.DataFrame,
    aggregation: dict[int, str],
    territories: pd.DataFrame,
    targets: pd.DataFrame,
    settings_: compute.Settings,
    scope: dict[int, set[int] | None],
    timings: dict,
) -> pd.DataFrame | None:
    """The values of ``indicators`` within ``scope`` as rows to store (``None``: nothing).

    The annual values are prepared once for all indicators (a series often feeds several);
    the rest runs per indicator, which keeps the largest intermediate frame to one indicator.
    """
    annual = compute.prepare(values, aggregation)
    per_series = values["series"].value_counts()
    results = []
    for indicator in indicators.itertuples(index=False):
        used = [int(indicator.numerator)]
        if not pd.isna(indicator.denominator):
            used.append(int(indicator.denominator))
        subset = annual[annual["series"].isin(used)]
        if subset.empty:
            continue
        timings["values"] = timings.get("values", 0) + int(per_series.reindex(used).sum())
        result = compute.compute_annual(
            subset,
            indicators[indicators["id"] == indicator.id],
            territories,
            targets[targets["indicator"] == indicator.id],
            settings_,
        )
        only = scope[int(indicator.id)]
        if only is not None and not result.empty:
            result = result[result["territory"].isin(list(only))]
        if not result.empty:
            results.append(results_frame(result))
    return pd.concat(results, ignore_index=True) if results else None


# The stored columns compared to decide whether a computed value changed.
_COMPARED = [c for c in OUT_COLUMNS if c not in ("indicator_id", "territory_id", "year", "cell")]
_KEY = ["indicator_id", "territory_id", "year", "cell"]


def store_results(out: pd.DataFrame | None, scope: dict[int, set[int] | None]) -> int:
    """Make the stored values within ``scope`` equal ``out``: new rows are inserted, changed rows
    updated, rows no longer computed deleted, identical rows not touched. Returns the rows
    written. On PostgreSQL: one COPY into a staging table and set-based statements."""
    if out is None:
        out = pd.DataFrame(columns=OUT_COLUMNS)
    if is_postgres():
        return _store_pg(out, scope)
    return _store_orm(out, scope)


def _scope_filter(scope: dict[int, set[int] | None]) -> tuple[str, list]:
    """SQL condition (on alias ``iv``) and parameters selecting the stored rows in ``scope``."""
    whole = [pk for pk, ts in scope.items() if ts is None]
    parts, params = [], []
    if whole:
        parts.append("iv.indicator_id = ANY(%s)")
        params.append(whole)
    for pk, ts in scope.items():
        if ts is not None:
            parts.append("(iv.indicator_id = %s AND iv.territory_id = ANY(%s))")
            params += [pk, sorted(ts)]
    return " OR ".join(parts) or "FALSE", params


# From this many rows, the first computation into an empty table fills it the way PostgreSQL's
# manual advises for populating a table: without its secondary indexes, which are then built
# in one pass each (several times faster than keeping them up to date row by row).
BULK_ROWS = 200_000


def _fill_empty(cursor, table: str, out: pd.DataFrame, order: np.ndarray) -> bool:
    """COPY ``out`` (its rows in ``order``) into the empty ``table`` with its primary key,
    unique constraints and secondary indexes dropped and built again afterwards from their own
    definitions (keeping the primary key's index up to date row by row cost a third of the
    COPY), and with the ids taken from the sequence as one block (drawing them row by row cost
    another quarter). In this transaction; until it commits, other sessions wait to read the
    table, which has nothing to show yet. Duplicates fail the rebuilt unique constraint as they
    would fail the COPY. False, with nothing written, where the role does not own the table
    or another table's foreign key needs the primary key.
    """
    qn = connection.ops.quote_name
    types = column_types(IndicatorValue, OUT_COLUMNS)
    # the primary key first: 'p' sorts before 'u'
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [table],
    )
    indexes = cursor.fetchall()
    # only the table's owner may drop its indexes, and a primary key that another table's
    # foreign key points to stays: either way, nothing is dropped
    try:
        with transaction.atomic():
            for name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")
    except DatabaseError:
        return False
    # The table is locked against every other session since the first DROP, so nothing
    # else draws from its sequence: take len(out) ids at once and move the sequence past them.
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + len(out) - 1])
    # numbered in the order they are written: the primary key is built from sorted rows
    ids = np.empty(len(out), dtype=np.int64)
    ids[order] = np.arange(first, first + len(out), dtype=np.int64)
    with_ids = out.copy(deep=False)
    with_ids.insert(0, "id", ids)
    rows = binary_rows(with_ids, ["bigint", *types], order=order)
    copy_in(table, ["id", *OUT_COLUMNS], rows, binary=True)
    # index builds sort in memory up to this (the default, 64 MB, spills to disk)
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    for _name, definition in indexes:
        cursor.execute(definition)
    return True


def _key_order(out: pd.DataFrame) -> np.ndarray:
    """The rows' positions in the order of the unique key (territory, indicator, year, cell;
    the cell byte-wise, as the database compares it)."""
    codes, cells = pd.factorize(out["cell"])
    rank = np.argsort(np.argsort(np.array([str(c).encode() for c in cells], dtype=object)))
    return np.lexsort(
        (
            rank[codes] if len(cells) else codes,
            out["year"].to_numpy(),
            out["indicator_id"].to_numpy(),
            out["territory_id"].to_numpy(),
        )
    )


def _store_pg(out: pd.DataFrame, scope: dict[int, set[int] | None]) -> int:
    table = IndicatorValue._meta.db_table
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in OUT_COLUMNS)
    # binary COPY: millions of floats neither formatted nor parsed as text
    data = None
    if not out.empty:
        # in the unique key's order: a first fill lays the table out by territory, as every
        # read asks for it, and builds the index from sorted rows; a merge meets the index in
        # its own order
        order = _key_order(out)
        data = binary_rows(out, column_types(IndicatorValue, OUT_COLUMNS), order=order)
    condition, params = _scope_filter(scope)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} iv WHERE {condition})", params)
        if not cursor.fetchone()[0]:
            # nothing stored yet (a first computation): straight into the table, no comparison
            if data is None:
                return 0
            if len(out) >= BULK_ROWS:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if not cursor.fetchone()[0] and _fill_empty(cursor, table, out, order):
                    return len(out)
            copy_in(table, OUT_COLUMNS, data, binary=True)
            return len(out)
        cursor.execute(
            f"CREATE TEMP TABLE monitoring_computed ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        if data is not None:
            copy_in("monitoring_computed", OUT_COLUMNS, data, binary=True)
        written = 0
        same_key = " AND ".join(f"c.{qn(k)} = iv.{qn(k)}" for k in _KEY)
        cursor.execute(
            f"DELETE FROM {table} iv WHERE ({condition}) AND NOT EXISTS "
            f"(SELECT 1 FROM monitoring_computed c WHERE {same_key})",
            params,
        )
        written += cursor.rowcount
        updates = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in _COMPARED)
        mine = ", ".join(f"iv.{qn(c)}" for c in _COMPARED)
        theirs = ", ".join(f"EXCLUDED.{qn(c)}" for c in _COMPARED)
        # (an UPDATE joined by hash plus an INSERT of the rest measured slower than this)
        cursor.execute(
            f"INSERT INTO {table} AS iv ({columns}) SELECT {columns} FROM monitoring_computed "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates} "
            f"WHERE ({mine}) IS DISTINCT FROM ({theirs})"
        )
        written += cursor.rowcount
        cursor.execute("DROP TABLE monitoring_computed")
    return written


def _plain(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _store_orm(out: pd.DataFrame, scope: dict[int, set[int] | None]) -> int:
    existing = IndicatorValue.objects.none()
    for pk, ts in scope.items():
        part = IndicatorValue.objects.filter(indicator_id=pk)
        if ts is not None:
            part = part.filter(territory_id__in=ts)
        existing = existing | part
    stored = {
        (row["indicator_id"], row["territory_id"], row["year"], row["cell"]): row
        for row in existing.values("id", *OUT_COLUMNS)
    }
    new, changed = [], []
    for row in out.itertuples(index=False):
        data = {name: _plain(value) for name, value in row._asdict().items()}
        data["dimensions"] = json.loads(data["dimensions"])
        for flag in ("provisional", "series_break", "limited_validity"):
            data[flag] = bool(data[flag])
        key = tuple(data[c] for c in _KEY)
        old = stored.pop(key, None)
        if old is None:
            new.append(IndicatorValue(**data))
        elif any(old[c] != data[c] for c in _COMPARED):
            changed.append(IndicatorValue(id=old["id"], **data))
    IndicatorValue.objects.filter(id__in=[row["id"] for row in stored.values()]).delete()
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    IndicatorValue.objects.bulk_update(changed, _COMPARED, batch_size=1000)
    return len(stored) + len(new) + len(changed)
