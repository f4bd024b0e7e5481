"""Reading XLSForm workbooks (see the package docstring for the mapping)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from django.utils.translation import gettext as _

from ... import choice_filters
from ...i18n import SURVEY_LANGUAGES
from ...question_types import QuestionType, for_xlsform
from ...question_types.base import XlsRow
from .. import NotASurvey, ParsedSurvey, check_conditions, fix_choice_codes, resolve_language

TRANSLATABLE = {
    "label": "label",
    "hint": "hint",
    "constraint_message": "constraint_message",
    "constraint message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "bind:jr:constraintmsg": "constraint_message",
    "required_message": "required_message",
    "required message": "required_message",
    "jr:requiredmsg": "required_message",
    "bind:jr:requiredmsg": "required_message",
    "guidance_hint": "guidance_hint",
}
ALIASES = {
    "bind:relevant": "relevant",
    "bind::relevant": "relevant",
    "bind:constraint": "constraint",
    "bind::constraint": "constraint",
    "bind:required": "required",
    "bind::required": "required",
    "control:appearance": "appearance",
    "control::appearance": "appearance",
    "list name": "list_name",
}
KNOWN_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "constraint_message",
    "relevant",
    "constraint",
    "required",
    "appearance",
    "parameters",
    "teilhabe",
}
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "imei",
}
# Metadata every response records anyway (started_at, completed_at and their date).
RECORDED = {"start", "end", "today"}
UNSUPPORTED = {
    "calculate",
    "hidden",
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "file",
    "barcode",
    "time",
    "datetime",
    "acknowledge",
    "trigger",
    "background-audio",
    "xml-external",
    "csv-external",
    "begin_repeat",
    "end_repeat",
}
TRUE = {"yes", "true", "true()", "1", "y"}
FALSE = {"no", "false", "false()", "0", "n", ""}
_REGEX_CONSTRAINT = re.compile(r"^\s*regex\(\s*\.\s*,\s*(['\"])(.*)\1\s*\)\s*$", re.S)
_SELECT = re.compile(
    r"^(select_one|select one|select1|select_multiple|select multiple|select all that apply"
    r"|add select one prompt using|add select multiple prompt using|rank)"
    r"(?:\s+(?:from|using))?\s+(\S+)(\s+(?:or_other|or specify other|or other))?$",
    re.I,
)


_CLASS_ESCAPE = re.compile(r"\\[wWdDsS]")


def odk_regex(pattern: str) -> str | None:
    """An ODK ``regex()`` pattern (XML Schema / Java syntax) as a Python pattern with the same
    meaning, or None when Python cannot check it.

    In ODK a ``-`` next to a class escape inside brackets (``[\\w-\\.]``) is a literal
    hyphen; Python's ``re`` refuses it as a bad range, so it is escaped.
    """
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and out and out[-1] != "[":
            in_class = False
        elif char == "-" and in_class:
            before = out[-1] if out else ""
            after = pattern[i + 1 : i + 3]
            if _CLASS_ESCAPE.fullmatch(before) or _CLASS_ESCAPE.fullmatch(after):
                out.append("\\-")
                i += 1
                continue
        out.append(char)
        i += 1
    translated = "".join(out)
    try:
        re.compile(translated)
    except re.error:
        return None
    return translated


def _split_column(key: str) -> tuple[str, str | None]:
    """``label::German (de)`` -> ("label", "German (de)"); ``bind:relevant`` -> ("relevant")."""
    raw = key.strip()
    low = raw.lower()
    if low in ALIASES:
        return ALIASES[low], None
    for prefix in sorted(TRANSLATABLE, key=len, reverse=True):
        if low == prefix:
            return TRANSLATABLE[prefix], None
        for sep in ("::", ":"):
            if low.startswith(prefix + sep):
                return TRANSLATABLE[prefix], raw[len(prefix) + len(sep) :].strip()
    return low, None


class _Texts:
    """Collects the per-language columns of a sheet and resolves their languages."""

    def __init__(self, parsed: ParsedSurvey, default_language: str):
        self.parsed = parsed
        self.default = default_language
        self.languages: list[str] = []
        self._cache: dict[str, str | None] = {}
        self._reported: set[str] = set()

    def language(self, name: str | None) -> str | None:
        if name is None:
            return self.default
        if name not in self._cache:
            code = resolve_language(name)
            self._cache[name] = code
            if code is None and name not in self._reported:
                self._reported.add(name)
                self.parsed.warn(
                    "",
                    _(
                        "Columns for the language %(name)s were ignored: surveys can be offered "
                        "in %(known)s."
                    )
                    % {"name": repr(name), "known": ", ".join(SURVEY_LANGUAGES)},
                )
        code = self._cache[name]
        if code and code not in self.languages:
            self.languages.append(code)
        return code

    def read(self, row: dict, base: str) -> dict:
        texts: dict[str, str] = {}
        for key, value in row.items():
            name, lang = _split_column(key)
            if name != base or not value:
                continue
            code = self.language(lang)
            if code:
                # A column with the language spelled out wins over the one without.
                if lang is not None or code not in texts:
                    texts[code] = str(value).strip()
        return texts


def _select_word(kind: str) -> str:
    """The select kinds of ``_SELECT`` as the three words the question types read."""
    kind = kind.lower()
    if kind == "rank":
        return "rank"
    if "one" in kind or kind == "select1":
        return "select_one"
    return "select_multiple"


def _alias(raw_type: str) -> str | None:
    """The plain XLSForm type behind one of pyxform's many aliases ("q int", "add text
    prompt", "q note" …), read from pyxform's own type dictionary; None if not one of them."""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    entry = QUESTION_TYPE_DICT.get(raw_type) or QUESTION_TYPE_DICT.get(raw_type.lower())
    if not entry:
        return None
    bind = entry.get("bind", {})
    control = entry.get("control", {})
    if any(key.startswith("jr:preload") for key in bind) or control.get("tag") != "input":
        return None
    if bind.get("readonly") == "true()":
        return "note"
    return {"string": "text", "int": "integer", "decimal": "decimal", "date": "date"}.get(
        bind.get("type", "")
    )


def _bool(value: Any, code: str, parsed: ParsedSurvey, column: str) -> bool:
    text = str(value or "").strip().lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        parsed.warn(
            code,
            _(
                "The %(column)s value %(value)s is not supported; the question was imported as "
                "not %(column)s."
            )
            % {"column": column, "value": repr(value)},
        )
    return False


def _parameters(text: str) -> dict[str, str]:
    params = {}
    for part in re.split(r"[\s;,]+", text or ""):
        if "=" in part:
            key, value = part.split("=", 1)
            params[key.strip().lower()] = value.strip()
    return params


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


_CSV_SURVEY_ROW = re.compile(r'^\s*"?survey"?\s*,', re.M | re.I)


def is_csv_xlsform(data: bytes) -> bool:
    """An XLSForm saved as CSV (pyxform's format: a row naming the ``survey`` sheet, then its
    rows with the first column empty). An ordinary CSV table is not one."""
    try:
        text = data[:200_000].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and bool(_CSV_SURVEY_ROW.search(text))


def _read_workbook(data: bytes):
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    if data[:4] == b"PK\x03\x04":
        file_type = ".xlsx"
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        file_type = ".xls"
    elif is_csv_xlsform(data):
        file_type = ".csv"
    else:
        raise NotASurvey(_("The file is not an Excel workbook (.xlsx or .xls)."))
    try:
        workbook = get_xlsform(io.BytesIO(data), file_type=file_type)
    except (PyXFormError, ValueError, KeyError, OSError, TypeError) as exc:
        raise NotASurvey(_("The workbook could not be read: %(error)s") % {"error": exc}) from exc
    names = [name.lower() for name in (workbook.sheet_names or [])]
    if "survey" not in names:
        raise NotASurvey(
            _(
                "The workbook has no sheet named 'survey', so it is not an XLSForm (sheets: "
                "%(names)s)."
            )
            % {"names": ", ".join(workbook.sheet_names or []) or "–"}
        )
    headers = {str(h).strip().lower() for h in _header_names(workbook.survey_header)}
    if "type" not in headers or "name" not in headers:
        raise NotASurvey(
            _("The 'survey' sheet needs the columns 'type' and 'name'; it is not an XLSForm.")
        )
    return workbook


def _header_names(header) -> list[str]:
    if not header:
        return []
    if isinstance(header, list):
        names = []
        for item in header:
            names.extend(item.keys() if isinstance(item, dict) else [item])
        return names
    return list(header)


def parse(data: bytes) -> ParsedSurvey:
    """Read an XLSForm workbook; raises ``NotASurvey`` when it is not one."""
    workbook = _read_workbook(data)
    parsed = ParsedSurvey(format="xlsform", definition={})
    settings_rows = workbook.settings or []
    settings = {
        str(k).strip().lower(): v for k, v in (settings_rows[0] if settings_rows else {}).items()
    }
    extra = _json(settings.get("teilhabe"), "", parsed)
    default = resolve_language(settings.get("default_language") or "") or extra.get(
        "default_language"
    )
    texts = _Texts(parsed, default or "de")
    label_columns = [_split_column(str(k)) for k in _header_names(workbook.survey_header)]
    plain_label = ("label", None) in label_columns
    named_labels = [lang for name, lang in label_columns if name == "label" and lang]
    if default is None and plain_label and named_labels:
        # A plain "label" column beside "label::French": pyxform calls the plain one the
        # default language, a different one from French. It is kept (taken to be German)
        # instead of being overwritten by the French texts.
        parsed.warn(
            "",
            _(
                "The form has a 'label' column without a language beside %(columns)s: its "
                "texts were taken to be German (de). Set default_language in the settings "
                "sheet if they are not."
            )
            % {"columns": ", ".join(f"label::{lang}" for lang in named_labels)},
        )
    elif default is None:
        # No default language declared: the first language named in a label column is the
        # default, and labels without a language are taken to be in it.
        for key in _header_names(workbook.survey_header):
            name, lang = _split_column(str(key))
            if name == "label" and lang and resolve_language(lang):
                texts.default = resolve_language(lang)
                break
        else:
            if settings.get("default_language"):
                parsed.warn(
                    "",
                    _(
                        "The default language %(name)s is not one surveys can be offered in; "
                        "German was assumed."
                    )
                    % {"name": repr(settings.get("default_language"))},
                )
            elif any(
                _split_column(str(k))[0] == "label" for k in _header_names(workbook.survey_header)
            ):
                parsed.warn(
                    "",
                    _(
                        "The form names no language: its texts were taken to be German (de). "
                        "Change the languages in the survey's settings if they are not."
                    ),
                )
    choices = _read_choices(workbook.choices or [], texts, parsed)
    sections = _read_survey(workbook.survey or [], choices, texts, parsed)
    definition: dict[str, Any] = {
        "title": {texts.default: str(settings.get("form_title") or settings.get("form_id") or "")},
        "default_language": texts.default,
        "sections": sections,
    }
    if not definition["title"][texts.default]:
        definition["title"] = {texts.default: _("Imported survey")}
    for name in (
        "title",
        "description",
        "privacy_notice",
        "thank_you",
        "invitation_text",
        "access_mode",
        "anonymised",
    ):
        if name in extra:
            definition[name] = extra[name]
    languages = list(dict.fromkeys([texts.default, *texts.languages, *extra.get("languages", [])]))
    definition["languages"] = [code for code in languages if code in SURVEY_LANGUAGES]
    parsed.definition = definition
    if not any(s["questions"] for s in sections):
        raise NotASurvey(_("The 'survey' sheet contains no questions."))
    fix_choice_codes(parsed)
    check_conditions(parsed)
    return parsed


def _json(value, code: str, parsed: ParsedSurvey) -> dict:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict):
        parsed.warn(code, _("The teilhabe column does not hold a JSON object; it was ignored."))
        return {}
    return data


# Columns of the choices sheet that are no filter columns of cascading selects.
CHOICE_COLUMNS = {"list_name", "list name", "name", "label", "image", "audio", "video", "media",
                  "target_group", "teilhabe"}  # fmt: skip


def _read_choices(rows: list[dict], texts: _Texts, parsed: ParsedSurvey) -> dict[str, list]:
    """Choice lists; the other columns of a row (``county`` for a list of cities) are the values
    cascading selects filter on. A name listed twice in one list (``allow_choice_duplicates``:
    a city name in two counties) is one answer code that belongs to both."""
    lists: dict[str, list[dict]] = {}
    by_code: dict[tuple[str, str], dict] = {}
    for row in rows:
        norm = {_split_column(str(k))[0]: v for k, v in row.items()}
        list_name = str(norm.get("list_name") or "").strip()
        name = str(norm.get("name") or "").strip()
        if not list_name and not name:
            continue
        if not list_name or not name:
            parsed.warn(
                "",
                _("A row of the choices sheet without list name or name was skipped (%(row)s).")
                % {"row": ", ".join(f"{k}={v}" for k, v in row.items())},
            )
            continue
        variant = {
            str(k).strip(): str(v).strip()
            for k, v in norm.items()
            if str(k).strip().lower() not in CHOICE_COLUMNS
            and not str(k).lower().startswith(("media", "label", "image"))
            and v not in (None, "")
        }
        known = by_code.get((list_name, name))
        if known is not None:
            if variant and variant not in known["filter_values"]:
                known["filter_values"].append(variant)
            continue
        item = {"code": name, "label": texts.read(row, "label") or {texts.default: name}}
        if norm.get("target_group"):
            item["target_group"] = str(norm["target_group"]).strip()
        if variant:
            item["filter_values"] = [variant]
        by_code[(list_name, name)] = item
        lists.setdefault(list_name, []).append(item)
    return lists


def _combine(outer: str, inner: str) -> str:
    if outer and inner:
        return f"({outer}) and ({inner})"
    return outer or inner


def _read_survey(
    rows: list[dict], choices: dict[str, list], texts: _Texts, parsed: ParsedSurvey
) -> list[dict]:
    sections: list[dict] = []
    current: dict | None = None  # the open top-level section
    stack: list[dict] = []  # open groups: {"kind": "section"|"matrix"|"nested"|"repeat", ...}
    pending_other: dict[str, dict] = {}  # code of "_other" text question -> its question
    used: set[str] = set()  # question codes taken so far
    names = {str(_norm_name(row)) for row in rows}

    def section_for_loose() -> dict:
        nonlocal current
        if current is None:
            current = {
                "code": f"page{len(sections) + 1}",
                "title": {},
                "relevant": "",
                "questions": [],
            }
            sections.append(current)
        return current

    def nested_relevant() -> str:
        source = ""
        for group in stack:
            if group["kind"] in ("nested", "repeat") and group.get("relevant"):
                source = _combine(source, group["relevant"])
        return source

    for index, row in enumerate(rows, start=2):
        norm: dict[str, Any] = {}
        for key, value in row.items():
            name, _lang = _split_column(str(key))
            if _lang is None:
                norm[name] = value
        raw_type = re.sub(r"\s+", " ", str(norm.get("type") or "").strip())
        code = str(norm.get("name") or "").strip()
        low = raw_type.lower().replace(" ", "_") if not _SELECT.match(raw_type) else ""
        if not raw_type:
            continue
        if low in ("end_group", "end"):
            if not stack:
                parsed.warn("", _("Row %(row)s: 'end group' without a group.") % {"row": index})
                continue
            group = stack.pop()
            if group["kind"] == "section":
                current = None
            elif group["kind"] == "matrix":
                _finish_matrix(group, choices, parsed)
            elif group["kind"] == "cells":
                _finish_cells(group, parsed)
            continue
        if low == "end_repeat":
            if stack:
                stack.pop()
            continue
        if low in ("begin_group", "begin_repeat"):
            extra = _json(norm.get("teilhabe"), code, parsed)
            relevant = str(norm.get("relevant") or "").strip()
            if low == "begin_repeat":
                parsed.warn(
                    code,
                    _("Repeats are not supported; the questions of the repeat were imported once."),
                )
                stack.append({"kind": "repeat", "relevant": relevant, "code": code})
            elif extra.get("type") == "matrix":
                stack.append(
                    {
                        "kind": "matrix",
                        "code": code,
                        "text": texts.read(row, "label"),
                        "hint": texts.read(row, "hint"),
                        "relevant": _combine(nested_relevant(), relevant),
                        "extra": extra,
                        "rows": [],
                        "target": section_for_loose(),
                    }
                )
            elif extra.get("type") in CELL_MATRICES:
                # A matrix of cells written by Teilhabe: its rows and columns are in the
                # teilhabe column; the typed rows inside (one per cell) are for ODK and KoBo.
                stack.append(
                    {
                        "kind": "cells",
                        "code": code,
                        "text": texts.read(row, "label"),
                        "hint": texts.read(row, "hint"),
                        "relevant": _combine(nested_relevant(), relevant),
                        "extra": extra,
                        "target": section_for_loose(),
                    }
                )
            elif not stack:
                current = {
                    "code": code or f"page{len(sections) + 1}",
                    "title": texts.read(row, "label"),
                    "relevant": relevant,
                    "questions": [],
                }
                sections.append(current)
                stack.append({"kind": "section"})
            else:
                parsed.warn(
                    code,
                    _(
                        "The group inside a page was flattened: its questions are on the page "
                        "itself (its condition is kept on each question)."
                    ),
                )
                stack.append({"kind": "nested", "relevant": relevant})
            continue
        if stack and stack[-1]["kind"] == "cells":
            if _bool(norm.get("required"), code, parsed, "required"):
                stack[-1]["required"] = True
            continue
        if stack and stack[-1]["kind"] == "matrix":
            select = _SELECT.match(raw_type)
            if (
                select
                and select.group(1).lower().startswith("select")
                and "one" in select.group(1).lower()
            ):
                matrix = stack[-1]
                matrix.setdefault("list", select.group(2))
                prefix = matrix["code"] + "_"
                row_code = code[len(prefix) :] if code.startswith(prefix) else code
                matrix["rows"].append(
                    {"code": row_code, "label": texts.read(row, "label") or {texts.default: code}}
                )
                if _bool(norm.get("required"), code, parsed, "required"):
                    matrix["required"] = True
            else:
                parsed.warn(
                    code,
                    _("Only single-choice rows fit in a matrix; %(type)s was skipped.")
                    % {"type": raw_type},
                )
            continue
        question = _question(raw_type, code, row, norm, choices, texts, parsed)
        if question is None:
            continue
        if code in pending_other and question["type"] == "text":
            # The "please specify" text of an earlier choice question: folded into it.
            pending_other.pop(code)
            continue
        if question["code"] in used and question["type"] == "display":
            # pyxform accepts two notes of the same name in different groups ("intro");
            # codes are unique in a survey, so the later note is renamed (it holds no
            # answers, so no data depends on its name). Answered questions stay refused.
            n = 2
            while f"{code}_{n}" in used or f"{code}_{n}" in names:
                n += 1
            question["code"] = f"{code}_{n}"
            parsed.warn(
                code,
                _("A second question is named %(code)s; it was imported as %(new)s.")
                % {"code": code, "new": question["code"]},
            )
        used.add(question["code"])
        question["relevant"] = _combine(nested_relevant(), question.get("relevant", ""))
        repeat = next((g for g in reversed(stack) if g["kind"] == "repeat"), None)
        if repeat is not None:
            parsed.warn(
                code,
                _(
                    "The question is inside the repeat %(repeat)s, which is not supported: it is "
                    "asked once."
                )
                % {"repeat": repeat.get("code") or "–"},
            )
        section_for_loose()["questions"].append(question)
        if question.get("allow_other"):
            pending_other[f"{code}_other"] = question
        select = _SELECT.match(raw_type)
        if question["type"] == "ranking" and select and select.group(3):
            _rank_or_other(question, names, texts, section_for_loose(), parsed)
            used.add(f"{code}_other")
    if stack:
        parsed.warn("", _("A group was not closed with 'end group'; it ends with the sheet."))
        while stack:
            group = stack.pop()
            if group["kind"] == "matrix":
                _finish_matrix(group, choices, parsed)
            elif group["kind"] == "cells":
                _finish_cells(group, parsed)
    return [s for s in sections if s["questions"] or s["title"]]


def _norm_name(row: dict) -> str:
    for key, value in row.items():
        if _split_column(str(key)) == ("name", None):
            return str(value or "").strip()
    return ""


def _rank_or_other(
    question: dict, names: set[str], texts: _Texts, section: dict, parsed: ParsedSurvey
) -> None:
    """``rank … or_other`` as pyxform builds it: an "Other" item to rank, and a text question
    ``<code>_other`` for what it is (unless the form has a row of that name itself)."""
    from ...answering.values import OTHER

    code = question["code"]
    if not any(c["code"] == OTHER for c in question["choices"]):
        question["choices"].append({"code": OTHER, "label": {texts.default: _("Other")}})
    if f"{code}_other" in names:
        return
    section["questions"].append(
        {
            "code": f"{code}_other",
            "type": "text",
            "text": {texts.default: _("Other: please specify")},
            "hint": {},
            "relevant": question.get("relevant", ""),
            "required": False,
            "constraint": "",
        }
    )
    parsed.warn(
        code,
        _("The ranking allows an 'other' item: the text question %(code)s_other asks what it is.")
        % {"code": code},
    )


def _finish_matrix(group: dict, choices: dict[str, list], parsed: ParsedSurvey) -> None:
    options = [dict(c) for c in choices.get(group.get("list") or "", [])]
    if not group["rows"] or not options:
        parsed.warn(
            group["code"],
            _("The matrix has no rows or no choice list; it was skipped."),
        )
        return
    question = {
        "code": group["code"],
        "type": "matrix",
        "text": group["text"],
        "hint": group["hint"],
        "relevant": group["relevant"],
        "required": group.get("required", False),
        "rows": group["rows"],
        "choices": options,
    }
    for key, value in group["extra"].items():
        if key != "type":
            question[key] = value
    group["target"]["questions"].append(question)


CELL_MATRICES = ("matrix_number", "matrix_text")


def _finish_cells(group: dict, parsed: ParsedSurvey) -> None:
    extra = dict(group["extra"])
    rows, columns = extra.pop("rows", None), extra.pop("columns", None)
    valid = all(
        isinstance(items, list)
        and items
        and all(
            isinstance(i, dict) and i.get("code") and isinstance(i.get("label"), dict)
            for i in items
        )
        for items in (rows, columns)
    )
    if not valid:
        parsed.warn(
            group["code"],
            _(
                "The matrix of cells has no rows or no columns in its teilhabe column; it was "
                "skipped."
            ),
        )
        return
    question = {
        "code": group["code"],
        "text": group["text"],
        "hint": group["hint"],
        "relevant": group["relevant"],
        "required": group.get("required", False),
        "rows": [{"code": str(i["code"]), "label": i["label"]} for i in rows],
        "choices": [{"code": str(i["code"]), "label": i["label"]} for i in columns],
    }
    question.update(extra)
    group["target"]["questions"].append(question)


def _question_type(
    raw_type: str,
    select,
    code: str,
    choices: dict[str, list],
    appearance: str,
    params: dict,
    parsed: ParsedSurvey,
) -> tuple[QuestionType, XlsRow] | None:
    """The question type that reads the row (see ``surveys.question_types``), and the row as
    the types see it; None (reported) if the choice list is missing or no type reads it."""
    row_view = XlsRow(
        word=raw_type.lower().replace(" ", "_"),
        select=bool(select),
        appearance=appearance,
        params=params,
        warn=lambda message: parsed.warn(code, message),
        number=_number,
    )
    if select:
        list_name = select.group(2)
        row_view.word = _select_word(select.group(1))
        row_view.options = [dict(c) for c in choices.get(list_name, [])]
        row_view.or_other = bool(select.group(3))
        if not row_view.options:
            parsed.warn(
                code,
                _(
                    "The choice list %(list)s is missing from the choices sheet; the question "
                    "was skipped."
                )
                % {"list": list_name},
            )
            return None
    qtype = for_xlsform(row_view)
    if qtype is None and not select:
        row_view.word, row_view.appearance = _alias(raw_type) or "", ""
        qtype = for_xlsform(row_view)
    if qtype is None:
        parsed.warn(
            code,
            _("The question type %(type)s is not supported; the question was skipped.")
            % {"type": raw_type},
        )
        return None
    return qtype, row_view


def _question(
    raw_type: str,
    code: str,
    row: dict,
    norm: dict,
    choices: dict[str, list],
    texts: _Texts,
    parsed: ParsedSurvey,
) -> dict | None:
    low = raw_type.lower().replace(" ", "_")
    if not code:
        parsed.warn("", _("A %(type)s row without a name was skipped.") % {"type": raw_type})
        return None
    if low in RECORDED:
        # Every response records when it was started and completed: nothing to import.
        return None
    if low in METADATA:
        parsed.warn(
            code, _("The metadata field %(type)s is not a question; skipped.") % {"type": raw_type}
        )
        return None
    if low in UNSUPPORTED or low.startswith(("select_one_from_file", "select_multiple_from_file")):
        parsed.warn(
            code,
            _("The question type %(type)s is not supported; the question was skipped.")
            % {"type": raw_type},
        )
        return None
    extra = _json(norm.get("teilhabe"), code, parsed)
    appearance = str(norm.get("appearance") or "").strip().lower()
    params = _parameters(str(norm.get("parameters") or ""))
    question: dict[str, Any] = {
        "code": code,
        "text": texts.read(row, "label"),
        "hint": texts.read(row, "hint"),
        "relevant": str(norm.get("relevant") or "").strip(),
        "required": _bool(norm.get("required"), code, parsed, "required"),
    }
    message = texts.read(row, "constraint_message")
    if message:
        question["validation_message"] = message
    select = _SELECT.match(raw_type)
    found = _question_type(raw_type, select, code, choices, appearance, params, parsed)
    if found is None:
        return None
    qtype, row_view = found
    question["type"] = qtype.kind
    qtype.xlsform_read(question, row_view)
    if select:
        if params.get("randomize", "").lower() in TRUE:
            question["randomize_choices"] = True
        if norm.get("choice_filter"):
            source = str(norm["choice_filter"]).strip()
            try:
                choice_filters.parse(source)
                question["choice_filter"] = source
            except ValueError:
                parsed.warn(
                    code,
                    _("The choice filter %(f)s is not supported; all choices are shown.")
                    % {"f": source},
                )
    constraint = str(norm.get("constraint") or "").strip()
    regex = _REGEX_CONSTRAINT.match(constraint)
    if regex and qtype.takes_pattern:
        pattern = odk_regex(regex.group(2))
        if pattern is None:
            parsed.warn(
                code,
                _(
                    "The check %(check)s uses a regular expression that cannot be checked "
                    "here; answers are accepted without it."
                )
                % {"check": constraint},
            )
        else:
            if pattern != regex.group(2):
                parsed.warn(
                    code,
                    _("The regular expression %(old)s was written as %(new)s (same meaning).")
                    % {"old": regex.group(2), "new": pattern},
                )
            question["pattern"] = pattern
        constraint = ""
    question["constraint"] = constraint
    if extra:
        # Written by this application: the constraint column merges ranges and patterns
        # for ODK tools; the JSON keeps them apart.
        question["constraint"] = ""
        question.pop("pattern", None)
    for key, value in extra.items():
        if key == "generated_choices":
            continue
        question[key] = value
    if extra.get("generated_choices"):
        question["choices"] = []
    if not question["text"] and qtype.answered:
        question["text"] = {texts.default: code}
        parsed.warn(code, _("The question has no label; its name is used as its text."))
    for key in norm:
        if key not in KNOWN_COLUMNS and key not in ("list_name",) and norm[key] not in (None, ""):
            if key in ("choice_filter",):
                continue
            parsed.warn(
                code,
                _("The column %(column)s (%(value)s) is not supported and was ignored.")
                % {"column": key, "value": norm[key]},
            )
    for key, value in row.items():
        name, lang = _split_column(str(key))
        if name in ("required_message", "guidance_hint") and value:
            parsed.warn(
                code,
                _("The column %(column)s is not supported and was ignored.") % {"column": key},
            )
    return question
