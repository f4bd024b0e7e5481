"""Import of survey files (XLSForm, LimeSurvey) and export as XLSForm.

``survey_import`` is all or nothing: it either creates the survey with its whole structure and
returns the report of what could not be mapped, or raises and writes nothing (``NotASurvey`` for
a file that is not a survey, ``ValidationError`` naming the question for a survey the
definition services refuse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core.spreadsheets import WorkbookError, check_workbook, workbook_kind
from participation.models import Process, TargetGroup
from participation.services import audit_log

from .. import structure
from ..interchange import ImportIssue, NotASurvey, ParsedSurvey, limesurvey, summary, xlsform
from ..models import Survey
from . import definition as defs

MAX_IMPORT_BYTES = 10 * 1024 * 1024
# Questions (rows of an XLSForm's survey sheet) a survey file may hold; checked before parsing.
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportReport:
    survey: Survey
    format: str
    questions: int
    sections: int
    languages: list[str]
    warnings: list[ImportIssue] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "survey_id": self.survey.pk,
            "format": self.format,
            "questions": self.questions,
            "sections": self.sections,
            "languages": self.languages,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def parse_survey_file(data: bytes) -> ParsedSurvey:
    """Recognise the format by the file's content (not its name) and read it."""
    if not data:
        raise NotASurvey(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise NotASurvey(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if workbook_kind(data):
        _check_workbook(data)
        return xlsform.parse(data)
    head = limesurvey.decode_lss(data[:128])[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return limesurvey.parse(data)
    if xlsform.is_csv_xlsform(data):
        rows = data.count(b"\n")
        if rows > MAX_IMPORT_ROWS + 10:
            raise _too_many_rows(rows)
        return xlsform.parse(data)
    raise NotASurvey(
        _(
            "The file is neither an XLSForm (.xlsx, .xls, or CSV with a 'survey' sheet) nor a "
            "LimeSurvey survey structure file (.lss)."
        )
    )


def _too_many_rows(rows: int) -> NotASurvey:
    return NotASurvey(
        _(
            "The form has %(rows)s rows; a survey can have at most %(limit)s questions. "
            "Split it into several surveys."
        )
        % {"rows": f"{rows:,}".replace(",", "."), "limit": f"{MAX_IMPORT_ROWS:,}".replace(",", ".")}
    )


def _check_workbook(data: bytes) -> None:
    """Refuse a damaged workbook, and one with too many rows before pyxform reads it (a form
    of 400,000 questions would take it many minutes)."""
    try:
        # The survey sheet's rows plus the header and a few settings/group rows.
        check_workbook(data, sheet="survey", max_rows=MAX_IMPORT_ROWS + 10)
    except WorkbookError as exc:
        if exc.code == "too_many_rows":
            raise _too_many_rows(exc.rows) from exc
        raise NotASurvey(
            _(
                "The file is damaged: it looks like an Excel workbook but cannot be opened. "
                "Save it again in Excel or LibreOffice (as .xlsx) and upload it again."
            )
        ) from exc


def _check_target_groups(parsed: ParsedSurvey) -> None:
    known = set(TargetGroup.objects.values_list("code", flat=True))
    for section in parsed.definition.get("sections", []):
        for question in section.get("questions", []):
            for choice in question.get("choices") or []:
                code = choice.get("target_group")
                if code and code not in known:
                    choice.pop("target_group")
                    parsed.warn(
                        question["code"],
                        _(
                            "The target group %(tg)s of choice %(choice)s does not exist here; "
                            "the link was not imported."
                        )
                        % {"tg": code, "choice": choice["code"]},
                    )


@transaction.atomic
def survey_import(*, user, process: Process, data: bytes, phase=None) -> ImportReport:
    """Create a draft survey from an XLSForm or LimeSurvey file (see the module docstring)."""
    defs._require_change(user, process)
    parsed = parse_survey_file(data)
    _check_target_groups(parsed)
    survey = defs.survey_create_from_definition(
        user=user, process=process, definition=parsed.definition, phase=phase
    )
    questions, sections = summary(parsed.definition)
    audit_log(
        actor=user,
        action="survey.import",
        obj=survey,
        process=process,
        format=parsed.format,
        warnings=len(parsed.warnings),
    )
    return ImportReport(
        survey=survey,
        format=parsed.format,
        questions=questions,
        sections=sections,
        languages=list(survey.languages),
        warnings=parsed.warnings,
    )


def survey_xlsform(*, survey: Survey) -> bytes:
    """The survey's current version as an XLSForm workbook (a read; writes nothing)."""
    version = survey.current_version
    # Built afresh (not the cache): an export is rare and must reflect the database.
    sections = structure.build(version).definition() if version else []
    meta = {
        name: getattr(survey, name)
        for name in (
            "title",
            "description",
            "privacy_notice",
            "thank_you",
            "invitation_text",
            "languages",
            "default_language",
            "access_mode",
            "anonymised",
        )
    }
    meta["form_id"] = f"survey_{survey.pk}"
    meta["version"] = version.number if version else 1
    return xlsform.write(meta, sections)
