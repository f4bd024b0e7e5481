"""Writing a survey as an XLSForm workbook (see the package docstring)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from core.spreadsheets import append_literal_row

from ...i18n import SURVEY_LANGUAGES
from ...question_types import question_type

# --- writing ------------------------------------------------------------------------------

YES_NO_LABELS = ("Yes", "No")


def _language_column(base: str, code: str) -> str:
    return f"{base}::{SURVEY_LANGUAGES[code][0]} ({code})" if code in SURVEY_LANGUAGES else base


def _yes_no_labels(languages: list[str]) -> tuple[dict, dict]:
    yes, no = {}, {}
    for code in languages:
        with override(code):
            yes[code] = _("Yes")
            no[code] = _("No")
    return yes, no


def _range_constraint(q: dict) -> str:
    parts = []
    if q.get("min_value") is not None:
        parts.append(f". >= {_fmt(q['min_value'])}")
    if q.get("max_value") is not None:
        parts.append(f". <= {_fmt(q['max_value'])}")
    if q.get("pattern"):
        parts.append("regex(., '" + q["pattern"].replace("'", "\\'") + "')")
    if q.get("min_length") is not None:
        parts.append(f"string-length(.) >= {q['min_length']}")
    if q.get("max_length") is not None:
        parts.append(f"string-length(.) <= {q['max_length']}")
    if q.get("constraint"):
        parts.append(f"({q['constraint']})" if parts else q["constraint"])
    return " and ".join(parts)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def write(survey: dict, sections: list[dict]) -> bytes:
    """An XLSForm workbook (bytes of an .xlsx) for a survey.

    ``survey``: the survey's fields (``title``, ``languages``, ``default_language``, …);
    ``sections``: ``structure.Structure.definition()``.
    """
    from openpyxl import Workbook

    languages = [c for c in survey["languages"] if c in SURVEY_LANGUAGES]
    default = survey["default_language"]
    languages = [default, *[c for c in languages if c != default]]
    label_cols = [_language_column("label", c) for c in languages]
    hint_cols = [_language_column("hint", c) for c in languages]
    message_cols = [_language_column("constraint_message", c) for c in languages]
    header = [
        "type",
        "name",
        *label_cols,
        *hint_cols,
        "required",
        "relevant",
        "constraint",
        *message_cols,
        "appearance",
        "parameters",
        "teilhabe",
    ]
    survey_rows: list[dict] = []
    choice_rows: list[dict] = []

    def texts(base: str, values: dict | str | None) -> dict:
        if isinstance(values, str):
            values = {default: values}
        return {_language_column(base, c): (values or {}).get(c, "") for c in languages}

    filter_columns: list[str] = []

    def add_choices(list_name: str, items: list[dict]) -> None:
        for item in items:
            row = {"list_name": list_name, "name": item["code"], **texts("label", item["label"])}
            if item.get("target_group"):
                row["target_group"] = item["target_group"]
            # cascading selects: one row per variant (allow_choice_duplicates)
            for variant in item.get("filter_values") or [{}]:
                for column in variant:
                    if column not in filter_columns:
                        filter_columns.append(column)
                choice_rows.append({**row, **variant})

    writer = _Writer(texts, add_choices, *_yes_no_labels(languages))
    for section in sections:
        survey_rows.append(
            {
                "type": "begin group",
                "name": section["code"],
                **texts("label", section.get("title")),
                "relevant": section.get("relevant", ""),
                "appearance": "field-list",
            }
        )
        for q in section["questions"]:
            survey_rows.extend(_question_rows(q, writer))
        survey_rows.append({"type": "end group"})

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    if any(row.get("choice_filter") for row in survey_rows):
        header.insert(header.index("appearance"), "choice_filter")
    sheet.append(header)
    for row in survey_rows:
        append_literal_row(sheet, [row.get(col, "") for col in header])
    choices_sheet = workbook.create_sheet("choices")
    choice_header = ["list_name", "name", *label_cols, "target_group", *filter_columns]
    choices_sheet.append(choice_header)
    for row in choice_rows:
        append_literal_row(choices_sheet, [row.get(col, "") for col in choice_header])
    settings_sheet = workbook.create_sheet("settings")
    extra = {
        name: survey[name]
        for name in (
            "title",
            "description",
            "privacy_notice",
            "thank_you",
            "invitation_text",
            "access_mode",
            "anonymised",
            "languages",
        )
        if survey.get(name) not in (None, {}, [])
    }
    settings_header = ["form_title", "form_id", "version", "default_language", "teilhabe"]
    settings_row = [
        (survey.get("title") or {}).get(default, ""),
        survey.get("form_id") or "survey",
        str(survey.get("version") or 1),
        _language_column("", default).lstrip(":"),
        json.dumps(extra, ensure_ascii=False),
    ]
    if filter_columns:
        settings_header.append("allow_choice_duplicates")
        settings_row.append("yes")
    settings_sheet.append(settings_header)
    append_literal_row(settings_sheet, settings_row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _question_rows(q: dict, writer: _Writer) -> list[dict]:
    qtype = question_type(q["type"])
    code = q["code"]
    texts = writer.texts
    extra: dict[str, Any] = {"type": qtype.kind}
    row: dict[str, Any] = {
        "name": code,
        **texts("label", q.get("text")),
        **texts("hint", q.get("hint")),
        **texts("constraint_message", q.get("validation_message")),
        "required": "yes" if q.get("required") else "",
        "relevant": q.get("relevant", ""),
        "choice_filter": q.get("choice_filter", ""),
    }
    for name in (
        "min_value",
        "max_value",
        "min_length",
        "max_length",
        "scale_min",
        "scale_max",
    ):
        if q.get(name) is not None:
            extra[name] = q[name]
    for name in ("scale_min_label", "scale_max_label"):
        if q.get(name):
            extra[name] = q[name]
    for name in ("pattern", "constraint"):
        if q.get(name):
            extra[name] = q[name]
    for name in ("allow_dont_know", "is_target_group_question"):
        if q.get(name):
            extra[name] = True
    if q.get("allow_other") and not qtype.offers_other:
        extra["allow_other"] = True
    if q.get("widget") == "dropdown" and not qtype.has_widget:
        extra["widget"] = "dropdown"
    if q.get("randomize_choices"):
        row["parameters"] = "randomize=true"
    row["constraint"] = _range_constraint(q)
    rows = qtype.xlsform_rows(q, row, extra, writer)
    row["teilhabe"] = json.dumps(extra, ensure_ascii=False)
    return rows


class _Writer:
    """What a question type's ``xlsform_rows`` writes with: per-language texts and choices."""

    def __init__(self, texts, add_choices, yes: dict, no: dict):
        self.texts = texts
        self.add_choices = add_choices
        self.yes, self.no = yes, no
        self.languages = _langs(texts)

    def other_label(self, language: str) -> str:
        return _other_label(language)

    def specify_label(self, language: str) -> str:
        return _specify_label(language)

    def dont_know_label(self, language: str) -> str:
        return _dont_know_label(language)


def _langs(texts) -> list[str]:
    return [key.rsplit("(", 1)[1].rstrip(")") for key in texts("label", {})]


def _other_label(code: str) -> str:
    with override(code):
        return _("Other")


def _specify_label(code: str) -> str:
    with override(code):
        return _("Please specify")


def _dont_know_label(code: str) -> str:
    with override(code):
        return _("Don't know")
