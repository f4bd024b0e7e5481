"""Monitoring end to end: import official-statistics tables, compute and store every indicator.

Generates the Bund, 16 Länder, districts and municipalities (default: 400 districts and about
11,000 municipalities) × years, with data that reaches every part of the computation:

- stock series (population, working-age population, employed, unemployed: one value per year)
  and a flow series (naturalisations, delivered per quarter and summed to the year),
- rate indicators (share of the population per target group against the total, employment and
  unemployment rates, naturalisations per 1,000) and a count indicator (naturalisations),
- small counts in small municipalities, so that small-count protection (primary and secondary
  suppression over sexes and the territory hierarchy) and the rate thresholds run,
- the total plus four target groups, sex for the total, districts and Länder as exact sums,
- targets for two indicators (trends against a target), and
- a second delivery that revises two earlier years (a census correction of the population):
  most of its values are unchanged, the revised ones replace the stored ones and keep history,
- a third, small delivery: one series for one municipality (a data request answered).

Every delivery goes through the import service that the upload page and the command line use
(COPY on PostgreSQL) and is followed by the computation the import triggers. Reported: the
import's values per second, the computation split into ``load_s`` (reading raw values),
``compute_s`` (the pandas computation) and ``store_s`` (writing the results), the end-to-end
values per second (import plus computation), and the **floor**: the same arithmetic (annual
sums of flows, the rates, changes, gaps to all target groups, Land and Bund, trends, primary and
a simple secondary suppression) in plain pandas on the generated arrays, without Django or the
database, so ``compute_ratio_to_floor`` is the cost of the product's own machinery.

``--large-file`` writes one official table of about that many MB and imports it through the
command line in a child process, reporting its time and peak memory (RSS) separately.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/monitoring_import.py
    python benchmarks/monitoring_import.py --quick        # small run, SQLite by default

Use a scratch database: the benchmark migrates it and empties the monitoring tables first. The
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_YEAR = 2012
# series code → (aggregation, periods per year)
SERIES = {
    "bench_bev": ("last", 1),
    "bench_bev_erw": ("last", 1),
    "bench_svb": ("last", 1),
    "bench_alo": ("last", 1),
    "bench_einb": ("sum", 4),
}
# indicator code → (numerator, denominator, kind, factor, direction, denominator scope)
INDICATORS = {
    "BENCH_ANTEIL": ("bench_bev", "bench_bev", "percent", 100.0, 1, "total"),
    "BENCH_SVB": ("bench_svb", "bench_bev_erw", "percent", 100.0, 1, "same"),
    "BENCH_ALO": ("bench_alo", "bench_bev_erw", "percent", 100.0, -1, "same"),
    "BENCH_EINBQ": ("bench_einb", "bench_bev", "per_thousand", 1000.0, 1, "same"),
    "BENCH_EINB": ("bench_einb", None, "count", 1.0, 1, "same"),
}
TARGETS = {"BENCH_SVB": (0, 75.0, 2030), "BENCH_ALO": (0, 2.0, 2030)}  # target group 0 = all
GROUP_SHARES = [1.0, 0.14, 0.06, 0.04, 0.02]  # the total and four target groups
SEXES = ["", "f", "m"]
MIN_COUNT, MIN_NUMERATOR, MIN_DENOMINATOR = 3, 3, 20


def setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/monitoring-bench.db")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset() -> None:
    from django.db import connection

    from monitoring.models import (
        ImportRun,
        Indicator,
        IndicatorValue,
        Period,
        Series,
        Target,
        Territory,
        Value,
        ValueHistory,
    )

    if connection.vendor == "postgresql":
        models = (
            IndicatorValue,
            ValueHistory,
            Value,
            ImportRun,
            Target,
            Indicator,
            Series,
            Period,
            Territory,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} CASCADE")
        return
    for model in (IndicatorValue, ValueHistory, Value, ImportRun, Target):
        model.objects.all().delete()
    Indicator.objects.all().delete()
    Series.objects.all().delete()
    Period.objects.all().delete()
    for level in ("gemeinde", "verband", "other", "kreis", "regbez", "land", "bund"):
        Territory.objects.filter(level=level).delete()


# --- the generated territories and figures (plain numpy) ------------------------------------


class Land:
    """The territory tree as arrays: index → key, level, parent index, Land and Bund index."""

    def __init__(self, districts: int, municipalities: int):
        keys, levels, parents = ["DG"], ["bund"], [-1]
        for n in range(1, 17):
            keys.append(f"{n:02d}")
            levels.append("land")
            parents.append(0)
        district_at = []
        for d in range(districts):
            keys.append(f"{(d % 16) + 1:02d}{d // 16 + 1:03d}")
            levels.append("kreis")
            parents.append(1 + d % 16)
            district_at.append(len(keys) - 1)
        per_district = max(1, municipalities // districts)
        for at in district_at:
            for m in range(per_district):
                keys.append(f"{keys[at]}{m + 1:03d}")
                levels.append("gemeinde")
                parents.append(at)
        self.keys = np.array(keys, dtype=object)
        self.levels = np.array(levels, dtype=object)
        self.parent = np.array(parents)
        self.municipal = np.flatnonzero(self.levels == "gemeinde")
        self.districts = np.array(district_at)
        self.lands = np.arange(1, 17)
        land = np.full(len(keys), -1)
        for index in range(len(keys)):
            node = index
            while node >= 0 and levels[node] != "land":
                node = parents[node]
            land[index] = node
        self.land = land
        self.bund = np.where(np.arange(len(keys)) == 0, -1, 0)

    def __len__(self) -> int:
        return len(self.keys)

    def roll_up(self, figures: np.ndarray) -> np.ndarray:
        """Municipal figures (first axis: territories) → districts, Länder and Bund as sums."""
        out = figures.copy()
        for level in ("kreis", "land", "bund"):
            children = np.flatnonzero(
                self.levels == {"kreis": "gemeinde", "land": "kreis", "bund": "land"}[level]
            )
            out[self.levels == level] = 0
            np.add.at(out, self.parent[children], out[children])
        return out


def generate(land: Land, years: int, rng) -> dict[str, np.ndarray]:
    """Per series an integer array [territory, year, period in year, target group, sex]."""
    n = len(land)
    groups = len(GROUP_SHARES)
    size = np.zeros(n)
    # municipalities from a few hundred to a few hundred thousand people
    size[land.municipal] = np.exp(rng.normal(8.0, 1.2, size=len(land.municipal)))
    growth = 1 + rng.normal(0.004, 0.006, size=(n, 1)) * np.arange(years)[None, :]
    shares = np.array(GROUP_SHARES)[None, None, :] * rng.uniform(0.6, 1.4, size=(n, 1, groups))
    shares[:, :, 0] = 1.0

    def split(total: np.ndarray) -> np.ndarray:
        """[t, y, p, g] counts → [t, y, p, g, sex] with female + male = total."""
        female = rng.binomial(total.astype(np.int64), 0.5)
        out = np.zeros((*total.shape, 3), dtype=np.int64)
        out[..., 0] = total
        out[..., 1] = female
        out[..., 2] = total - female
        return out

    bev = np.rint(size[:, None, None] * growth[:, :, None] * shares).astype(np.int64)
    bev = bev[:, :, None, :]  # one period per year
    figures = {"bench_bev": split(bev)}
    erw = np.rint(bev * rng.uniform(0.58, 0.68, size=bev.shape)).astype(np.int64)
    figures["bench_bev_erw"] = split(erw)
    figures["bench_svb"] = split(
        np.rint(erw * rng.uniform(0.45, 0.75, size=erw.shape)).astype(np.int64)
    )
    figures["bench_alo"] = split(
        np.rint(erw * rng.uniform(0.02, 0.12, size=erw.shape)).astype(np.int64)
    )
    # naturalisations per quarter: small counts almost everywhere below the districts
    rate = bev * 0.0006 / 4
    figures["bench_einb"] = split(rng.poisson(np.repeat(rate, 4, axis=2)))
    for code in figures:
        figures[code] = land.roll_up(figures[code])
    return figures


def long_frame(land: Land, figures: dict[str, np.ndarray], years: list[int]) -> pd.DataFrame:
    """The figures of ``years`` as rows: series, territory, year, period, target group, sex,
    value (the sex breakdown is delivered for the total only)."""
    parts = []
    for s_index, array in enumerate(figures.values()):
        sub = array[:, years]
        t, y, p, g, x = np.indices(sub.shape).reshape(5, -1)
        value = sub.reshape(-1)
        keep = (g == 0) | (x == 0)
        parts.append(
            pd.DataFrame(
                {
                    "series": s_index,
                    "territory": t[keep],
                    "year": np.asarray(years)[y[keep]] + FIRST_YEAR,
                    "period": p[keep],
                    "target_group": g[keep],
                    "sex": x[keep],
                    "value": value[keep].astype(float),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def to_csv(rows: pd.DataFrame, land: Land, groups: list[str]) -> bytes:
    """Rows as an official statistics table (long format, ``;``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    codes = np.array(list(SERIES), dtype=object)
    flows = np.array([SERIES[c][1] > 1 for c in SERIES])[rows["series"].to_numpy()]
    year = rows["year"].astype(str).to_numpy(dtype=object)
    quarter = (" Q" + (rows["period"] + 1).astype(str)).to_numpy(dtype=object)
    period = np.where(flows, year + quarter, year)
    sex_names = np.array(["insgesamt", "weiblich", "männlich"], dtype=object)
    table = pa.table(
        {
            "Jahr": period.astype(str),
            "AGS": land.keys[rows["territory"].to_numpy()].astype(str),
            "Zielgruppe": np.array(groups, dtype=object)[rows["target_group"].to_numpy()].astype(
                str
            ),
            "Geschlecht": sex_names[rows["sex"].to_numpy()].astype(str),
            "Reihe": codes[rows["series"].to_numpy()].astype(str),
            "Wert": rows["value"].astype(np.int64).to_numpy(),
        }
    )
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(
        table,
        buffer,
        write_options=pacsv.WriteOptions(delimiter=";", quoting_style="none", include_header=False),
    )
    return (";".join(table.column_names) + "\n").encode() + buffer.getvalue().to_pybytes()


# --- the floor: the same arithmetic in plain pandas ------------------------------------------


def floor_compute(rows: pd.DataFrame, land: Land, targets: dict) -> int:
    """Annual values, rates, changes, gaps, trends and suppression over ``rows``. Returns rows."""
    key = ["series", "territory", "year", "target_group", "sex"]
    flows = [i for i, c in enumerate(SERIES) if SERIES[c][0] == "sum"]
    is_flow = rows["series"].isin(flows)
    annual = pd.concat(
        [
            rows[is_flow].groupby(key, sort=False)["value"].sum().reset_index(),
            rows[~is_flow].groupby(key, sort=False)["value"].last().reset_index(),
        ],
        ignore_index=True,
    )
    index_of = {code: i for i, code in enumerate(SERIES)}
    by_series = {s: part.drop(columns="series") for s, part in annual.groupby("series")}
    cell = ["territory", "target_group", "sex"]
    total = 0
    for code, (num, den, _kind, factor, direction, scope) in INDICATORS.items():
        frame = by_series[index_of[num]].rename(columns={"value": "numerator"})
        if den is not None:
            denominator = by_series[index_of[den]].rename(columns={"value": "denominator"})
            if scope == "total":
                denominator = denominator[denominator["target_group"] == 0].drop(
                    columns="target_group"
                )
                frame = frame.merge(denominator, on=["territory", "year", "sex"], how="left")
            else:
                frame = frame.merge(denominator, on=[*cell, "year"], how="left")
            with np.errstate(all="ignore"):
                frame["value"] = frame["numerator"] / frame["denominator"].where(
                    frame["denominator"] > 0
                )
            frame["value"] *= factor
        else:
            frame["denominator"] = np.nan
            frame["value"] = frame["numerator"]
        frame = frame.sort_values([*cell, "year"], ignore_index=True)
        grouped = frame.groupby(cell, sort=False)
        frame["change_previous"] = frame["value"] - grouped["value"].shift()
        frame["base_value"] = grouped["value"].transform("first")
        frame["base_year"] = grouped["year"].transform("first")
        frame["change_base"] = frame["value"] - frame["base_value"]
        span = (frame["year"] - frame["base_year"]).astype(float)
        with np.errstate(all="ignore"):
            cagr = np.power(frame["value"] / frame["base_value"], 1.0 / span) - 1.0
        frame["cagr"] = cagr.where((span > 0) & (frame["value"] > 0) & (frame["base_value"] > 0))
        frame["n_periods"] = grouped.cumcount() + 1
        totals = frame.loc[frame["target_group"] == 0, ["territory", "year", "sex", "value"]]
        frame = frame.merge(
            totals.rename(columns={"value": "total_value"}),
            on=["territory", "year", "sex"],
            how="left",
        )
        frame["gap_total"] = (frame["value"] - frame["total_value"]).where(
            frame["target_group"] != 0
        )
        for level, refs in (("land", land.land), ("bund", land.bund)):
            frame[f"{level}_id"] = refs[frame["territory"].to_numpy()]
            lookup = frame[["territory", "year", "target_group", "sex", "value"]].rename(
                columns={"territory": f"{level}_id", "value": f"{level}_value"}
            )
            frame = frame.merge(
                lookup, on=[f"{level}_id", "year", "target_group", "sex"], how="left"
            )
            frame[f"gap_{level}"] = frame["value"] - frame[f"{level}_value"]
        growth = frame["cagr"] * direction
        trend = np.select(
            [growth >= 0.01, growth > 0, growth > -0.01],
            ["on_track", "accelerate", "limited"],
            default="deterioration",
        )
        if code in targets:
            group, value, year = targets[code]
            with np.errstate(all="ignore"):
                required = (
                    np.power(value / frame["base_value"], 1.0 / (year - frame["base_year"])) - 1.0
                )
                ratio = frame["cagr"] / required
            with_target = np.select(
                [
                    (frame["value"] - value) * direction >= 0,
                    ratio >= 0.95,
                    ratio >= 0.5,
                    ratio >= 0,
                ],
                ["on_track", "on_track", "accelerate", "limited"],
                default="deterioration",
            )
            trend = np.where(frame["target_group"] == group, with_target, trend)
        frame["trend"] = np.where((frame["n_periods"] >= 3) & frame["cagr"].notna(), trend, "")
        # small-count protection
        hidden = pd.Series("", index=frame.index, dtype=object)
        if den is not None:
            weak = ~(
                (frame["numerator"] >= MIN_NUMERATOR) & (frame["denominator"] >= MIN_DENOMINATOR)
            )
            hidden[weak] = "rate"
        else:
            small = (frame["numerator"] > 0) & (frame["numerator"] < MIN_COUNT)
            hidden[small] = "primary"
            frame["parent"] = land.parent[frame["territory"].to_numpy()]
            # a family (the children of one parent, or female and male of one territory) with
            # exactly one hidden cell: hide the smallest other cell too
            for family in (["parent", "year", "target_group", "sex"], ["territory", "year"]):
                members = frame[(frame["sex"] != 0) | (family[0] == "parent")]
                is_hidden = (hidden[members.index] != "").astype(int)
                count = is_hidden.groupby([members[c] for c in family]).transform("sum")
                lonely = members[(count == 1) & (is_hidden == 0)]
                smallest = lonely.sort_values("numerator").drop_duplicates(family).index
                hidden[smallest] = "secondary"
        frame["suppression"] = hidden
        frame["published_value"] = frame["value"].where(hidden == "")
        total += len(frame)
    return total


# --- the product's path ---------------------------------------------------------------------


def build_catalogue(land: Land):
    from monitoring.models import Area, Indicator, Series, Target, Territory
    from participation.catalogue_data import ensure_catalogues
    from participation.models import FieldOfAction, Process, TargetGroup

    ensure_catalogues(TargetGroup, FieldOfAction)
    area, _ = Area.objects.get_or_create(code="bench", defaults={"name": "Benchmark"})
    ids_by_index: dict[int, int] = {}
    for level in ("bund", "land", "kreis", "gemeinde"):
        at = np.flatnonzero(land.levels == level)
        Territory.objects.bulk_create(
            [
                Territory(
                    key=land.keys[i],
                    name=f"{level} {land.keys[i]}",
                    level=level,
                    parent_id=ids_by_index.get(int(land.parent[i])),
                )
                for i in at
            ],
            batch_size=5000,
        )
        found = dict(Territory.objects.filter(level=level).values_list("key", "id"))
        ids_by_index.update((int(i), found[land.keys[i]]) for i in at)
    ids = [ids_by_index[i] for i in range(len(land))]
    Series.objects.bulk_create(
        [Series(code=code, name=code, aggregation=agg) for code, (agg, _p) in SERIES.items()]
    )
    series = {s.code: s for s in Series.objects.filter(code__in=list(SERIES))}
    indicators = {}
    for code, (num, den, kind, _f, direction, scope) in INDICATORS.items():
        indicators[code] = Indicator.objects.create(
            code=code,
            name=code,
            area=area,
            numerator=series[num],
            denominator=series[den] if den else None,
            kind=kind,
            direction=direction,
            denominator_scope=scope,
        )
    codes = TargetGroup.objects.order_by("order", "id").values_list("code", flat=True)
    groups = ["", *codes[:4]]
    process = Process.objects.create(
        title="Benchmark",
        territory="Kreis",
        territory_key=land.keys[land.districts[0]],
        period_start="2025-01-01",
        period_end="2026-12-31",
    )
    for code, (_group, value, year) in TARGETS.items():
        Target.objects.create(process=process, indicator=indicators[code], value=value, year=year)
    return groups, ids


def run_import(files: list[tuple[str, bytes]], mapping: dict) -> tuple[object, float]:
    from monitoring import services

    started = time.perf_counter()
    report = services.values_import(
        files=[services.ImportFile(name=name, data=data) for name, data in files],
        fmt="official",
        mappings={name: mapping for name, _d in files},
        compute=False,
    )
    elapsed = time.perf_counter() - started
    if report.rejected:
        raise SystemExit(f"rejected: {report.rejected[:3]}")
    return report, elapsed


def run_compute(report) -> tuple[dict, float, int]:
    """The computation the import triggers (the Celery task's body), timed."""
    from monitoring import services

    timings: dict = {}
    params = inspect.signature(services.indicators_compute).parameters
    started = time.perf_counter()
    if "import_run_ids" in params and report is not None:
        written = services.indicators_compute(import_run_ids=report.runs, timings=timings)
    else:
        written = services.indicators_compute(timings=timings)
    return timings, time.perf_counter() - started, written


def large_file(args, land: Land, figures, groups) -> dict:
    """One official table of about ``args.large_file`` MB, imported by the command line in a
    child process (its own peak memory)."""
    path = Path(tempfile.gettempdir()) / "monitoring-bench-large.csv"
    size, block = 0, 0
    # the generated years again under earlier (made-up) years, one year per block, until the
    # file is large enough
    with path.open("wb") as out:
        while size < args.large_file * 1_000_000:
            rows = long_frame(land, figures, [block % args.years])
            rows["year"] = 1900 + block
            data = to_csv(rows, land, groups)
            if block:
                data = data.split(b"\n", 1)[1]
            out.write(data)
            size += len(data)
            block += 1
            if block > 110:
                raise SystemExit("--large-file too large for the years 1900-2010")
    # the import service as the upload page and the command line call it, without the
    # computation (timed above), in a fresh process so that its peak memory is its own
    script = (
        "import django, json, sys; django.setup(); "
        "from monitoring import services; "
        "r = services.values_import(files=services.files_from_paths([sys.argv[1]]), "
        "fmt='official', compute=False); "
        "print(json.dumps({'created': r.created, 'updated': r.updated, "
        "'rejected': len(r.rejected)}))"
    )
    command = [sys.executable, "-c", script, str(path)]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        command, capture_output=True, text=True, env=os.environ.copy(), cwd=str(ROOT)
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    path.unlink()
    if done.returncode != 0:
        raise SystemExit(f"large file import failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "large_file_mb": round(size / 1e6, 1),
        "large_file_values": summary.get("created", 0) + summary.get("updated", 0),
        "large_file_s": round(elapsed, 1),
        "large_file_peak_mb": round(max(peak, before) / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run")
    parser.add_argument("--districts", type=int, default=400)
    parser.add_argument("--municipalities", type=int, default=11000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--large-file", type=float, default=0, help="MB; 0: skip")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.quick:
        args.districts, args.municipalities, args.years = 20, 400, 5
    setup_django(args.database_url)

    from django.db import connection

    from monitoring.models import IndicatorValue
    from participation.models import TargetGroup

    print(f"database: {connection.vendor}", flush=True)
    reset()
    land = Land(args.districts, args.municipalities)
    groups, _ids = build_catalogue(land)
    mapping = {
        "Zielgruppe": {
            "role": "target_group",
            "values": {c: c for c in TargetGroup.objects.values_list("code", flat=True)},
        },
        "Geschlecht": {"role": "sex", "values": {}},
    }
    rng = np.random.default_rng(7)
    figures = generate(land, args.years, rng)

    # the first delivery: one table per year
    files, values = [], 0
    for year in range(args.years):
        rows = long_frame(land, figures, [year])
        values += len(rows)
        files.append((f"bench-{FIRST_YEAR + year}.csv", to_csv(rows, land, groups)))
    print(f"  generated {values:,} values in {len(files)} files", flush=True)
    report, import_s = run_import(files, mapping)
    del files
    print(f"  import: {import_s:.1f} s, {values / import_s:,.0f} values/s", flush=True)
    timings, compute_total_s, written = run_compute(report)
    print(
        f"  computation: {compute_total_s:.1f} s (load {timings['load_s']:.1f}, compute "
        f"{timings['compute_s']:.1f}, store {timings['store_s']:.1f}), {written:,} rows",
        flush=True,
    )

    # the floor over the same figures, in memory
    rows = long_frame(land, figures, list(range(args.years)))
    started = time.perf_counter()
    floor_rows = floor_compute(rows, land, TARGETS)
    floor_s = time.perf_counter() - started
    del rows
    print(f"  floor: {floor_s:.1f} s, {floor_rows:,} rows", flush=True)

    # the second delivery: two earlier years again, the population revised
    revised_years = [1, 2] if args.years > 3 else [0]
    revised = {code: array.copy() for code, array in figures.items()}
    for code in ("bench_bev", "bench_bev_erw"):
        municipal = revised[code][land.municipal][:, revised_years]
        correction = rng.uniform(0.97, 1.0, size=(len(land.municipal), 1, 1, 1, 1))
        revised_part = np.rint(municipal * correction).astype(np.int64)
        revised_part[..., 2] = revised_part[..., 0] - revised_part[..., 1]
        block = revised[code][:, revised_years]
        block[land.municipal] = revised_part
        block = land.roll_up(block)
        revised[code][:, revised_years] = block
    files, revision_values = [], 0
    for year in revised_years:
        rows = long_frame(land, revised, [year])
        revision_values += len(rows)
        files.append((f"bench-{FIRST_YEAR + year}-rev.csv", to_csv(rows, land, groups)))
    revision, revision_import_s = run_import(files, mapping)
    del files
    revision_timings, revision_compute_s, revision_written = run_compute(revision)
    print(
        f"  revision: {revision_values:,} values ({revision.updated:,} changed) imported in "
        f"{revision_import_s:.1f} s, computed in {revision_compute_s:.1f} s",
        flush=True,
    )

    # a third delivery: one series for one municipality
    one = long_frame(land, revised, list(range(args.years)))
    one = one[(one["territory"] == land.municipal[0]) & (one["series"] == 2)]
    one = one.assign(value=one["value"] + 1)
    single, single_import_s = run_import([("bench-one.csv", to_csv(one, land, groups))], mapping)
    single_timings, single_compute_s, single_written = run_compute(single)
    print(
        f"  one municipality, one series: {len(one)} values, import {single_import_s:.2f} s, "
        f"computation {single_compute_s:.2f} s",
        flush=True,
    )

    result = {
        "database": connection.vendor,
        "territories": len(land),
        "years": args.years,
        "series": len(SERIES),
        "indicators": len(INDICATORS),
        "target_groups": len(groups),
        "values": values,
        "import_s": round(import_s, 2),
        "import_values_per_s": round(values / import_s),
        "indicator_values": written,
        "stored_indicator_values": IndicatorValue.objects.count(),
        "suppressed_indicator_values": IndicatorValue.objects.exclude(suppression="").count(),
        "load_s": round(timings["load_s"], 2),
        "compute_s": round(timings["compute_s"], 2),
        "store_s": round(timings["store_s"], 2),
        "compute_total_s": round(compute_total_s, 2),
        "load_store_to_compute": round(
            (timings["load_s"] + timings["store_s"]) / max(timings["compute_s"], 1e-9), 2
        ),
        "end_to_end_values_per_s": round(values / (import_s + compute_total_s)),
        "floor_s": round(floor_s, 2),
        "compute_ratio_to_floor": round(timings["compute_s"] / max(floor_s, 1e-9), 2),
        "revision_values": revision_values,
        "revision_changed": revision.updated,
        "revision_import_s": round(revision_import_s, 2),
        "revision_compute_s": round(revision_compute_s, 2),
        "revision_rows_written": revision_written,
        "single_values": len(one),
        "single_import_s": round(single_import_s, 2),
        "single_compute_s": round(single_compute_s, 2),
        "single_rows_written": single_written,
        "peak_mb": round(peak_mb()),
    }
    if args.large_file:
        result.update(large_file(args, land, figures, groups))
    print(
        f"import: {values:,} values in {import_s:.1f} s = {result['import_values_per_s']:,}/s\n"
        f"computation: {written:,} indicator values; load {result['load_s']} s, compute "
        f"{result['compute_s']} s, store {result['store_s']} s; floor {result['floor_s']} s, "
        f"ratio {result['compute_ratio_to_floor']}\n"
        f"end to end: {result['end_to_end_values_per_s']:,} values/s\n"
        f"peak memory: {result['peak_mb']} MB"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
