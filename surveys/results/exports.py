"""Exports of a survey's responses and results, built by the Celery task ``build_export``.

Responses go out in wide format (one row per complete response, one column per question, per
choice of a multiple-choice question, per matrix row or per ranked item), codes or labels as
chosen. They are read in chunks of response ids and written row by row (CSV, and XLSX streamed
by ``core.spreadsheets.write_xlsx_rows``), so memory does not grow with the number of
responses. The SPSS file is the exception: pyreadstat writes a whole DataFrame, so it holds
one compact numeric frame (value labels carry the texts).

Anonymised surveys: no invitation data at all (no target group from the invitation, no
attributes, no response id — rows are numbered — and only the day of completion).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain

import pandas as pd
from django.conf import settings
from django.core.files import File
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from core.frames import read_frame
from core.numbers import localized
from core.spreadsheets import csv_writer, safe_row, write_xlsx_rows

from ..models import Answer, Response, Survey
from ..question_types import QuestionType
from ..question_types.base import Column
from ..structure import Structure
from ..structure import get as get_structure
from . import reports
from .models import ExportJob

CHUNK = 5000


@dataclass
class Layout:
    columns: list[Column]
    index: dict[str, int]
    # question id -> (type, code)
    questions: dict[int, tuple[QuestionType, str]]
    # question code -> its columns that hold 0 rather than nothing once it was answered
    zero_when_answered: dict[str, list[str]]


def _meta_columns(survey: Survey) -> list[Column]:
    cols = [Column("nr", _("Number"), "number")]
    if not survey.anonymised:
        cols += [
            Column("response_id", _("Response id"), "number"),
            Column("target_group", _("Target group (invitation)"), "text"),
            Column("organisation", _("Organisation (invitation)"), "text"),
        ]
    cols.append(Column("version", _("Version"), "number"))
    if not survey.anonymised:
        # In an anonymised survey the language, set beside the invitees' languages, could
        # point to the one invitee who speaks it.
        cols.append(Column("language", _("Language"), "text"))
    cols.append(Column("completed", _("Completed on"), "text"))
    return cols


def layout(survey: Survey, structure: Structure) -> Layout:
    columns = _meta_columns(survey)
    zero_when_answered: dict[str, list[str]] = {}
    for q in reports.answered_questions(structure):
        own = q.qtype.export_columns(
            q,
            reports.question_label(q),
            reports.choice_labels(q),
            reports.choice_codes(q),
            reports._label,
        )
        columns += own
        zeros = [c.name for c in own if c.zero_when_answered]
        if zeros:
            zero_when_answered[q.code] = zeros
    questions = {}
    for version in survey.versions.all():
        for q in get_structure(version).questions.values():
            questions[q.id] = (q.qtype, q.code)
    return Layout(
        columns=columns,
        index={c.name: i for i, c in enumerate(columns)},
        questions=questions,
        zero_when_answered=zero_when_answered,
    )


def _responses_sql(survey_id: int, after: int) -> str:
    r = Response._meta.db_table
    from participation.models import TargetGroup

    tg = TargetGroup._meta.db_table
    return (
        f"SELECT r.id, v.number, r.language, r.completed_at, tg.code, r.attributes "
        f"FROM {r} r JOIN surveys_surveyversion v ON v.id = r.version_id "
        f"LEFT JOIN {tg} tg ON tg.id = r.target_group_id "
        f"WHERE r.survey_id = {int(survey_id)} AND r.status = 'complete' AND NOT r.is_test "
        f"AND r.id > {int(after)} ORDER BY r.id LIMIT {CHUNK}"
    )


def _answers_sql(lo: int, hi: int, survey_id: int) -> str:
    a, r = Answer._meta.db_table, Response._meta.db_table
    return (
        f'SELECT a.response_id, a.question_id, a."row", a."choice", a.value_text, '
        f"a.value_number, a.value_date FROM {a} a JOIN {r} r ON r.id = a.response_id "
        f"WHERE a.response_id >= {int(lo)} AND a.response_id <= {int(hi)} "
        f"AND r.survey_id = {int(survey_id)} AND r.status = 'complete' AND NOT r.is_test"
    )


def iter_rows(survey: Survey, lay: Layout, *, labels: bool, progress=None) -> Iterator[list]:
    """The data rows (no header), chunk by chunk."""
    import json

    total = Response.objects.filter(survey=survey, status="complete", is_test=False).count() or 1
    done = 0
    number = 0
    after = 0
    idx = lay.index
    value_labels = {c.name: c.value_labels for c in lay.columns if c.value_labels}

    def label(column: str, code: str) -> str:
        return value_labels.get(column, {}).get(code, code) if labels else code

    writers = {
        qid: (qtype.export_writer(code, idx, label), code)
        for qid, (qtype, code) in lay.questions.items()
    }
    while True:
        responses = read_frame(
            _responses_sql(survey.pk, after),
            ["id", "version", "language", "completed_at", "tg", "attributes"],
            {"language": str, "tg": str, "attributes": str, "completed_at": str},
        )
        if responses.empty:
            break
        ids = responses["id"].tolist()
        days = (
            pd.to_datetime(responses["completed_at"], utc=True, format="mixed")
            .dt.tz_convert(settings.TIME_ZONE)
            .dt.strftime("%Y-%m-%d")
            .tolist()
        )
        lo, hi = ids[0], ids[-1]
        answers = read_frame(
            _answers_sql(lo, hi, survey.pk),
            ["response_id", "question_id", "row", "choice", "text", "number", "date"],
            {"row": str, "choice": str, "text": str, "date": str},
        )
        rows: dict[int, list] = {}
        for rid, version, language, completed, tg, attributes in zip(
            ids,
            responses["version"].tolist(),
            responses["language"].tolist(),
            days,
            responses["tg"].tolist(),
            responses["attributes"].tolist(),
            strict=True,
        ):
            number += 1
            row = [None] * len(lay.columns)
            row[idx["nr"]] = number
            if not survey.anonymised:
                row[idx["response_id"]] = rid
                row[idx["target_group"]] = tg or None
                attrs = (
                    attributes if isinstance(attributes, dict) else json.loads(attributes or "{}")
                )
                row[idx["organisation"]] = attrs.get("organisation") or None
            row[idx["version"]] = int(version)
            if not survey.anonymised:
                row[idx["language"]] = language
            row[idx["completed"]] = completed
            rows[rid] = row
        answered: dict[int, set[str]] = {}
        for rid, qid, arow, choice, text, num, date in zip(
            answers["response_id"].tolist(),
            answers["question_id"].tolist(),
            answers["row"].tolist(),
            answers["choice"].tolist(),
            answers["text"].tolist(),
            answers["number"].tolist(),
            answers["date"].tolist(),
            strict=True,
        ):
            row = rows.get(rid)
            meta = writers.get(qid)
            if row is None or meta is None:
                continue
            put, code = meta
            if code in lay.zero_when_answered:
                answered.setdefault(rid, set()).add(code)
            put(row, arow, choice, text, num, date)
        for rid, codes in answered.items():
            row = rows[rid]
            for code in codes:
                for name in lay.zero_when_answered[code]:
                    if row[idx[name]] is None:
                        row[idx[name]] = 0
        yield from rows.values()
        after = hi
        done += len(ids)
        if progress:
            progress(min(99, int(100 * done / total)))


def header(lay: Layout, labels: bool) -> list[str]:
    return [c.label if labels else c.name for c in lay.columns]


# --- writers --------------------------------------------------------------------------------


def write_csv(survey: Survey, out, *, labels: bool, progress=None) -> None:
    structure = get_structure(survey.current_version)
    lay = layout(survey, structure)
    writer = csv_writer(out)
    writer.writerow(header(lay, labels))
    for row in iter_rows(survey, lay, labels=labels, progress=progress):
        writer.writerow(row)


def write_xlsx(survey: Survey, path: str, *, labels: bool, progress=None) -> None:
    """The responses as an XLSX sheet, streamed row by row (``core.spreadsheets``), so memory
    does not grow with the responses; cells hold what the CSV holds (numbers as numbers, empty
    cells left out)."""
    structure = get_structure(survey.current_version)
    lay = layout(survey, structure)
    rows = iter_rows(survey, lay, labels=labels, progress=progress)
    write_xlsx_rows(path, _("Responses"), chain([header(lay, labels)], rows))


def write_codebook(survey: Survey, path: str) -> None:
    from openpyxl import Workbook

    structure = get_structure(survey.current_version)
    lay = layout(survey, structure)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Codebook")[:31])
    ws.append([_("Variable"), _("Label"), _("Type"), _("Value"), _("Value label")])
    for c in lay.columns:
        ws.append(safe_row([c.name, c.label, c.kind, None, None], empty=None))
        for code, label in c.value_labels.items():
            ws.append(safe_row([None, None, None, code, label], empty=None))
    wb.save(path)


def write_sav(survey: Survey, path: str, *, progress=None) -> None:
    """SPSS: choices as numbers 1..k with value labels; text columns as strings."""
    import pyreadstat

    structure = get_structure(survey.current_version)
    lay = layout(survey, structure)
    numeric_maps: dict[str, dict[str, int]] = {}
    value_labels: dict[str, dict[int, str]] = {}
    for c in lay.columns:
        if c.value_labels:
            mapping = {code: i + 1 for i, code in enumerate(c.value_labels)}
            if c.kind == "number":  # rating "don't know": a code outside the scale
                mapping = {code: -1 - i for i, code in enumerate(c.value_labels)}
            numeric_maps[c.name] = mapping
            value_labels[_sav_name(c.name)] = {
                n: c.value_labels[code] for code, n in mapping.items()
            }
    data: dict[str, list] = {c.name: [] for c in lay.columns}
    for row in iter_rows(survey, lay, labels=False, progress=progress):
        for c, value in zip(lay.columns, row, strict=True):
            if c.name in numeric_maps and isinstance(value, str):
                value = numeric_maps[c.name].get(value)
            data[c.name].append(value)
    frame = pd.DataFrame(
        {
            _sav_name(c.name): pd.to_numeric(pd.Series(data[c.name], dtype=object))
            if c.kind == "number" or c.name in numeric_maps
            else pd.Series(data[c.name], dtype=object).fillna("").astype(str)
            for c in lay.columns
        }
    )
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={_sav_name(c.name): c.label[:250] for c in lay.columns},
        variable_value_labels=value_labels,
    )


def _sav_name(name: str) -> str:
    return name[:64]


def write_report(survey: Survey, path: str, *, fmt: str, suppressed: bool) -> None:
    from django.template.loader import render_to_string

    from .charts import question_chart

    version = survey.current_version
    structure = get_structure(version)
    results = []
    for q in reports.answered_questions(structure):
        result = reports.question_result(version, q.code, suppress=suppressed)
        result["chart"] = question_chart(result)
        results.append(result)
    overview = reports.survey_overview(version, suppress=suppressed)
    context = {
        "survey": survey,
        "version": version,
        "results": results,
        "overview": overview,
        "suppress": suppressed,
        "min_count": reports.min_count(),
        "now": timezone.now(),
        "LANGUAGE_CODE": get_language() or survey.default_language,
    }
    if fmt == ExportJob.Format.PDF:
        from core.pdf import html_to_pdf

        html_to_pdf(render_to_string("surveys/results/report_pdf.html", context), path)
        return
    _write_docx(path, context)


def _docx_value(value, places=1) -> str:
    return localized(value, places)


def _write_docx(path: str, context: dict) -> None:
    from docx import Document

    doc = Document()
    title = f"{_('Results')}: {context['survey']}"
    # Title and language in the file's properties: screen readers and the PDF converters of
    # word processors take them from there.
    doc.core_properties.title = title
    doc.core_properties.language = context.get("LANGUAGE_CODE") or "de"
    doc.add_heading(title, 0)
    overview = context["overview"]
    doc.add_paragraph(f"{_('Complete responses')}: {_docx_value(overview['responses'])}")
    if context["suppress"]:
        doc.add_paragraph(
            _("Figures below %(n)s respondents are hidden.") % {"n": context["min_count"]}
        )
    hidden = f"< {context['min_count']}"
    for result in context["results"]:
        doc.add_heading(result["text"], 1)
        doc.add_paragraph(f"n = {_docx_value(result['n'])}")
        if result.get("choices"):
            table = doc.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            cells = table.rows[0].cells
            cells[0].text, cells[1].text, cells[2].text = _("Answer"), _("Count"), "%"
            for c in result["choices"]:
                cells = table.add_row().cells
                cells[0].text = c["label"]
                cells[1].text = hidden if c["suppressed"] else _docx_value(c["count"])
                cells[2].text = "" if c["suppressed"] else _docx_value(c["pct_respondents"])
        if result.get("summary"):
            s = result["summary"]
            doc.add_paragraph(
                f"{_('Mean')}: {_docx_value(s['mean'], 2)} · {_('Median')}: "
                f"{_docx_value(s['median'], 2)} · {_('Std. deviation')}: {_docx_value(s['sd'], 2)}"
            )
        for row in result.get("rows", []):
            doc.add_paragraph(
                f"{row['label']}: "
                + "; ".join(
                    f"{c['label']} {hidden if c['suppressed'] else _docx_value(c['count'])}"
                    for c in row["choices"]
                )
            )
        for r in result.get("ranking", []):
            doc.add_paragraph(
                f"{r['label']}: {_('Mean rank')} {_docx_value(r['mean_rank'], 2)}, "
                f"{_('First place')} {hidden if r['suppressed'] else _docx_value(r['first_place'])}"
            )
        if result.get("cells"):
            _docx_cells(doc, result, hidden)
    doc.save(path)


def _docx_cells(doc, result: dict, hidden: str) -> None:
    """A matrix of cells as a table: rows × columns, the mean (numbers) or n (texts) per cell."""
    columns = result["columns"]
    table = doc.add_table(rows=1, cols=len(columns) + 1)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = _("Mean") if result["numeric"] else _("Answers")
    for cell, column in zip(header[1:], columns, strict=True):
        cell.text = column["label"]
    for row in result["cells"]:
        cells = table.add_row().cells
        cells[0].text = row["label"]
        for cell, value in zip(cells[1:], row["cells"], strict=True):
            if value["suppressed"]:
                cell.text = hidden
            elif result["numeric"]:
                cell.text = _docx_value(value["mean"], 2)
            else:
                cell.text = _docx_value(value["n"])


EXTENSIONS = {
    "csv": "csv",
    "xlsx": "xlsx",
    "sav": "sav",
    "codebook": "xlsx",
    "pdf": "pdf",
    "docx": "docx",
}


def export_build(*, job_id: int) -> None:
    """Build the file of an export job; records progress, the file, or the error."""
    job = ExportJob.objects.select_related("survey", "created_by").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=0)
    survey = job.survey

    def progress(value: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=value)

    suffix = EXTENSIONS[job.format]
    fd, path = tempfile.mkstemp(suffix=f".{suffix}")
    os.close(fd)
    language = getattr(job.created_by, "language", None) or "de"
    try:
        with override(language if language in ("de", "en") else "de"):
            _build(job, survey, path, progress)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"survey-{survey.pk}-{job.format}-{stamp}.{suffix}"
        with open(path, "rb") as handle:
            job.file.save(name, File(handle), save=False)
        job.status = ExportJob.Status.DONE
        job.progress = 100
        job.error = ""
    except (DatabaseError, OSError):
        job.status = ExportJob.Status.PENDING  # the task retries these
        raise
    except Exception as exc:  # recorded for the user; retrying would fail the same way
        job.status = ExportJob.Status.FAILED
        job.error = str(exc)[:500]
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "progress", "error", "file", "finished_at"])
        os.unlink(path)


def _build(job: ExportJob, survey: Survey, path: str, progress: Callable[[int], None]) -> None:
    if job.format == ExportJob.Format.CSV:
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            write_csv(survey, out, labels=job.labels, progress=progress)
    elif job.format == ExportJob.Format.XLSX:
        write_xlsx(survey, path, labels=job.labels, progress=progress)
    elif job.format == ExportJob.Format.SAV:
        write_sav(survey, path, progress=progress)
    elif job.format == ExportJob.Format.CODEBOOK:
        write_codebook(survey, path)
    else:
        write_report(survey, path, fmt=job.format, suppressed=job.suppressed)


def csv_stream(survey: Survey, *, labels: bool) -> Iterator[str]:
    """The CSV export as a stream of text pieces (for a streaming HTTP response)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    structure = get_structure(survey.current_version)
    lay = layout(survey, structure)
    writer.writerow(header(lay, labels))
    for i, row in enumerate(iter_rows(survey, lay, labels=labels)):
        writer.writerow(row)
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
