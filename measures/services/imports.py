"""Measure lists from Excel or CSV: upload, map columns, dry run with a per-row report, import
all or nothing; and the export of the catalogue in the same columns (so an export imports).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.models import Organisation, Process
from participation.services import audit_log

from ..models import Measure, MeasureImport
from .catalogue import require

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Import fields: key, label, required, header synonyms (lower case) for the automatic mapping.
FIELDS: list[tuple[str, object, bool, tuple[str, ...]]] = [
    ("number", gettext_lazy("Number"), False, ("nummer", "nr", "nr.", "number", "no", "code")),
    (
        "title",
        gettext_lazy("Title"),
        True,
        ("titel", "maßnahme", "massnahme", "title", "measure", "name"),
    ),
    ("description", gettext_lazy("Description"), False, ("beschreibung", "description", "inhalt")),
    (
        "field_of_action",
        gettext_lazy("Field of action"),
        True,
        ("handlungsfeld", "field of action", "field_of_action"),
    ),
    (
        "target_groups",
        gettext_lazy("Target groups"),
        False,
        ("zielgruppen", "zielgruppe", "target groups", "target_groups"),
    ),
    (
        "lead_organisation",
        gettext_lazy("Lead organisation"),
        False,
        (
            "federführung",
            "federfuehrung",
            "träger",
            "lead organisation",
            "lead_organisation",
            "lead",
        ),
    ),
    ("partners", gettext_lazy("Partners"), False, ("partner", "kooperationspartner", "partners")),
    ("start_date", gettext_lazy("Start"), False, ("beginn", "start", "start_date", "von")),
    ("end_date", gettext_lazy("End"), False, ("ende", "end", "end_date", "bis")),
    ("priority", gettext_lazy("Priority"), False, ("priorität", "prioritaet", "priority")),
    (
        "cost_estimate",
        gettext_lazy("Cost estimate (EUR)"),
        False,
        ("kosten", "kostenschätzung", "cost", "cost estimate", "cost_estimate"),
    ),
    (
        "funding_source",
        gettext_lazy("Funding source"),
        False,
        ("finanzierung", "förderung", "funding", "funding source", "funding_source"),
    ),
    ("status", gettext_lazy("Status"), False, ("status", "stand")),
    (
        "progress",
        gettext_lazy("Progress (%)"),
        False,
        ("fortschritt", "umsetzungsstand", "progress"),
    ),
]
FIELD_KEYS = [f[0] for f in FIELDS]
EXPORT_HEADERS = {
    "number": "Nummer",
    "title": "Titel",
    "description": "Beschreibung",
    "field_of_action": "Handlungsfeld",
    "target_groups": "Zielgruppen",
    "lead_organisation": "Federführung",
    "partners": "Partner",
    "start_date": "Beginn",
    "end_date": "Ende",
    "priority": "Priorität",
    "cost_estimate": "Kosten",
    "funding_source": "Finanzierung",
    "status": "Status",
    "progress": "Fortschritt",
}
PRIORITY_WORDS = {
    "hoch": "high",
    "mittel": "medium",
    "niedrig": "low",
    "high": "high",
    "medium": "medium",
    "low": "low",
    "1": "high",
    "2": "medium",
    "3": "low",
}
STATUS_WORDS = {
    "vorgeschlagen": "proposed",
    "in prüfung": "in_review",
    "beschlossen": "adopted",
    "in umsetzung": "in_progress",
    "abgeschlossen": "completed",
    "eingestellt": "discontinued",
    "abgelehnt": "rejected",
}


def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n|]", value or "") if p.strip()]


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV or XLSX file, as text. Raises ValidationError when unreadable."""
    if not data or not data.strip():
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif lower.endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx) or a CSV file.")})
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    header = [h.strip() for h in rows[0]]
    if not any(header):
        raise ValidationError({"file": _("The first row must name the columns.")})
    body = rows[1:]
    if not body:
        raise ValidationError({"file": _("The file has column names but no measures.")})
    if len(body) > MAX_ROWS:
        raise ValidationError({"file": _("At most %(n)s rows per file.") % {"n": MAX_ROWS}})
    seen = set()
    for h in header:
        if h and h.casefold() in seen:
            raise ValidationError({"file": _("The column %(c)s appears twice.") % {"c": h}})
        seen.add(h.casefold())
    width = len(header)
    return header, [(r + [""] * width)[:width] for r in body]


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any broken workbook gets the same message
        raise ValidationError(
            {"file": _("The workbook cannot be read (%(e)s).") % {"e": error}}
        ) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Column → field, from the column names (German or English)."""
    mapping = {}
    used = set()
    for column in header:
        key = column.strip().casefold()
        for field, _label, _req, synonyms in FIELDS:
            if field not in used and (key in synonyms or key == str(_label).casefold()):
                mapping[column] = field
                used.add(field)
                break
    return mapping


@transaction.atomic
def measure_import_upload(*, user, process: Process, name: str, data: bytes) -> MeasureImport:
    """Keep an uploaded file for the mapping step (nothing is imported yet)."""
    require(user, "measures.curate", process)
    header, _rows = read_table(name, data)
    return MeasureImport.objects.create(
        process=process,
        filename=name[:300],
        data=data,
        columns=header,
        mapping=guess_mapping(header),
        created_by=user,
    )


@dataclass
class RowResult:
    row: int
    title: str
    errors: list[str]
    values: dict


def _date(text: str) -> date:
    text = text.strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%m/%Y", "%Y"):
        try:
            parsed = datetime.strptime(text, fmt).date()
            return parsed
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.0)?", text):  # an Excel serial number
        return date(1899, 12, 30) + timedelta(days=int(float(text)))
    raise ValueError(text)


def _decimal(text: str) -> Decimal:
    cleaned = text.replace("€", "").replace("EUR", "").replace(" ", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    return Decimal(cleaned)


def _check_rows(
    process: Process, header: list[str], rows: list[list[str]], mapping: dict
) -> list[RowResult]:
    missing = [
        str(label)
        for key, label, required, _s in FIELDS
        if required and key not in mapping.values()
    ]
    if missing:
        raise ValidationError({"mapping": _("Map a column to: %s") % ", ".join(missing)})
    unknown_columns = [c for c in mapping if c not in header]
    if unknown_columns:
        raise ValidationError({"mapping": _("Unknown columns: %s") % ", ".join(unknown_columns)})
    fields = {f.code.casefold(): f for f in process.fields_of_action.all()}
    fields.update({f.name.casefold(): f for f in process.fields_of_action.all()})
    fields.update({f.name_en.casefold(): f for f in process.fields_of_action.all() if f.name_en})
    groups = {g.code.casefold(): g for g in process.target_groups.all()}
    groups.update({g.name.casefold(): g for g in process.target_groups.all()})
    groups.update({g.name_en.casefold(): g for g in process.target_groups.all() if g.name_en})
    orgs = {o.name.casefold(): o for o in Organisation.objects.only("pk", "name")}
    existing_titles = {
        t.casefold()
        for t in Measure.objects.filter(process=process).values_list("title", flat=True)
    }
    existing_numbers = set(Measure.objects.filter(process=process).values_list("number", flat=True))
    status_words = {
        **STATUS_WORDS,
        **{v: v for v in Measure.Status.values},
        **{str(lbl).casefold(): v for v, lbl in Measure.Status.choices},
    }
    column_of = {field: column for column, field in mapping.items() if field}
    index = {c: i for i, c in enumerate(header)}
    seen_titles: dict[str, int] = {}
    seen_numbers: dict[int, int] = {}
    results = []
    for offset, row in enumerate(rows, start=2):
        raw = {f: row[index[c]].strip() for f, c in column_of.items()}
        errors: list[str] = []
        values: dict = {}

        def err(field: str, message: str, errors: list[str] = errors) -> None:
            label = dict((k, lbl) for k, lbl, _r, _s in FIELDS)[field]
            errors.append(f"{label}: {message}")

        title = raw.get("title", "")
        if not title:
            err("title", _("missing"))
        elif len(title) > 300:
            err("title", _("longer than 300 characters"))
        elif title.casefold() in seen_titles:
            err("title", _("same title as row %(r)s") % {"r": seen_titles[title.casefold()]})
        elif title.casefold() in existing_titles:
            err("title", _("a measure with this title exists already"))
        if title:
            seen_titles.setdefault(title.casefold(), offset)
        values["title"] = title
        values["description"] = raw.get("description", "")
        if raw.get("number"):
            text = raw["number"].upper().removeprefix("M-")
            if not text.isdigit() or int(text) < 1:
                err("number", _("“%(v)s” is not a whole number") % {"v": raw["number"]})
            elif int(text) in seen_numbers:
                err("number", _("same number as row %(r)s") % {"r": seen_numbers[int(text)]})
            elif int(text) in existing_numbers:
                err("number", _("a measure with this number exists already"))
            else:
                values["number"] = int(text)
                seen_numbers[int(text)] = offset
        foa = fields.get(raw.get("field_of_action", "").casefold())
        if not raw.get("field_of_action"):
            err("field_of_action", _("missing"))
        elif foa is None:
            err(
                "field_of_action",
                _("“%(v)s” is not a field of action of the process")
                % {"v": raw["field_of_action"]},
            )
        values["field_of_action"] = foa
        tgs = []
        for name in _split(raw.get("target_groups", "")):
            group = groups.get(name.casefold())
            if group is None:
                err("target_groups", _("unknown target group “%(v)s”") % {"v": name})
            else:
                tgs.append(group)
        values["target_groups"] = tgs
        lead = raw.get("lead_organisation", "")
        values["lead_organisation"] = None
        if lead:
            org = orgs.get(lead.casefold())
            if org is None:
                err(
                    "lead_organisation",
                    _("unknown organisation “%(v)s” (add it to the directory first)") % {"v": lead},
                )
            values["lead_organisation"] = org
        partners = []
        for name in _split(raw.get("partners", "")):
            org = orgs.get(name.casefold())
            if org is None:
                err(
                    "partners",
                    _("unknown organisation “%(v)s” (add it to the directory first)") % {"v": name},
                )
            else:
                partners.append(org)
        values["partners"] = partners
        for key in ("start_date", "end_date"):
            values[key] = None
            if raw.get(key):
                try:
                    values[key] = _date(raw[key])
                except ValueError:
                    err(key, _("“%(v)s” is not a date (e.g. 31.12.2026)") % {"v": raw[key]})
        if (
            values["start_date"]
            and values["end_date"]
            and values["end_date"] < values["start_date"]
        ):
            err("end_date", _("before the start"))
        priority = raw.get("priority", "")
        values["priority"] = Measure.Priority.MEDIUM
        if priority:
            if priority.casefold() not in PRIORITY_WORDS:
                err("priority", _("“%(v)s” is not high, medium or low") % {"v": priority})
            else:
                values["priority"] = PRIORITY_WORDS[priority.casefold()]
        values["cost_estimate"] = None
        if raw.get("cost_estimate"):
            try:
                cost = _decimal(raw["cost_estimate"])
                if cost < 0 or cost >= Decimal("1e10"):
                    raise InvalidOperation
                values["cost_estimate"] = cost.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                err(
                    "cost_estimate",
                    _("“%(v)s” is not an amount in euros") % {"v": raw["cost_estimate"]},
                )
        values["funding_source"] = raw.get("funding_source", "")[:300]
        values["status"] = Measure.Status.PROPOSED
        if raw.get("status"):
            status = status_words.get(raw["status"].casefold())
            if status is None:
                err("status", _("unknown status “%(v)s”") % {"v": raw["status"]})
            else:
                values["status"] = status
        values["progress"] = 0
        if raw.get("progress"):
            text = raw["progress"].replace("%", "").replace(",", ".").strip()
            try:
                progress = float(text)
                if not 0 <= progress <= 100:
                    raise ValueError
                values["progress"] = round(progress)
            except ValueError:
                err(
                    "progress",
                    _("“%(v)s” is not a percentage from 0 to 100") % {"v": raw["progress"]},
                )
        results.append(RowResult(offset, title, errors, values))
    return results


def _report(results: list[RowResult]) -> list[dict]:
    return [{"row": r.row, "title": r.title, "errors": r.errors} for r in results]


@transaction.atomic
def measure_import_check(*, user, job: MeasureImport, mapping: dict[str, str]) -> MeasureImport:
    """Dry run: check every row with the given mapping and store the per-row report."""
    require(user, "measures.curate", job.process)
    header, rows = read_table(job.filename, bytes(job.data))
    mapping = {c: f for c, f in mapping.items() if f}
    doubled = [f for f in set(mapping.values()) if list(mapping.values()).count(f) > 1]
    if doubled:
        raise ValidationError(
            {"mapping": _("Each field once only: %s") % ", ".join(sorted(doubled))}
        )
    bad = [f for f in mapping.values() if f not in FIELD_KEYS]
    if bad:
        raise ValidationError({"mapping": _("Unknown fields: %s") % ", ".join(bad)})
    results = _check_rows(job.process, header, rows, mapping)
    job.mapping = mapping
    job.report = _report(results)
    job.status = MeasureImport.Status.CHECKED
    job.save(update_fields=["mapping", "report", "status"])
    return job


def import_errors(job: MeasureImport) -> int:
    return sum(1 for r in job.report if r["errors"])


def measure_import_apply(*, user, job: MeasureImport) -> MeasureImport:
    """Import every row, or none: one invalid row rejects the whole file with its report."""
    from .catalogue import links_summary
    from .locking import save_versioned
    from .workflow import record_decision

    require(user, "measures.curate", job.process)
    process = job.process
    header, rows = read_table(job.filename, bytes(job.data))
    results = _check_rows(process, header, rows, job.mapping)
    if any(r.errors for r in results):
        MeasureImport.objects.filter(pk=job.pk).update(
            report=_report(results), status=MeasureImport.Status.REJECTED
        )
        job.refresh_from_db()
        raise ValidationError(
            _("%(n)s rows have errors; nothing was imported. See the report.")
            % {"n": sum(1 for r in results if r.errors)}
        )
    with transaction.atomic():
        Process.objects.select_for_update().filter(pk=process.pk).first()
        from django.db.models import Max

        next_number = (
            Measure.objects.filter(process=process).aggregate(m=Max("number"))["m"] or 0
        ) + 1
        taken = {r.values["number"] for r in results if r.values.get("number")}
        for r in results:
            v = dict(r.values)
            number = v.pop("number", None)
            if number is None:
                while next_number in taken:
                    next_number += 1
                number = next_number
                taken.add(number)
            tgs, partners = v.pop("target_groups"), v.pop("partners")
            v["links_summary"] = links_summary({"target_groups": tgs, "partners": partners})
            measure = Measure(process=process, number=number, created_by=user)
            save_versioned(
                measure,
                data=v,
                user=user,
                expected_version=None,
                m2m={"target_groups": tgs, "partners": partners},
                reason="import",
            )
            record_decision(
                measure=measure,
                from_status="",
                to_status=measure.status,
                user=user,
                reason=_("Imported from %(f)s, row %(r)s") % {"f": job.filename, "r": r.row},
            )
        job.status = MeasureImport.Status.APPLIED
        job.created = len(results)
        job.report = _report(results)
        job.save(update_fields=["status", "created", "report"])
        audit_log(actor=user, action="measures.import", obj=job, process=process, rows=len(results))
    return job


# --- export ------------------------------------------------------------------------------------


def export_rows(measures) -> tuple[list[str], list[list]]:
    """The catalogue in the import's columns (German headers, as counties keep their lists)."""
    measures = measures.select_related("field_of_action", "lead_organisation").prefetch_related(
        "target_groups", "partners"
    )
    header = [EXPORT_HEADERS[k] for k in FIELD_KEYS]
    rows = []
    for m in measures:
        rows.append(
            [
                m.code,
                m.title,
                m.description,
                m.field_of_action.name,
                "; ".join(g.name for g in m.target_groups.all()),
                m.lead_organisation.name if m.lead_organisation else "",
                "; ".join(p.name for p in m.partners.all()),
                m.start_date.strftime("%d.%m.%Y") if m.start_date else "",
                m.end_date.strftime("%d.%m.%Y") if m.end_date else "",
                {"high": "hoch", "medium": "mittel", "low": "niedrig"}[m.priority],
                str(m.cost_estimate).replace(".", ",") if m.cost_estimate is not None else "",
                m.funding_source,
                {v: k for k, v in STATUS_WORDS.items()}[m.status],
                m.progress,
            ]
        )
    return header, rows


def measure_imports_delete_abandoned(*, hours: int | None = None) -> int:
    """Housekeeping (beat): delete uploaded measure lists whose import nobody applied within
    ``hours`` (``TEILHABE_UPLOAD_RETENTION_HOURS``, the same as monitoring's pending uploads):
    they hold the whole file. Applied and rejected imports stay as the record, without the
    file. Returns how many uploads were deleted."""
    from django.conf import settings
    from django.utils import timezone

    hours = hours if hours is not None else settings.TEILHABE_UPLOAD_RETENTION_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    pending = MeasureImport.objects.filter(
        status__in=[MeasureImport.Status.UPLOADED, MeasureImport.Status.CHECKED],
        created_at__lt=cutoff,
    )
    deleted, _by_model = pending.delete()
    return deleted
