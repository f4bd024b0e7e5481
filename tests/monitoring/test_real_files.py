"""Real files from the field: the territory register, GENESIS table exports, official periods,
derived comparison rows and the per-file report of a delivery of many files."""

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from monitoring import parsing, periods, register, services
from monitoring.models import ColumnMapping, ImportRun, Series, Territory, Value
from monitoring.services.territories import POPULATION_SERIES
from tests.monitoring import genesis_tables
from tests.monitoring.conftest import SAMPLES

OFFICIAL = Path("/work/shared/samples/official")
REGISTER = Path("/work/shared/samples/territories/gv-auszug.csv")


def numeric_cells(path: Path) -> int:
    """Cells of the data block that hold a number (what must arrive in the database)."""
    text = path.read_bytes().decode("latin-1")
    count = 0
    for line in text.split("\n__________")[0].splitlines():
        cells = line.split(";")
        if len(cells) < 3 or not cells[0].strip() and not cells[1].strip():
            continue
        for cell in cells[2:]:
            cleaned = cell.strip().replace(".", "").replace(",", "")
            if cleaned.isdigit() and not (len(cleaned) in (2, 3, 5, 8) and cell == cells[1]):
                count += 1
    return count


def import_files(paths, **kwargs):
    return services.values_import(
        files=services.files_from_paths([str(p) for p in paths]), **kwargs
    )


# --- every German territory -----------------------------------------------------------------


def test_the_register_is_in_every_database(db):
    levels = dict(
        Territory.objects.filter(historic=False)
        .values_list("level")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
    )
    assert levels["land"] == 16 and levels["kreis"] == 401 and levels["gemeinde"] == 11004
    guetersloh = Territory.objects.get(key="05754008")
    assert guetersloh.parent.key == "05754" and guetersloh.parent.parent.key == "057"
    assert guetersloh.parent.parent.parent.parent.key == "DG"
    assert Territory.objects.get(key="03241001").parent.key == "03241"
    aachen = Territory.objects.get(key="05354")
    assert aachen.historic and aachen.successor.key == "05334"


def test_load_territories_adds_the_population_series_and_is_idempotent(db, capsys):
    call_command("load_territories")
    series = Series.objects.get(code=POPULATION_SERIES)
    values = Value.objects.filter(series=series, cell="tg=|sex=|age=")
    assert values.get(territory__key="05754008").value == 100861  # Gütersloh, Stadt
    assert values.get(territory__key="05754").value == 364938  # the district: its municipalities
    assert values.get(territory__key="DG").value == 83166711
    female = Value.objects.get(series=series, territory__key="05754008", sex="f")
    assert female.value == 50731 and female.period.reference_date == date(2019, 12, 31)
    count = Value.objects.count()
    call_command("load_territories")
    assert Value.objects.count() == count
    assert "0 created, 0 updated" in capsys.readouterr().out.splitlines()[-1]


def _edition(tmp_path, *, drop: str, rename: tuple[str, str], add: str) -> Path:
    """A newer quarterly edition: one municipality merged away, one renamed, one new."""
    lines = REGISTER.read_text(encoding="utf-8-sig").splitlines()
    out = []
    for line in lines:
        cells = line.split(",")
        key = "".join(cells[2:5]) + (cells[6] if len(cells) > 6 else "")
        if line.startswith("60,") and key == drop:
            continue
        if line.startswith("60,") and key == rename[0]:
            line = line.replace('"Gütersloh, Stadt"', f'"{rename[1]}"')
        out.append(line)
    out.append(
        f"60,63,{add[:2]},{add[2]},{add[3:5]},0000,{add[5:]},"
        '"Neustadt am Test", 1.0, 1 000,,,,,,,,,,'
    )
    path = tmp_path / "AuszugGV1QAktuell.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_a_newer_edition_keeps_merged_keys_as_historic_with_successor(db, tmp_path):
    newer = _edition(
        tmp_path, drop="05754004", rename=("05754008", "Gütersloh, Große Stadt"), add="05754099"
    )
    changes = tmp_path / "changes.csv"
    changes.write_text("alter Schlüssel;neuer Schlüssel\n05754004;05754044\n", encoding="utf-8")
    call_command(
        "load_territories", str(newer), "--reference-date", "31.12.2024", "--changes", str(changes)
    )
    merged = Territory.objects.get(key="05754004")
    assert merged.historic and merged.successor.key == "05754044" and merged.name
    assert Territory.objects.get(key="05754008").name == "Gütersloh, Große Stadt"
    new = Territory.objects.get(key="05754099")
    assert new.parent.key == "05754" and not new.historic
    assert new.register_date == date(2024, 12, 31)
    # figures for the old key still import: nothing that older data uses is lost
    data = b"Jahr;AGS;Reihe;Wert\n2015;05754004;bevoelkerung;8.900\n"
    services.standard_indicators_load()
    report = services.values_import(files=[services.ImportFile("old.csv", data)], fmt="official")
    assert report.applied and report.created == 1


def test_a_register_of_one_land_leaves_the_others_alone(db, tmp_path):
    lines = REGISTER.read_text(encoding="utf-8-sig").splitlines()
    only_nrw = [lines[0]] + [line for line in lines[1:] if line.split(",")[2] == "05"]
    path = tmp_path / "nrw.csv"
    path.write_text("\n".join(only_nrw), encoding="utf-8")
    call_command("load_territories", str(path), "--no-population")
    assert (
        not Territory.objects.filter(key__startswith="03", historic=True)
        .exclude(key__in=["03152", "03156"])
        .exists()
    )


def test_destatis_xlsx_layout_with_the_date_in_its_title(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Gemeindeverzeichnis-Informationssystem GV-ISys"])
    sheet.append(["Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen"])
    sheet.append(["Gebietsstand: 31.03.2025 (1. Quartal); Bevölkerung am 31.12.2023"])
    sheet.append(["Satz-art", "Text-kenn-zeichen", "Land", "RB", "Kreis", "VB", "Gem", "Name"])
    sheet.append(["10", None, "05", None, None, None, None, "Nordrhein-Westfalen"])
    sheet.append(["20", None, "05", "7", None, None, None, "Reg.-Bez. Detmold"])
    sheet.append(["40", "43", "05", "7", "54", None, None, "Gütersloh"])
    sheet.append(
        [
            "60",
            "63",
            "05",
            "7",
            "54",
            "0008",
            "008",
            "Gütersloh, Stadt",
            112.02,
            102500,
            51000,
            51500,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    edition = register.read("AuszugGV1QAktuell.xlsx", buffer.getvalue())
    assert edition.reference_date == date(2023, 12, 31)
    assert [r.key for r in edition.records] == ["05", "057", "05754", "05754008"]
    counts = services.territory_register_load(register=edition)
    assert counts["values_created"] >= 3
    value = Value.objects.get(
        series__code=POPULATION_SERIES, territory__key="05754008", cell="tg=|sex=|age="
    )
    assert value.value == 102500 and value.period.code == "2023-12-31"
    assert Territory.objects.get(key="05754").name == "Gütersloh, Kreis"


def test_a_file_that_is_no_register_is_refused_clearly():
    with pytest.raises(register.RegisterError, match="no column satzart"):
        register.read("x.csv", b"a,b\n1,2\n")
    shipped = register.read("gv.csv.gz", gzip.compress(REGISTER.read_bytes()))
    assert len([r for r in shipped.records if r.level == "gemeinde"]) == 11004


def test_any_valid_key_imports_without_creating_territories(standard):
    data = b"Jahr;AGS;Reihe;Wert\n2023;09162000;bevoelkerung;1.512.491\n"
    report = services.values_import(files=[services.ImportFile("m.csv", data)], fmt="official")
    assert report.applied and report.created == 1
    assert Value.objects.get(series__code="bevoelkerung").territory.name.startswith("München")


# --- official tables as exported ------------------------------------------------------------


@pytest.mark.parametrize("name", ["12411-15i.csv", "22811-01i.csv"])
def test_the_shared_official_samples_import_every_numeric_cell(db, name):
    report = import_files([OFFICIAL / name])
    assert report.applied and report.rejected == []
    stored = Value.objects.filter(value__isnull=False).exclude(symbol__in=["-", "x"])
    assert stored.count() == numeric_cells(OFFICIAL / name)
    again = import_files([OFFICIAL / name])
    assert again.created == 0 and again.unchanged == report.created


def test_12411_values_units_and_reasons_for_skipped_rows(db):
    report = import_files([OFFICIAL / "12411-15i.csv"])
    assert report.created == 1299  # 444 rows × 3 columns, minus 11 historic rows of "-"
    population = Series.objects.get(
        code="12411-15i-bevoelkerungsstand-basis-zensus-2022-und-frueher"
    )
    assert population.unit == "Anzahl" and population.additive
    assert "Fortschreibung des Bevölkerungsstandes" in population.source
    density = Series.objects.get(code="12411-15i-bevoelkerungsdichte")
    assert density.unit == "EW pro qkm" and not density.additive
    value = Value.objects.get(series=population, territory__key="05754")
    assert value.period.reference_date == date(2024, 12, 31)
    area = Value.objects.get(series__code__contains="bodenflaeche", territory__key="05754")
    assert area.value == pytest.approx(968.38, abs=1000)  # decimal comma read as such
    groups = report.files[0]["skipped_groups"]
    assert groups[0]["count"] == 33 and "historic" in groups[0]["code"]
    run = ImportRun.objects.get(pk=report.runs[0])
    assert len(run.skipped) == 33 and run.status == "applied"


def test_22811_the_pseudo_territory_without_figure_is_skipped(db):
    report = import_files([OFFICIAL / "22811-01i.csv"])
    assert report.applied
    assert [s["row"] for s in report.skipped] == [441]
    assert "05999998" in report.skipped[0]["reason"]
    rate = Value.objects.get(territory__key="05754", period__code="2023")
    assert rate.value == pytest.approx(7.3, abs=20) and rate.series.unit == "Prozent"


@pytest.mark.parametrize("encoding", ["iso-8859-1", "cp1252", "utf-8", "utf-8-sig"])
def test_table_with_sex_and_nationality_breakdowns_in_any_encoding(standard, encoding):
    text = genesis_tables.foreigners_by_sex_and_nationality()
    file = services.ImportFile("12521-03i.csv", text.encode(encoding))
    report = services.values_import(files=[file])
    assert report.applied and report.rejected == []
    assert report.created == 36
    women_eu = Value.objects.get(
        territory__key="05754", sex="f", dimensions={"Nationalität": "EU-Staaten"}
    )
    assert women_eu.value == 9100 and women_eu.period.reference_date == date(2023, 12, 31)
    secret = Value.objects.get(
        territory__key="05754004", sex="f", dimensions__Nationalität="EU-Staaten"
    )
    assert secret.suppressed and secret.value is None and secret.symbol == "."
    nothing = Value.objects.get(
        territory__key="05754012", sex="m", dimensions__Nationalität="EU-Staaten"
    )
    assert nothing.value == 0 and nothing.symbol == "-"
    total = Value.objects.get(territory__key="05", sex="", dimensions__Nationalität="Drittstaaten")
    assert total.value == 1350456


def test_table_with_age_groups_in_rows_years_across_and_a_derived_column(standard):
    file = services.ImportFile("13211.csv", genesis_tables.unemployed_by_age_in_rows().encode())
    report = services.values_import(files=[file])
    assert report.applied and report.created == 8
    assert report.skipped and "Veränderung gegenüber Vorjahr" in report.skipped[0]["reason"]
    young = Value.objects.get(age_group="unter 25 Jahre", period__code="2023")
    assert young.value == 862
    assert Value.objects.get(age_group="", period__code="2022").value == 8012


def test_mapping_is_stored_per_table_code_and_used_for_next_years_file(standard):
    text = genesis_tables.foreigners_by_sex_and_nationality()
    label = "Ausländerstatistik – Ausländer"
    mapping = {
        label: {"role": "series", "values": {"series": "auslaender"}},
        "Nationalität": {"role": "named", "values": {}},
    }
    first = services.ImportFile("12521-03i_2023.csv", text.encode())
    report = services.values_import(files=[first], mappings={first.name: mapping})
    assert report.applied
    assert ColumnMapping.objects.filter(source="table:12521-03i", column=label).exists()
    assert Value.objects.filter(series__code="auslaender").count() == 36
    assert not Series.objects.filter(code="12521-03i-auslaender").exists()
    # next year's download, another file name: the stored mapping applies by itself
    newer = services.ImportFile(
        "download(3).csv", text.replace("31.12.2023", "31.12.2024").encode()
    )
    report = services.values_import(files=[newer])
    assert report.applied and report.created == 36
    assert Value.objects.filter(series__code="auslaender", period__year=2024).count() == 36


def test_xlsx_export_in_the_same_layout(standard):
    book = Workbook()
    sheet = book.active
    for line in genesis_tables.unemployed_by_age_in_rows().split("\n__________")[0].splitlines():
        cells = line.split(";")
        sheet.append(
            [
                float(c.replace(".", "").replace(",", "."))
                if c.replace(".", "").replace(",", "").isdigit()
                and len(c) > 3
                and ";" not in c
                and not c.startswith("0")
                else c
                for c in cells
            ]
        )
    sheet.append(["__________"])
    sheet.append(["© IT.NRW"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.values_import(files=[services.ImportFile("13211.xlsx", buffer.getvalue())])
    assert report.applied and report.created == 8
    assert Value.objects.get(age_group="", period__code="2023").value == 8431


def test_a_table_without_any_period_is_refused_with_the_reason(standard):
    text = "Tabelle: 99999-01i\nEin Titel;;\n;;Anzahl\n05754;Gütersloh;12\n"
    report = services.values_import(files=[services.ImportFile("t.csv", text.encode())])
    assert not report.applied
    assert "No reference date or year" in report.rejected[0]["code"]


# --- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code,year,ref",
    [
        ("31.12.2023", "2023-12-31", 2023, date(2023, 12, 31)),
        ("30.06.2024", "2024-06-30", 2024, date(2024, 6, 30)),
        ("Juni 2007", "2007-06-30", 2007, date(2007, 6, 30)),
        ("Stichtag 31.12.2023", "2023-12-31", 2023, date(2023, 12, 31)),
        ("06/2021", "2021-06-30", 2021, date(2021, 6, 30)),
        ("Schuljahr 2023/24", "2023/24", 2023, None),
        ("2023/2024", "2023/24", 2023, None),
        ("WS 2019/20", "WS2019/20", 2019, None),
        ("Wintersemester 2019/2020", "WS2019/20", 2019, None),
        ("SoSe 2020", "SS2020", 2020, None),
        ("2023 Q1", "2023-Q1", 2023, date(2023, 3, 31)),
        ("Q4/2022", "2022-Q4", 2022, date(2022, 12, 31)),
        ("3. Quartal 2021", "2021-Q3", 2021, date(2021, 9, 30)),
        ("2. Halbjahr 2020", "2020-H2", 2020, date(2020, 12, 31)),
    ],
)
def test_official_periods(text, code, year, ref):
    assert periods.parse_period(text) == (code, year, ref, text)


@pytest.mark.parametrize(
    "text",
    [
        "2024 / 2005",
        "Veränderung aktuelles Jahr (2024) zu 2005",
        "Veränderung zum Vorjahr",
        "Veränderung gegenüber Vorjahr in %",
        "2023/24 / 2022/23",
        "2024 zu 2005",
    ],
)
def test_derived_comparisons_are_recognised(text):
    assert periods.parse_period(text) is None and periods.derived_period(text)


@pytest.mark.parametrize("text", ["2023/24", "WS 2019/20", "2024", "Sommer 2020", ""])
def test_periods_are_no_derived_comparisons(text):
    assert not periods.derived_period(text)


def test_open_sdg_school_years_and_derived_rows_never_fail_the_file(standard):
    rows = [
        "Year,GeoCode,Value",
        "WS 2019/20,K03101,120",
        "WS 2020/21,K03101,130",
        "Schuljahr 2023/24,K03101,140",
        "2024 / 2005,K03101,1.2",
        '"Veränderung aktuelles Jahr (2024) zu 2005",K03101,0.8',
    ]
    file = services.ImportFile("indicator_9-9-9.csv", ("\n".join(rows) + "\n").encode())
    report = services.values_import(files=[file])
    assert report.applied and report.created == 3 and report.rejected == []
    assert [s["row"] for s in report.skipped] == [5, 6]
    assert all("derived comparison" in s["code"] for s in report.skipped)
    assert set(Value.objects.values_list("period__code", flat=True)) == {
        "WS2019/20",
        "WS2020/21",
        "2023/24",
    }


# --- Open SDG samples and the report of a large delivery ------------------------------------


def test_open_sdg_samples_import_without_creating_territories(standard):
    report = import_files([SAMPLES], default_territory="03")
    assert report.applied and report.rejected == []
    assert report.created == 19655 + 645 + 3120 + 227
    assert Value.objects.filter(territory__key="03").exists()  # "Niedersachsen" without key
    assert Value.objects.filter(territory__key="03241999").exists()  # "dav. Hannover, Umland"
    assert all(f["would_import"] for f in report.files)


def _broken_delivery(tmp_path) -> Path:
    folder = tmp_path / "delivery"
    folder.mkdir()
    good = "Year,GeoCode,Value\n2023,K03101,1\n2024,K03101,2\n"
    (folder / "indicator_1-1-1.csv").write_text(good, encoding="utf-8")
    bad = ["Year,GeoCode,Value"] + [f"2023,K0{90000 + i},{i}" for i in range(12)]
    bad += ["letztes Jahr,K03101,1", "2022,K03101,viel", "2021,K03101,3"]
    (folder / "indicator_1-1-2.csv").write_text("\n".join(bad) + "\n", encoding="utf-8")
    return folder


def test_rejections_are_grouped_per_file_with_counts_and_first_rows(standard, tmp_path):
    with translation.override("en"):
        report = import_files([_broken_delivery(tmp_path)])
    assert not report.applied and Value.objects.count() == 0
    summary = {f["file"]: f for f in report.files}
    assert summary["indicator_1-1-1.csv"]["would_import"]
    assert report.files_that_would_import == ["indicator_1-1-1.csv"]
    groups = summary["indicator_1-1-2.csv"]["rejected_groups"]
    assert [(g["count"], g["reason"]) for g in groups] == [
        (12, "unknown territory key '…'"),
        (1, "period not understood: '…'"),
        (1, "not a number: '…'"),
    ] or sorted(g["count"] for g in groups) == [1, 1, 12]
    territory = next(g for g in groups if g["count"] == 12)
    assert [e["row"] for e in territory["examples"]] == [2, 3, 4, 5, 6]


def test_messages_are_in_the_users_language(standard, tmp_path):
    with translation.override("de"):
        report = import_files([_broken_delivery(tmp_path)])
    reasons = {r["reason"] for r in report.rejected}
    assert "unbekannter Gebietsschlüssel '0990000'" in reasons or any(
        "unbekannter Gebietsschlüssel" in r for r in reasons
    )


def test_skip_invalid_keeps_its_meaning(standard, tmp_path):
    report = import_files([_broken_delivery(tmp_path)], skip_invalid=True)
    assert report.applied and report.created == 3 and len(report.rejected) == 14
    assert Value.objects.count() == 3


def test_the_command_names_the_files_that_would_import_alone(standard, tmp_path, capsys):
    with pytest.raises(SystemExit):
        call_command("import_monitoring", str(_broken_delivery(tmp_path)), "--dry-run")
    out, err = capsys.readouterr()
    assert "indicator_1-1-1.csv" in out.splitlines()[-1]
    assert "12×" in err
    with pytest.raises(SystemExit):
        call_command(
            "import_monitoring",
            str(_broken_delivery(tmp_path / "x") if (tmp_path / "x").mkdir() is None else ""),
            "--json",
        )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [f["would_import"] for f in result["files"]] == [True, False]


def test_parser_reasons_carry_what_translation_needs():
    parsed = parsing.parse_opensdg(b"Year,Value\n2023,acht\n", name="indicator_1.csv")
    assert parsed.rejected == [
        {
            "row": 2,
            "reason": "not a number: 'acht'",
            "code": "not a number: '%(value)s'",
            "params": {"value": "acht"},
        }
    ]


def test_the_upload_page_imports_a_genesis_export_as_downloaded(client, mprocess, member):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.monitoring.conftest import initial_post

    client.force_login(member("staff"))
    data = (OFFICIAL / "22811-01i.csv").read_bytes()
    uploaded = client.post(
        reverse("monitoring:imports", args=[mprocess.pk]),
        {"file": SimpleUploadedFile("22811-01i.csv", data), "format": "auto"},
    )
    check = client.get(uploaded["Location"])
    assert not ImportRun.objects.exists()
    response = client.post(uploaded["Location"], initial_post(check.context["form"]))
    run = ImportRun.objects.get()
    assert response.status_code == 302, response.content.decode()[:1500]
    # The table lists every county of NRW: staff write their own county and its
    # municipalities; every other row is skipped with its reason, nothing else is written.
    written = set(Value.objects.values_list("territory__key", flat=True))
    assert run.status == "applied" and 0 < run.created < 433
    assert written and all(key.startswith(mprocess.territory_key) for key in written)
    outside = [s for s in run.skipped if "may write" in s["reason"] or "schreiben" in s["reason"]]
    assert len(outside) == 433 - run.created and len(run.skipped) == 1 + len(outside)
    assert run.format == "official"
