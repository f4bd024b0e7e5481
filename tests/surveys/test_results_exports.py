"""Exports: each file is read back and compared with the responses that went in."""

import csv
import io
import re
import uuid

import pytest
from django.urls import reverse

from surveys.results import exports
from surveys.results.models import ExportJob
from surveys.results.services import export_job_create
from surveys.services.responses import response_submit
from tests.factories import ProcessFactory

ROWS = [
    {
        "lang": "de",
        "topics": ["work", "school"],
        "resident": "yes",
        "satisfaction": 4,
        "grid": {"r1": "good"},
        "rank": ["b", "a"],
        "share": 12.5,
        "comment": "Mehr Kurse",
        "arrived": "2020-01-05",
    },
    {"lang": "other", "lang_other": "Polnisch", "satisfaction": "dont_know", "topics": ["housing"]},
    {"lang": "uk", "uk_since": 2022, "satisfaction": 2},
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def answered(survey):
    for answers in ROWS:
        response_submit(survey=survey, client_id=uuid.uuid4(), answers=answers, language="de")
    return survey


def build(survey, user, fmt, django_capture_on_commit_callbacks, **options):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(survey=survey, user=user, format=fmt, **options)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress == 100
    return job


def read_csv(job):
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
def test_csv_codes(answered, staff_user, django_capture_on_commit_callbacks):
    job = build(answered, staff_user, "csv", django_capture_on_commit_callbacks)
    rows = read_csv(job)
    assert len(rows) == 3
    first = next(r for r in rows if r["lang"] == "de")
    assert first["topics_work"] == "1" and first["topics_school"] == "1"
    assert first["topics_housing"] == "0"
    assert first["resident"] == "yes" and first["satisfaction"] == "4"
    assert first["grid_r1"] == "good" and first["grid_r2"] == ""
    assert first["rank_b"] == "1" and first["rank_a"] == "2"
    assert first["share"] == "12.5" and first["comment"] == "Mehr Kurse"
    assert first["arrived"] == "2020-01-05"
    other = next(r for r in rows if r["lang"] == "other")
    assert other["lang_other"] == "Polnisch" and other["satisfaction"] == "dont_know"
    assert other["topics_work"] == "0" and other["topics_housing"] == "1"
    # Anonymised survey: nothing from invitations, no response ids.
    assert not {"response_id", "target_group", "organisation"} & set(rows[0])
    assert [r["nr"] for r in rows] == ["1", "2", "3"]


@pytest.mark.django_db
def test_csv_labels_and_not_anonymised(make_survey, staff_user, django_capture_on_commit_callbacks):
    survey = make_survey(anonymised=False)
    response_submit(survey=survey, client_id=uuid.uuid4(), answers=ROWS[0], language="de")
    job = build(survey, staff_user, "csv", django_capture_on_commit_callbacks, labels=True)
    rows = read_csv(job)
    header = list(rows[0])
    assert "Sprache?" in header
    assert any(h.startswith("Themen") for h in header)
    values = list(rows[0].values())
    assert "Deutsch" in values and "Ja" in values
    job = build(survey, staff_user, "csv", django_capture_on_commit_callbacks)
    assert "response_id" in read_csv(job)[0]


@pytest.mark.django_db
def test_xlsx_equals_csv(answered, staff_user, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    csv_rows = read_csv(build(answered, staff_user, "csv", django_capture_on_commit_callbacks))
    job = build(answered, staff_user, "xlsx", django_capture_on_commit_callbacks)
    with job.file.open("rb") as handle:
        ws = load_workbook(handle, read_only=True).active
        values = [list(r) for r in ws.iter_rows(values_only=True)]
    header, body = values[0], values[1:]
    assert header == list(csv_rows[0])
    for xrow, crow in zip(body, csv_rows, strict=True):
        xrow = list(xrow) + [None] * (len(header) - len(xrow))  # read-only mode trims the end
        assert ["" if v is None else str(v) for v in xrow] == list(crow.values())


def read_xlsx(job):
    from openpyxl import load_workbook

    with job.file.open("rb") as handle:
        sheet = load_workbook(handle, read_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    width = len(rows[0])
    return [r + [None] * (width - len(r)) for r in rows]  # read-only mode trims the end


@pytest.mark.django_db
@pytest.mark.parametrize("labels", [False, True])
def test_xlsx_equals_csv_cell_by_cell_across_chunks(
    make_survey, staff_user, django_capture_on_commit_callbacks, monkeypatch, labels
):
    """Responses read in several chunks (and every question type, texts with markup, formula
    starts and spaces) give the same cells in the XLSX as in the CSV, row by row."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    survey = make_survey(anonymised=False)
    answers = [
        *ROWS,
        {
            "lang": "uk",
            "uk_since": 2023,
            "satisfaction": 5,
            "uk_help": "no",
            "comment": '=HYPERLINK("http://x") & <b>fett</b>',
            "zip": "01234",
            "hours": {"kita": {"mo": 4, "di": 7.5}},
            "wishes": {"r1": {"now": " mehr Zeit "}},
        },
        {
            "lang": "de",
            "satisfaction": 1,
            "comment": "-1,5",
            "share": 0,
            "topics": ["work"],
            "rank": ["a", "b"],
        },
    ]
    for one in answers:
        response_submit(survey=survey, client_id=uuid.uuid4(), answers=one, language="de")
    options = {"labels": labels}
    csv_job = build(survey, staff_user, "csv", django_capture_on_commit_callbacks, **options)
    with csv_job.file.open("rb") as handle:
        csv_rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig")), delimiter=";"))
    xlsx_rows = read_xlsx(
        build(survey, staff_user, "xlsx", django_capture_on_commit_callbacks, **options)
    )
    assert len(csv_rows) == len(xlsx_rows) == len(answers) + 1
    for xrow, crow in zip(xlsx_rows, csv_rows, strict=True):
        assert ["" if v is None else str(v) for v in xrow] == crow
    comment = next(i for i, h in enumerate(csv_rows[0]) if h.startswith(("comment", "Kommentar")))
    assert xlsx_rows[4][comment] == '\'=HYPERLINK("http://x") & <b>fett</b>'
    assert [r[0] for r in xlsx_rows[1:]] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_xlsx_cells_keep_their_types_and_texts_stay_texts(
    survey, staff_user, django_capture_on_commit_callbacks
):
    """Numbers are number cells, texts that look like formulas, links or numbers are text
    cells (a formula is neutralised as in every spreadsheet of the platform)."""
    from openpyxl import load_workbook

    answers = [
        {**ROWS[0], "comment": '=HYPERLINK("http://x")'},
        {**ROWS[2], "comment": "https://example.org"},
        {**ROWS[2], "comment": "007"},
    ]
    for one in answers:
        response_submit(survey=survey, client_id=uuid.uuid4(), answers=one, language="de")
    job = build(survey, staff_user, "xlsx", django_capture_on_commit_callbacks)
    with job.file.open("rb") as handle:
        ws = load_workbook(handle).active
        rows = [[c for c in r] for r in ws.iter_rows()]
    header = [c.value for c in rows[0]]
    comment, share, number = header.index("comment"), header.index("share"), header.index("nr")
    assert [r[comment].value for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "https://example.org",
        "007",
    ]
    assert all(r[comment].data_type == "s" and r[comment].hyperlink is None for r in rows[1:])
    assert rows[1][share].value == 12.5 and rows[1][share].data_type == "n"
    assert [r[number].value for r in rows[1:]] == [1, 2, 3]
    assert rows[2][share].value is None


@pytest.mark.django_db
def test_sav_with_labels(answered, staff_user, django_capture_on_commit_callbacks, tmp_path):
    import pyreadstat

    job = build(answered, staff_user, "sav", django_capture_on_commit_callbacks)
    path = tmp_path / "out.sav"
    with job.file.open("rb") as handle:
        path.write_bytes(handle.read())
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 3
    assert meta.column_names_to_labels["lang"] == "Sprache?"
    labels = meta.variable_value_labels["lang"]
    assert labels[1.0] == "Deutsch"
    assert sorted(frame["lang"].tolist()) == [1.0, 2.0, 3.0]  # de, uk, other
    assert frame["satisfaction"].tolist()[0] == 4.0
    assert meta.variable_value_labels["satisfaction"][-1.0] == "Weiß nicht"
    assert frame["comment"].tolist()[0] == "Mehr Kurse"


@pytest.mark.django_db
def test_codebook(answered, staff_user, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    job = build(answered, staff_user, "codebook", django_capture_on_commit_callbacks)
    with job.file.open("rb") as handle:
        rows = list(load_workbook(handle, read_only=True).active.iter_rows(values_only=True))
    variables = [r[0] for r in rows[1:] if r[0]]
    assert "lang" in variables and "topics_work" in variables
    assert (None, None, None, "de", "Deutsch") in rows


@pytest.mark.django_db
def test_reports_pdf_and_docx(answered, staff_user, django_capture_on_commit_callbacks):
    from surveys.results import aggregation

    aggregation.results_rebuild(version_id=answered.current_version_id)
    job = build(answered, staff_user, "pdf", django_capture_on_commit_callbacks, suppressed=True)
    with job.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and len(data) > 2000
    job = build(answered, staff_user, "docx", django_capture_on_commit_callbacks)
    from docx import Document

    with job.file.open("rb") as handle:
        doc = Document(handle)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Sprache?" in text
    table_text = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Deutsch", "1", "33,3"] in table_text


@pytest.mark.django_db
def test_export_pages_and_refusals(client, answered, staff_user, facilitator_user, make_member):
    client.force_login(facilitator_user)
    url = reverse("surveys:results_exports", args=[answered.pk])
    assert client.post(url, {"format": "csv"}).status_code == 403
    client.force_login(staff_user)
    assert client.post(url, {"format": "nonsense"}).status_code == 400
    assert not ExportJob.objects.exists()
    response = client.post(url, {"format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    detail = client.get(reverse("surveys:results_export", args=[answered.pk, job.pk]))
    assert detail.status_code == 200
    download = reverse("surveys:results_export_download", args=[answered.pk, job.pk])
    # In tests the task runs on commit; the client's request commits, so it is done.
    job.refresh_from_db()
    if job.status == ExportJob.Status.DONE:
        # Stored under a random name, handed out under the plain one.
        assert re.search(r"/[0-9a-f]{32}-survey-\d+-csv-[\d-]+\.csv$", job.file.name)
        response = client.get(download)
        assert response.status_code == 200
        assert b"lang" in b"".join(response.streaming_content)
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="survey-') and "-csv-" in disposition
    client.force_login(facilitator_user)
    assert client.get(download).status_code == 403
    client.force_login(make_member(ProcessFactory(), "staff"))
    assert client.get(download).status_code in (403, 404)


def test_csv_stream_is_incremental():
    assert exports.CHUNK >= 1000
