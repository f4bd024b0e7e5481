"""Import of measure lists (mapping, dry run per row, all or nothing) and the export."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from measures.models import Measure, MeasureImport
from measures.services import imports

HEADER = "Nr;Maßnahme;Handlungsfeld;Zielgruppen;Federführung;Beginn;Ende;Kosten;Priorität;Status"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


GOOD = csv(
    "1;Sprachcafé;Sprache;Schutzsuchende aus der Ukraine;VHS Gütersloh;01.02.2026;31.12.2027;"
    "12.500,00;hoch;beschlossen",
    "2;Lernpaten;education;;;2026-03-01;;;mittel;",
)


def upload(staff, proc, data, name="liste.csv"):
    return imports.measure_import_upload(user=staff, process=proc, name=name, data=data)


def check(staff, job, mapping=None):
    return imports.measure_import_check(user=staff, job=job, mapping=mapping or job.mapping)


def test_mapping_is_guessed_and_good_file_imports(proc, staff, org):
    job = upload(staff, proc, GOOD)
    assert job.mapping["Maßnahme"] == "title" and job.mapping["Federführung"] == "lead_organisation"
    job = check(staff, job)
    assert imports.import_errors(job) == 0 and Measure.objects.count() == 0  # dry run
    imports.measure_import_apply(user=staff, job=job)
    first, second = Measure.objects.order_by("number")
    assert (first.title, first.status, first.priority) == ("Sprachcafé", "adopted", "high")
    assert str(first.cost_estimate) == "12500.00" and first.lead_organisation == org
    assert list(first.target_groups.values_list("code", flat=True)) == ["ukraine"]
    assert second.field_of_action.code == "education" and second.start_date.month == 3
    assert first.decisions.get().reason.startswith("Imported") or "Importiert" in (
        first.decisions.get().reason
    )
    assert MeasureImport.objects.get().status == "applied"


def test_xlsx_import(proc, staff, org):
    wb = Workbook()
    ws = wb.active
    ws.append(["Titel", "Handlungsfeld", "Fortschritt"])
    ws.append(["Wohnraumbörse", "Wohnen", 30])
    buffer = io.BytesIO()
    wb.save(buffer)
    job = check(staff, upload(staff, proc, buffer.getvalue(), name="liste.xlsx"))
    imports.measure_import_apply(user=staff, job=job)
    assert Measure.objects.get().progress == 30


def test_empty_file_refused(proc, staff):
    for data in (b"", b"   \n", HEADER.encode()):
        with pytest.raises(ValidationError) as error:
            upload(staff, proc, data)
        assert "file" in error.value.message_dict
    assert not MeasureImport.objects.exists()


def test_wrong_file_type_refused(proc, staff):
    with pytest.raises(ValidationError):
        upload(staff, proc, b"%PDF", name="liste.pdf")


def test_wrong_columns_need_a_mapping(proc, staff):
    job = upload(staff, proc, csv("a;b", header="Spalte A;Spalte B"))
    assert job.mapping == {}
    with pytest.raises(ValidationError) as error:
        check(staff, job)
    assert "mapping" in error.value.message_dict
    job = check(staff, job, {"Spalte A": "title", "Spalte B": "field_of_action"})
    assert imports.import_errors(job) == 1
    assert "field of action" in str(job.report[0]["errors"]).lower() or "Handlungsfeld" in str(
        job.report[0]["errors"]
    )


def test_each_field_mapped_once(proc, staff):
    job = upload(staff, proc, GOOD)
    with pytest.raises(ValidationError):
        check(staff, job, {"Maßnahme": "title", "Nr": "title", "Handlungsfeld": "field_of_action"})


def test_bad_rows_reject_the_whole_file_with_a_report_per_row(proc, staff, org):
    data = csv(
        "1;Gut;Sprache;;VHS Gütersloh;;;;;",
        "2;Unbekannter Träger;Sprache;;Verein Gibtsnicht e.V.;;;;;",
        "3;Gut;Sprache;;;;;;;",
        "4;Kosten falsch;Sprache;;;;;viel Geld;;",
        "5;Datum falsch;Sprache;;;morgen;;;;",
        "6;Zielgruppe falsch;Sprache;Marsianer;;;;;;",
    )
    job = check(staff, upload(staff, proc, data))
    report = {r["row"]: " ".join(r["errors"]) for r in job.report}
    assert report[2] == ""
    assert "Verein Gibtsnicht" in report[3]
    assert "row 2" in report[4] or "Zeile 2" in report[4]  # duplicate title
    assert "viel Geld" in report[5]
    assert "morgen" in report[6]
    assert "Marsianer" in report[7]
    with pytest.raises(ValidationError):
        imports.measure_import_apply(user=staff, job=job)
    assert Measure.objects.count() == 0
    assert MeasureImport.objects.get().status == "rejected"


def test_duplicate_of_existing_measure_and_number(proc, staff, make_measure):
    make_measure(title="Sprachcafé")
    job = check(staff, upload(staff, proc, csv("1;Sprachcafé;Sprache;;;;;;;")))
    errors = " ".join(job.report[0]["errors"])
    assert "exists" in errors or "gibt es" in errors
    assert imports.import_errors(job) == 1


def test_import_refused_for_facilitators_and_other_process(proc, facilitator, other_staff):
    for user in (facilitator, other_staff):
        with pytest.raises(PermissionDenied):
            upload(user, proc, GOOD)


def test_export_round_trip(proc, staff, org):
    job = check(staff, upload(staff, proc, GOOD))
    imports.measure_import_apply(user=staff, job=job)
    header, rows = imports.export_rows(Measure.objects.filter(process=proc))
    assert header[:2] == ["Nummer", "Titel"] and rows[0][0] == "M-001"
    from core.spreadsheets import xlsx_bytes

    wb = load_workbook(io.BytesIO(xlsx_bytes(header, rows)))
    values = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert values[1][1] == "Sprachcafé" and values[1][12] == "beschlossen"


def test_export_neutralises_formulas(proc, staff, make_measure):
    from core.spreadsheets import csv_bytes

    make_measure(title='=HYPERLINK("http://evil")')
    header, rows = imports.export_rows(Measure.objects.filter(process=proc))
    assert "'=HYPERLINK" in csv_bytes(header, rows).decode("utf-8-sig")


def test_abandoned_uploads_are_removed_on_schedule(proc, staff, settings):
    from datetime import timedelta

    from django.utils import timezone

    from measures import tasks

    fresh = upload(staff, proc, GOOD)
    old = upload(staff, proc, GOOD, name="alt.csv")
    MeasureImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    applied = upload(staff, proc, GOOD, name="fertig.csv")
    MeasureImport.objects.filter(pk=applied.pk).update(
        status=MeasureImport.Status.APPLIED, created_at=timezone.now() - timedelta(days=2)
    )
    assert "measures.delete_abandoned_imports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert tasks.delete_abandoned_imports() == 1
    assert set(MeasureImport.objects.values_list("pk", flat=True)) == {fresh.pk, applied.pk}
