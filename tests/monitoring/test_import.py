"""Imports: every format, every kind of bad input, idempotency, history, the CLI."""

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from openpyxl import Workbook

from monitoring import services
from monitoring.models import (
    ColumnMapping,
    ImportRun,
    Indicator,
    IndicatorValue,
    Period,
    Series,
    Territory,
    Value,
    ValueHistory,
)
from tests.monitoring.conftest import SAMPLES, official, run_import

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english():
    """These tests read the English messages; tests/monitoring/test_real_files.py the German."""
    with translation.override("en"):
        yield


def plain(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k in ("file", "row", "reason")} for item in items]


def test_official_table_is_imported_and_computed(mprocess, django_capture_on_commit_callbacks):
    data = official(
        [
            "2023;05754;;arbeitslose;8.012",
            "2023;05754;;erwerbspersonen;173.883",
            "2023;05754;immigrants;arbeitslose;4.919",
            "2023;05754;immigrants;erwerbspersonen;46.425",
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(data, process=mprocess)
    assert report.applied and report.rejected == []
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    value = Value.objects.get(series__code="arbeitslose", target_group__code="immigrants")
    assert value.value == 4919 and value.territory.key == "05754"
    assert value.period.year == 2023
    run = ImportRun.objects.get(pk=report.runs[0])
    assert run.status == "applied" and run.process == mprocess and run.computed_at
    rate = IndicatorValue.objects.get(
        indicator__code="W2", territory__key="05754", year=2023, target_group__isnull=True
    )
    assert rate.value == pytest.approx(8012 / 173883 * 100)


def test_same_file_twice_changes_nothing_and_newer_delivery_keeps_history(mprocess):
    data = official(["2023;05754;;arbeitslose;8.012", "2023;05754;;erwerbspersonen;173.883"])
    run_import(data)
    again = run_import(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Value.objects.count() == 2 and ValueHistory.objects.count() == 0
    newer = official(["2023;05754;;arbeitslose;8.100 p", "2023;05754;;erwerbspersonen;173.883"])
    report = run_import(newer)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    value = Value.objects.get(series__code="arbeitslose")
    assert value.value == 8100 and value.provisional
    history = ValueHistory.objects.get(value=value)
    assert history.old_value == 8012 and history.old_flags["provisional"] is False
    assert history.replaced_by_id == report.runs[0]


@pytest.mark.parametrize(
    "rows,reason",
    [
        (["2023;05754;;arbeitslose;acht"], "not a number: 'acht'"),
        (["2023;99999;;arbeitslose;8"], "unknown territory key '99999'"),
        (["2023;05754;;arbeitslose;8", "2023;05754;;arbeitslose;9"], "duplicate of row 3"),
        (["2023;05754;;gibtsnicht;8"], "unknown series 'gibtsnicht'"),
        (["letztes Jahr;05754;;arbeitslose;8"], "period not understood"),
    ],
)
def test_bad_rows_write_nothing(mprocess, rows, reason):
    data = official(["2023;05754;;erwerbspersonen;173.883", *rows])
    report = run_import(data, process=mprocess)
    assert not report.applied
    assert any(reason in r["reason"] for r in report.rejected), report.rejected
    assert all(r["row"] >= 2 for r in report.rejected)
    assert Value.objects.count() == 0 and IndicatorValue.objects.count() == 0
    run = ImportRun.objects.get(pk=report.runs[0])
    assert run.status == "rejected" and run.rejected == report.rejected


def test_skipping_invalid_rows_is_explicit(mprocess):
    data = official(["2023;05754;;erwerbspersonen;173.883", "2023;05754;;arbeitslose;acht"])
    report = run_import(data, skip_invalid=True)
    assert report.applied and report.created == 1 and len(report.rejected) == 1
    assert Value.objects.count() == 1


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"Jahr;AGS;Zielgruppe;Reihe;Wert\n", "no data rows"),
        (b"Jahr;Gebiet;Reihe;Wert\n2023;Kreis;arbeitslose;8\n", "territory key"),
        (b"Jahr;AGS;Irgendwas\n2023;05754;8\n", "No value column"),
        (b"Kreis;Wert\nA;1\n", "No header row"),
    ],
)
def test_file_errors(mprocess, data, reason):
    report = run_import(data)
    assert not report.applied
    assert report.rejected[0]["row"] == 0 and reason in report.rejected[0]["reason"]


def test_opensdg_wrong_column(standard):
    data = b"Jahr,GeoCode,Value\n2020,K03101,5\n"
    report = services.values_import(
        files=[services.ImportFile(name="indicator_9-9-9.csv", data=data)], fmt="opensdg"
    )
    assert "Missing column(s) Year" in report.rejected[0]["reason"]
    assert not Series.objects.filter(code="opensdg-9-9-9").exists()


def test_all_open_sdg_samples_import_as_they_are(lower_saxony, tmp_path):
    files = services.files_from_paths([SAMPLES])
    assert {f.name for f in files} == {
        "indicator_1-2-3.csv",
        "indicator_1-3-4.csv",
        "indicator_4-1-4.csv",
        "indicator_5-3-2.csv",
    }
    report = services.values_import(files=files, default_territory="03", create_territories=True)
    assert report.rejected == [] and report.applied
    assert report.created == Value.objects.count() == 19655 + 645 + 3120 + 227
    # metadata came with the data: indicators were created from it
    indicator = Indicator.objects.get(code="1.2.3")
    assert "Ausländerinnen" in indicator.definition
    assert indicator.source == "Ausländerzentralregister"
    assert Indicator.objects.filter(code__startswith="4.1.4").count() == 2
    # named dimensions are kept, "Juni 2007" became a reference date
    value = Value.objects.filter(series__code="opensdg-1-2-3").exclude(dimensions={}).first()
    assert "Aufenthaltsdauer in Jahren" in value.dimensions
    assert Period.objects.get(code="2007-06-30").label == "Juni 2007"
    assert Territory.objects.get(key="03241001").parent.key == "03241"
    again = services.values_import(files=files, default_territory="03", create_territories=True)
    assert again.created == 0 and again.updated == 0 and again.unchanged == report.created


def test_open_sdg_unknown_territory_without_permission_to_create(lower_saxony):
    files = [f for f in services.files_from_paths([SAMPLES]) if f.name == "indicator_4-1-4.csv"]
    # a key the register does not know (every real key is known now)
    files[0].data = files[0].data.replace(b"K03241001", b"K03241777")
    report = services.values_import(files=files, default_territory="03")
    assert not report.applied
    assert any("unknown territory key '03241777'" in r["reason"] for r in report.rejected)
    assert Value.objects.count() == 0


def test_open_sdg_mapping_is_confirmed_stored_and_reused(lower_saxony):
    from participation.models import TargetGroup

    immigrants = TargetGroup.objects.get(code="immigrants")
    data = open(f"{SAMPLES}/indicator_4-1-4.csv", "rb").read()
    mapping = {
        "Gebietseinheit": {"role": "territory_name", "values": {}},
        "Nationalität": {
            "role": "target_group",
            "values": {"Ausländerinnen und Ausländer": "immigrants"},
        },
    }
    file = services.ImportFile(name="indicator_4-1-4.csv", data=data)
    report = services.values_import(
        files=[file],
        fmt="opensdg",
        mappings={file.name: mapping},
        default_territory="03",
        create_territories=True,
    )
    assert report.applied
    assert ColumnMapping.objects.get(source="opensdg:4-1-4", column="Nationalität").values
    mapped = Value.objects.filter(target_group=immigrants)
    assert mapped.exists() and not mapped.exclude(dimensions={}).exists()
    # "Deutsche" is not a target group: kept as a named breakdown
    assert Value.objects.filter(dimensions__Nationalität="Deutsche").exists()
    # next year: the stored mapping applies without being given again
    again = services.values_import(
        files=[file], fmt="opensdg", default_territory="03", create_territories=True
    )
    assert again.unchanged == report.created


def test_xlsx(mprocess):
    book = Workbook()
    sheet = book.active
    sheet.append(["Arbeitsmarkt im Kreis (Demo)"])
    sheet.append([])
    sheet.append(["Jahr", "AGS", "Gebiet", "arbeitslose", "erwerbspersonen"])
    sheet.append([2023, "05754", "Kreis Gütersloh", 8012, 173883.0])
    sheet.append([2024, "05754", "Kreis Gütersloh", "7.576", "."])
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.values_import(
        files=[services.ImportFile(name="arbeit.xlsx", data=buffer.getvalue())]
    )
    assert report.rejected == [] and report.created == 4
    assert Value.objects.get(series__code="arbeitslose", period__year=2024).value == 7576
    secret = Value.objects.get(series__code="erwerbspersonen", period__year=2024)
    assert secret.value is None and secret.suppressed and secret.symbol == "."


def test_xlsx_text_in_number_column(mprocess):
    book = Workbook()
    book.active.append(["Jahr", "AGS", "arbeitslose"])
    book.active.append([2023, "05754", "viele"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.values_import(
        files=[services.ImportFile(name="x.xlsx", data=buffer.getvalue())]
    )
    assert plain(report.rejected) == [
        {"file": "x.xlsx", "row": 2, "reason": "not a number: 'viele'"}
    ]
    broken = services.values_import(files=[services.ImportFile(name="y.xlsx", data=b"PK no")])
    assert "cannot be opened" in broken.rejected[0]["reason"]


def test_one_bad_file_rejects_the_whole_delivery(mprocess):
    good = services.ImportFile(
        name="a.csv",
        data=official(["2023;05754;;arbeitslose;1"], header="Jahr;AGS;Gebiet;Reihe;Wert"),
    )
    bad = services.ImportFile(name="b.csv", data=b"")
    report = services.values_import(files=[good, bad], fmt="official")
    assert not report.applied and Value.objects.count() == 0
    assert plain(report.rejected) == [{"file": "b.csv", "row": 0, "reason": "The file is empty."}]


def _big_file(path: Path, target_bytes: int) -> int:
    keys = ["05754"] + [f"0575400{i}" for i in (4, 8)] + [f"057540{i}" for i in range(12, 53, 4)]
    series = ["arbeitslose", "erwerbspersonen", "bevoelkerung", "auslaender", "svb"]
    rows = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Jahr;AGS;Geschlecht;Altersgruppe;Bezirk;Reihe;Wert\n")
        written = 0
        n = 0
        while written < target_bytes:
            line = (
                f"{2000 + n % 25};{keys[n % len(keys)]};{('weiblich', 'männlich')[n % 2]};"
                f"{n % 90} Jahre;Bezirk {n // 1000};{series[n % 5]};{n % 10000:,}\n".replace(
                    ",", "."
                )
            )
            handle.write(line)
            written += len(line.encode("utf-8"))
            n += 1
            rows += 1
    return rows


def test_a_50_mb_file(mprocess, tmp_path):
    path = tmp_path / "big.csv"
    rows = _big_file(path, 50 * 1024 * 1024)
    assert path.stat().st_size >= 50 * 1024 * 1024
    file = services.ImportFile(name="big.csv", data=path.read_bytes())
    checked = services.values_import(files=[file], fmt="official", dry_run=True)
    assert checked.rejected == [] and checked.created == checked.rows_read == rows
    assert Value.objects.count() == 0
    # one bad row at the very end: rejected with its line number, nothing written
    with path.open("a", encoding="utf-8") as handle:
        handle.write("2024;05754;weiblich;1 Jahre;x;arbeitslose;kaputt\n")
    bad = services.values_import(
        files=[services.ImportFile(name="big.csv", data=path.read_bytes())], fmt="official"
    )
    assert plain(bad.rejected) == [
        {"file": "big.csv", "row": rows + 2, "reason": "not a number: 'kaputt'"}
    ]
    assert Value.objects.count() == 0
    if connection.vendor == "postgresql":
        report = services.values_import(files=[file], fmt="official", compute=False)
        assert report.created == rows == Value.objects.count()


# --- the command line ----------------------------------------------------------------------


def test_cli_json_and_exit_codes(mprocess, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(
        official(["2023;05754;;arbeitslose;8.012"], header="Jahr;AGS;Gebiet;Reihe;Wert")
    )
    call_command("import_monitoring", str(good), "--json", "--format", "official")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["created"] == 1 and result["rejected"] == []
    call_command("import_monitoring", str(good), "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["created"], result["unchanged"]) == (0, 1)

    bad = tmp_path / "bad.csv"
    bad.write_bytes(official(["2023;05754;;arbeitslose;acht"], header="Jahr;AGS;Gebiet;Reihe;Wert"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_monitoring", str(bad), "--json")
    assert exit_info.value.code == 1
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert plain(result["rejected"]) == [
        {"file": "bad.csv", "row": 2, "reason": "not a number: 'acht'"}
    ]


def test_cli_dry_run_writes_nothing(mprocess, tmp_path, capsys):
    territories = Territory.objects.count()
    folder = tmp_path / "delivery"
    shutil.copytree(SAMPLES, folder)
    call_command(
        "import_monitoring",
        str(folder),
        "--dry-run",
        "--json",
        "--territory",
        "03",
        "--create-territories",
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["created"] == 19655 + 645 + 3120 + 227 and result["dry_run"]
    assert Value.objects.count() == 0 and ImportRun.objects.count() == 0
    assert Territory.objects.count() == territories


def test_cli_runs_as_a_process(tmp_path):
    """The real entry point: exit status 1 and JSON on the last line when rows are rejected."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    database = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_monitoring", str(empty), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    last = json.loads(result.stdout.strip().splitlines()[-1])
    # the command speaks the site's language (German by default)
    assert last["rejected"][0]["reason"] == "Die Datei ist leer."
    assert set(last) >= {"created", "updated", "unchanged", "rejected"}


def test_standard_set_command_is_idempotent(db, capsys):
    call_command("load_monitoring_standard")
    count = Indicator.objects.count()
    assert count >= 30
    assert set(Indicator.objects.values_list("area__code", flat=True)) == {
        "demography",
        "education",
        "work",
        "language",
        "housing",
        "health",
    }
    call_command("load_monitoring_standard")
    assert Indicator.objects.count() == count
