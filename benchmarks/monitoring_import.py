"""Monitoring at nationwide scale: import official-statistics tables, then compute indicators.

Generates districts and municipalities (default: about 400 districts and 11,000 municipalities
in 16 Länder) × years × series × target groups (the total plus four groups), writes them as
official statistics tables (one per year and block of series, ``;``, decimal comma), imports them
through the same service as the web upload and the command line (COPY on PostgreSQL), and
computes every indicator (one rate per pair of series).

Prints values per second for the import and the computation, and the ratio of the computation
time to a plain pandas groupby over the same data already in memory (the floor). The last line
is one JSON object.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/monitoring_import.py
    python benchmarks/monitoring_import.py --quick        # small run, SQLite by default

Use a scratch database: the benchmark migrates it and empties the monitoring tables first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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
            Indicator,
            Series,
            Period,
            Territory,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} CASCADE")
        return
    for model in (IndicatorValue, ValueHistory, Value, ImportRun):
        model.objects.all().delete()
    Indicator.objects.all().delete()
    Series.objects.all().delete()
    Period.objects.all().delete()
    for level in ("gemeinde", "verband", "other", "kreis", "regbez", "land", "bund"):
        Territory.objects.filter(level=level).delete()


def build_catalogue(districts: int, municipalities: int, series: int):
    from monitoring.models import Area, Indicator, Series, Territory
    from participation.catalogue_data import ensure_catalogues
    from participation.models import FieldOfAction, TargetGroup

    ensure_catalogues(TargetGroup, FieldOfAction)
    area, _ = Area.objects.get_or_create(code="bench", defaults={"name": "Benchmark"})
    bund = Territory.objects.create(key="DG", name="Deutschland", level="bund")
    lands = Territory.objects.bulk_create(
        [
            Territory(key=f"{n:02d}", name=f"Land {n}", level="land", parent=bund)
            for n in range(1, 17)
        ]
    )
    district_objs = Territory.objects.bulk_create(
        [
            Territory(
                key=f"{lands[d % 16].key}{d // 16 + 1:03d}",
                name=f"Kreis {d}",
                level="kreis",
                parent=lands[d % 16],
            )
            for d in range(districts)
        ]
    )
    per_district = max(1, municipalities // districts)
    municipal = Territory.objects.bulk_create(
        [
            Territory(
                key=f"{district.key}{m + 1:03d}",
                name=f"Gemeinde {district.key}-{m}",
                level="gemeinde",
                parent=district,
            )
            for district in district_objs
            for m in range(per_district)
        ],
        batch_size=5000,
    )
    codes = [f"bench_s{n:02d}" for n in range(series)]
    Series.objects.bulk_create([Series(code=code, name=code, aggregation="last") for code in codes])
    series_objs = {s.code: s for s in Series.objects.filter(code__in=codes)}
    for n in range(0, series - 1, 2):
        Indicator.objects.create(
            code=f"BENCH{n // 2:02d}",
            name=f"Benchmark-Quote {n // 2}",
            area=area,
            numerator=series_objs[codes[n]],
            denominator=series_objs[codes[n + 1]],
            kind="percent",
        )
    keys = (
        [bund.key]
        + [t.key for t in lands]
        + [t.key for t in district_objs]
        + [t.key for t in municipal]
    )
    groups = [""] + list(TargetGroup.objects.values_list("code", flat=True)[:4])
    return keys, codes, groups


def table(keys, codes, groups, year, rng) -> bytes:
    """One delivery: a year and a block of series, long format, official notation."""
    n_keys, n_codes, n_groups = len(keys), len(codes), len(groups)
    total = n_keys * n_codes * n_groups
    key_index = np.repeat(np.arange(n_keys), n_codes * n_groups)
    code_index = np.tile(np.repeat(np.arange(n_codes), n_groups), n_keys)
    group_index = np.tile(np.arange(n_groups), n_keys * n_codes)
    base = rng.integers(20, 5000, size=total)
    # denominators (odd series) are larger than numerators
    base = np.where(code_index % 2 == 1, base * 20, base)
    frame = pd.DataFrame(
        {
            "Jahr": year,
            "AGS": np.asarray(keys, dtype=object)[key_index],
            "Zielgruppe": np.asarray(groups, dtype=object)[group_index],
            "Reihe": np.asarray(codes, dtype=object)[code_index],
            "Wert": base,
        }
    )
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run")
    parser.add_argument("--districts", type=int, default=400)
    parser.add_argument("--municipalities", type=int, default=11000)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--series", type=int, default=40)
    parser.add_argument("--series-per-file", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.quick:
        args.districts, args.municipalities, args.years, args.series = 20, 400, 5, 8
    setup_django(args.database_url)

    from django.db import connection

    from monitoring import services
    from participation.models import TargetGroup

    print(f"database: {connection.vendor}", flush=True)
    reset()
    keys, codes, groups = build_catalogue(args.districts, args.municipalities, args.series)
    mapping = {
        "Zielgruppe": {
            "role": "target_group",
            "values": {c: c for c in TargetGroup.objects.values_list("code", flat=True)},
        }
    }
    rng = np.random.default_rng(7)
    values = 0
    import_s = 0.0
    for year in range(2010, 2010 + args.years):
        for start in range(0, len(codes), args.series_per_file):
            block = codes[start : start + args.series_per_file]
            data = table(keys, block, groups, year, rng)
            name = f"bench-{year}-{start}.csv"
            started = time.perf_counter()
            report = services.values_import(
                files=[services.ImportFile(name=name, data=data)],
                fmt="official",
                mappings={name: mapping},
                compute=False,
            )
            import_s += time.perf_counter() - started
            del data
            if report.rejected:
                raise SystemExit(f"rejected: {report.rejected[:3]}")
            values += report.created
        print(
            f"  {year}: {values:,} values imported, {values / import_s:,.0f}/s, "
            f"peak {peak_mb():,.0f} MB",
            flush=True,
        )
    timings: dict = {}
    started = time.perf_counter()
    written = services.indicators_compute(timings=timings)
    compute_total_s = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "territories": len(keys),
        "years": args.years,
        "series": args.series,
        "target_groups": len(groups),
        "values": values,
        "import_s": round(import_s, 2),
        "import_values_per_s": round(values / import_s),
        "indicator_values": written,
        "compute_s": round(timings["compute_s"], 2),
        "compute_values_per_s": round(timings["values"] / max(timings["compute_s"], 1e-9)),
        "compute_total_s": round(compute_total_s, 2),
        "compute_load_s": round(timings["load_s"], 2),
        "compute_store_s": round(timings["store_s"], 2),
        "floor_s": round(timings["floor_s"], 2),
        "compute_ratio_to_floor": round(timings["compute_s"] / max(timings["floor_s"], 1e-9), 2),
        "peak_mb": round(peak_mb()),
    }
    print(
        f"import: {values:,} values in {import_s:.1f} s = {result['import_values_per_s']:,}/s\n"
        f"compute: {written:,} indicator values; pure computation {result['compute_s']} s "
        f"({result['compute_values_per_s']:,} input values/s), with loading and storing "
        f"{result['compute_total_s']} s; plain groupby floor {result['floor_s']} s; "
        f"ratio {result['compute_ratio_to_floor']}\n"
        f"peak memory: {result['peak_mb']} MB"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
