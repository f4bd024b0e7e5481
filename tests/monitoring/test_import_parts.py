"""Large official tables are read and written in parts: the same result as a whole file."""

import pytest
from django.utils import translation

from monitoring import parsing
from monitoring.models import ImportRun, Value
from tests.monitoring.conftest import run_import

PREAMBLE = "Arbeitsmarkt;;;;\nKreis Gütersloh, Gemeinden;;;;\n;;;;\n"
FOOTER = "\n_____\n© IT.NRW, Düsseldorf, 2024\nZeichenerklärung: . = geheim\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(parsing, "PART_BYTES", 2000)


def table(rows: list[str]) -> bytes:
    body = "\n".join(["Jahr;AGS;Zielgruppe;Reihe;Wert", *rows])
    return (PREAMBLE + body + FOOTER).encode("utf-8")


def rows_for(years) -> list[str]:
    return [
        f"{year};05754;{tg};{series};{1000 + year + n}"
        for year in years
        for n, tg in enumerate(["", "immigrants"])
        for series in ("arbeitslose", "erwerbspersonen")
    ]


def test_a_large_table_in_parts_gives_what_the_whole_file_gives(mprocess, small_parts):
    data = table(rows_for(range(1950, 2100)))
    parts = list(parsing.official_parts(data))
    assert len(parts) > 10
    # every part after the first starts with the header line
    assert all(part.startswith(b"Jahr;AGS") for part, _shift in parts[1:])
    report = run_import(data, compute=False)
    assert report.applied and report.rejected == [] and report.skipped == []
    assert report.rows_read == report.created == 600 == Value.objects.count()
    run = ImportRun.objects.get(pk=report.runs[0])
    assert (run.rows_read, run.created) == (600, 600)
    # the same file again: nothing changes
    again = run_import(data, compute=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 600)


def test_a_bad_row_in_a_late_part_writes_nothing_and_names_its_line(mprocess, small_parts):
    rows = rows_for(range(1950, 2100))
    rows[550] = "2087;05754;;arbeitslose;kaputt"
    report = run_import(table(rows), compute=False)
    assert not report.applied
    # 3 title lines, the header, then data: row 551 of the data is line 555 of the file
    assert [(r["row"], r["reason"]) for r in report.rejected] == [(555, "not a number: 'kaputt'")]
    assert Value.objects.count() == 0


def test_a_cell_repeated_in_a_later_part_is_a_duplicate(mprocess, small_parts):
    rows = rows_for(range(1950, 2100))
    rows.append(rows[0])
    report = run_import(table(rows), compute=False)
    assert [(r["row"], r["reason"]) for r in report.rejected] == [(605, "duplicate of row 5")]
    assert Value.objects.count() == 0
    skipped = run_import(table(rows), compute=False, skip_invalid=True)
    assert skipped.applied and skipped.created == 600 == Value.objects.count()
