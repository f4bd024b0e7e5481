"""Real files from the field: what each shared sample imports, a 60-file Open SDG delivery, and
what loading every German territory costs a fresh database.

1. Each shared sample (``../shared/samples/official/*.csv``, ``../shared/samples/opensdg``)
   is imported on its own into emptied monitoring tables: values created, rows skipped, seconds.
2. A 60-file Open SDG delivery in the real layout (the four real files, copied under other
   indicator ids until there are 60, about 200,000 values like the 63 files of the Lower
   Saxony monitoring, some with school years and derived comparison rows) is checked (dry
   run) and imported as one all-or-nothing delivery, then imported again (nothing changes).
   Baseline in the same run: reading the same 60 files with ``pandas.read_csv`` alone.
3. The register migration's work (12,700 territories by bulk insert, what every fresh
   database, including each test session's, pays) against a full ``migrate`` of an empty
   database.

    python benchmarks/real_files.py --quick
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/real_files.py

Use a scratch database: the benchmark migrates it and empties the monitoring value tables.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = Path("/work/shared/samples")
# copies per real file in the 60-file delivery (7 + 15 + 19 + 19 = 60)
MIX = {
    "indicator_1-2-3.csv": 7,
    "indicator_4-1-4.csv": 15,
    "indicator_1-3-4.csv": 19,
    "indicator_5-3-2.csv": 19,
}


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/real-files-bench.db")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset() -> None:
    from monitoring.models import (
        ColumnMapping,
        ImportRun,
        Indicator,
        IndicatorValue,
        Period,
        Series,
        Value,
        ValueHistory,
    )

    ValueHistory.objects.all().delete()
    IndicatorValue.objects.all().delete()
    Value.objects.all().delete()
    ImportRun.objects.all().delete()
    ColumnMapping.objects.all().delete()
    Indicator.objects.filter(code__regex=r"^\d").delete()
    Series.objects.filter(code__regex=r"^(opensdg-|\d)").delete()
    Period.objects.all().delete()


def delivery(folder: Path, scale: int) -> tuple[int, int]:
    """Write the 60 files (or fewer with --quick); returns (files, rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    number, rows = 0, 0
    for name, copies in MIX.items():
        data = (SAMPLES / "opensdg" / name).read_bytes()
        meta = SAMPLES / "opensdg" / name.replace("indicator_", "meta_").replace(".csv", ".md")
        for copy in range(max(1, copies // scale)):
            number += 1
            ident = f"{number // 10 + 1}-{number % 10 + 1}-{copy + 1}"
            body = data
            if name == "indicator_5-3-2.csv" and copy % 2 == 0:
                # as some real files do: derived comparison rows after the years
                body += (
                    "Veränderung aktuelles Jahr (2025) zu 2007,"
                    "Arbeitslosenquote Insgesamt (alle Erwerbspersonen),Insgesamt,%,-1.2\n"
                    "2025 / 2007,"
                    "Arbeitslosenquote Insgesamt (alle Erwerbspersonen),Insgesamt,%,0.8\n"
                ).encode()
            if name == "indicator_1-3-4.csv" and copy % 3 == 0:
                body = body.replace(b"\n2017,", b"\nWS 2017/18,")
            (folder / f"indicator_{ident}.csv").write_bytes(body)
            text = meta.read_text(encoding="utf-8").replace(
                name.removeprefix("indicator_").removesuffix(".csv").replace("-", "."),
                ident.replace("-", "."),
            )
            (folder / f"meta_{ident}.md").write_text(text, encoding="utf-8")
            rows += body.count(b"\n") - 1
    return number, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 files instead of 60")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from monitoring import register, services
    from monitoring.models import Territory

    result: dict = {"database": connection.vendor, "quick": args.quick, "samples": {}}
    print(f"database: {connection.vendor} (the machine is shared; figures vary with its load)")

    # 1. each shared sample on its own
    samples = [SAMPLES / "official" / n for n in ("12411-15i.csv", "22811-01i.csv")]
    samples += sorted((SAMPLES / "opensdg").glob("indicator_*.csv"))
    for path in samples:
        reset()
        files = services.files_from_paths([str(path)])
        started = time.perf_counter()
        report = services.values_import(files=files, default_territory="03", compute=False)
        seconds = time.perf_counter() - started
        result["samples"][path.name] = {
            "values": report.created,
            "skipped": len(report.skipped),
            "rejected": len(report.rejected),
            "seconds": round(seconds, 3),
        }
        print(
            f"{path.name}: {report.created} values, {len(report.skipped)} skipped, "
            f"{len(report.rejected)} rejected, {seconds:.2f} s"
        )

    # 2. the 60-file delivery
    import pandas as pd

    folder = Path(tempfile.mkdtemp(prefix="opensdg-60-"))
    try:
        count, rows = delivery(folder, 5 if args.quick else 1)
        started = time.perf_counter()
        for path in sorted(folder.glob("indicator_*.csv")):
            pd.read_csv(path, dtype=str, keep_default_na=False)
        floor = time.perf_counter() - started
        reset()
        files = services.files_from_paths([str(folder)])
        started = time.perf_counter()
        services.values_import(
            files=files, default_territory="03", dry_run=True, record=False, compute=False
        )
        dry = time.perf_counter() - started
        started = time.perf_counter()
        report = services.values_import(files=files, default_territory="03", compute=False)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = services.values_import(files=files, default_territory="03", compute=False)
        repeat = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert report.applied and not report.rejected, report.rejected[:3]
    assert again.created == 0 and again.updated == 0
    print(
        f"{count}-file Open SDG delivery: {rows} rows, {report.created} values created, "
        f"{len(report.skipped)} rows skipped (derived comparisons); dry run {dry:.1f} s, "
        f"import {seconds:.1f} s ({report.created / seconds:,.0f} values/s), "
        f"again {repeat:.1f} s (all unchanged); pandas.read_csv alone {floor:.2f} s"
    )
    result["delivery"] = {
        "files": count,
        "rows": rows,
        "values": report.created,
        "skipped": len(report.skipped),
        "dry_run_seconds": round(dry, 2),
        "import_seconds": round(seconds, 2),
        "again_seconds": round(repeat, 2),
        "read_csv_seconds": round(floor, 3),
        "ratio_import_to_read_csv": round(seconds / floor, 1) if floor else None,
    }

    # 3. the register in a fresh database
    from django.db import transaction

    from monitoring.services.territories import territory_register_load

    edition = register.read_shipped()
    with transaction.atomic():
        Territory.objects.update(parent=None, successor=None)
        connection.cursor().execute(f"DELETE FROM {Territory._meta.db_table}")
        cleared = time.perf_counter()
        counts = territory_register_load(register=edition, population=False)
        load = time.perf_counter() - cleared
        transaction.set_rollback(True)
    scratch = f"sqlite:///{tempfile.gettempdir()}/real-files-migrate.db"
    if connection.vendor == "sqlite":
        Path(scratch.removeprefix("sqlite:///")).unlink(missing_ok=True)
        import subprocess

        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": scratch},
            check=True,
        )
        migrate = time.perf_counter() - started
    else:
        migrate = None
    print(
        f"register: {counts['created']} territories loaded in {load:.2f} s"
        + (f"; a full migrate of an empty database takes {migrate:.1f} s" if migrate else "")
    )
    result["register"] = {
        "territories": counts["created"],
        "load_seconds": round(load, 2),
        "migrate_seconds": round(migrate, 1) if migrate else None,
        "ratio_load_to_migrate": round(load / migrate, 2) if migrate else None,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
