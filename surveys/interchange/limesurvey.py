"""LimeSurvey survey structure files (``.lss``) to a survey definition.

Both layouts are read: the older one (LimeSurvey 2/3) repeats every group, question and answer
row once per language with the text inline; the newer one (LimeSurvey 4 and later) has one row
per item and the texts in ``group_l10ns``, ``question_l10ns`` and ``answer_l10ns``.

Question types (LimeSurvey's one-letter codes) map as follows (each question type reads its own:
``limesurvey_types`` and ``limesurvey_read`` in ``surveys.question_types``); everything else is
reported:

=====================  =====================================================================
``L`` ``!`` ``O``      single choice (``!`` as dropdown; ``O``'s comment is not imported)
``M`` ``P``            multiple choice (``P``'s comments are not imported)
``Y`` / ``G``          yes/no / single choice female-male
``5``                  rating scale 1–5
``A`` ``B`` ``C``      matrix with a 1–5 / 1–10 / yes-no-uncertain scale
``E`` ``F`` ``H``      matrix (increase-same-decrease / the question's answers)
``1``                  two matrices, one per scale
``:`` / ``;``          matrix of numbers / of short texts (rows × columns)
``K`` / ``Q``          one number / short text question per item
``R``                  ranking
``N``                  decimal number (whole number when ``num_value_int_only``)
``S`` / ``T`` ``U``    short / long text
``D`` / ``X``          date / display text
=====================  =====================================================================

Relevance equations are translated into the condition language where it can express them:
``Q1 == "A1"`` (also ``eq``, ``!=``, ``<`` … and ``Q1.NAOK``), ``is_empty(Q1)``,
``!is_empty(Q1)``, ``and``/``&&``, ``or``/``||``, ``!``/``not``, and ``Q2_SQ001 == "Y"`` for a
ticked multiple-choice option (``selected(${Q2}, 'SQ001')``). Anything else (functions such as
``count()``, SGQA names, arithmetic) is reported and the question imported without condition.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..question_types import for_limesurvey, question_type
from ..question_types.base import LsQuestion
from . import NotASurvey, ParsedSurvey, check_conditions, fix_choice_codes, resolve_language


def _text(value: str | None) -> str:
    """LimeSurvey texts are HTML; the survey shows plain text."""
    if not value:
        return ""
    value = re.sub(r"<\s*br\s*/?\s*>|</p\s*>", "\n", value, flags=re.I)
    value = html.unescape(strip_tags(value))
    value = re.sub(r"[ \t\r\f\v]+", " ", value)
    return re.sub(r"\n\s*\n+", "\n\n", value).strip()


def _table(root, name: str) -> list[dict[str, str]]:
    element = root.find(name)
    if element is None:
        return []
    rows = element.find("rows")
    if rows is None:
        return []
    return [{child.tag: (child.text or "") for child in row} for row in rows.findall("row")]


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class _Languages:
    def __init__(self, parsed: ParsedSurvey):
        self.parsed = parsed
        self.map: dict[str, str | None] = {}

    def __call__(self, ls_code: str) -> str | None:
        if ls_code not in self.map:
            code = resolve_language(ls_code)
            self.map[ls_code] = code
            if code is None:
                self.parsed.warn(
                    "",
                    _(
                        "Texts in the language %(code)s were not imported: surveys cannot be "
                        "offered in it."
                    )
                    % {"code": repr(ls_code)},
                )
        return self.map[ls_code]


def _parse_xml(data: bytes):
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise NotASurvey(
            _(
                "The file is not well-formed XML, so it is not a LimeSurvey structure file: "
                "%(error)s"
            )
            % {"error": exc}
        ) from exc
    doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or not doc_type:
        raise NotASurvey(
            _(
                "The XML file is not a LimeSurvey structure file (.lss): it has no "
                "LimeSurveyDocType."
            )
        )
    if doc_type != "Survey":
        raise NotASurvey(
            _("The LimeSurvey file is a %(kind)s export, not a survey structure (.lss).")
            % {"kind": doc_type}
        )
    if root.find("questions") is None:
        raise NotASurvey(_("The LimeSurvey file contains no questions."))
    return root


def parse(data: bytes) -> ParsedSurvey:
    """Read a LimeSurvey structure file; raises ``NotASurvey`` when it is not one."""
    root = _parse_xml(decode_lss(data))
    parsed = ParsedSurvey(format="limesurvey", definition={})
    lang = _Languages(parsed)
    new_format = root.find("question_l10ns") is not None or root.find("group_l10ns") is not None

    survey_rows = _table(root, "surveys")
    survey_row = survey_rows[0] if survey_rows else {}
    ls_languages = [(e.text or "").strip() for e in root.findall("languages/language")]
    if not ls_languages and survey_row:
        ls_languages = [survey_row.get("language", "")] + (
            survey_row.get("additional_languages", "").split()
        )
    base = survey_row.get("language") or (ls_languages[0] if ls_languages else "")
    languages = [c for c in dict.fromkeys(lang(code) for code in ls_languages if code) if c]
    default = lang(base) if base else None
    if default is None:
        if not languages:
            raise NotASurvey(
                _("The LimeSurvey file has no language surveys can be offered in (%(codes)s).")
                % {"codes": ", ".join(ls_languages) or "–"}
            )
        default = languages[0]

    # --- texts --------------------------------------------------------------------------
    def texts_of(rows: list[dict], key: str, field: str) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for row in rows:
            code = lang(row.get("language", base) or base)
            value = _text(row.get(field))
            if code and value:
                result.setdefault(row[key], {}).setdefault(code, value)
        return result

    if new_format:
        groups = {r["gid"]: r for r in _table(root, "groups")}
        group_titles = texts_of(_table(root, "group_l10ns"), "gid", "group_name")
        group_descriptions = texts_of(_table(root, "group_l10ns"), "gid", "description")
        q_rows = _table(root, "questions") + _table(root, "subquestions")
        questions = {r["qid"]: r for r in q_rows}
        q_l10ns = _table(root, "question_l10ns")
        q_texts = texts_of(q_l10ns, "qid", "question")
        q_help = texts_of(q_l10ns, "qid", "help")
        answers = {r["aid"]: r for r in _table(root, "answers")}
        a_texts = texts_of(_table(root, "answer_l10ns"), "aid", "answer")
        answer_rows = [dict(r, _key=r["aid"]) for r in answers.values()]
    else:
        groups = {}
        for r in _table(root, "groups"):
            groups.setdefault(r["gid"], r)
        group_titles = texts_of(_table(root, "groups"), "gid", "group_name")
        group_descriptions = texts_of(_table(root, "groups"), "gid", "description")
        q_rows = _table(root, "questions") + _table(root, "subquestions")
        questions = {}
        for r in q_rows:
            questions.setdefault(r["qid"], r)
        q_texts = texts_of(q_rows, "qid", "question")
        q_help = texts_of(q_rows, "qid", "help")
        raw_answers = _table(root, "answers")
        answer_rows = []
        seen_answers = set()
        for r in raw_answers:
            key = f"{r['qid']}|{r.get('scale_id', '0')}|{r['code']}"
            if key not in seen_answers:
                seen_answers.add(key)
                answer_rows.append(dict(r, _key=key))
        a_texts = texts_of(
            [dict(r, _key=f"{r['qid']}|{r.get('scale_id', '0')}|{r['code']}") for r in raw_answers],
            "_key",
            "answer",
        )
    attributes: dict[str, dict[str, str]] = {}
    for r in _table(root, "question_attributes"):
        attributes.setdefault(r.get("qid", ""), {}).setdefault(
            r.get("attribute", ""), r.get("value", "")
        )

    answers_by_q: dict[str, list[dict]] = {}
    for r in answer_rows:
        answers_by_q.setdefault(r["qid"], []).append(r)
    for items in answers_by_q.values():
        items.sort(key=lambda r: _int(r.get("sortorder")))
    subs_by_q: dict[str, list[dict]] = {}
    for r in questions.values():
        if r.get("parent_qid") not in (None, "", "0"):
            subs_by_q.setdefault(r["parent_qid"], []).append(r)
    for items in subs_by_q.values():
        items.sort(key=lambda r: _int(r.get("question_order")))

    def choice_list(qid: str, scale: str = "0") -> list[dict]:
        return [
            {"code": r["code"], "label": a_texts.get(r["_key"]) or {default: r["code"]}}
            for r in answers_by_q.get(qid, [])
            if (r.get("scale_id") or "0") == scale
        ]

    def sub_list(qid: str, scale: str = "0") -> list[dict]:
        return [
            {"code": r["title"], "label": q_texts.get(r["qid"]) or {default: r["title"]}}
            for r in subs_by_q.get(qid, [])
            if (r.get("scale_id") or "0") == scale
        ]

    # --- structure ----------------------------------------------------------------------
    top = [r for r in questions.values() if r.get("parent_qid") in (None, "", "0")]
    by_group: dict[str, list[dict]] = {}
    for r in top:
        by_group.setdefault(r["gid"], []).append(r)
    sections = []
    used_codes: set[str] = set()
    context = _Context()
    for gid in sorted(groups, key=lambda g: _int(groups[g].get("group_order"))):
        group = groups[gid]
        section = {
            "code": f"g{gid}",
            "title": group_titles.get(gid, {}),
            "description": group_descriptions.get(gid, {}),
            "relevant": _relevance(group.get("grelevance", ""), f"g{gid}", context, parsed),
            "questions": [],
        }
        for row in sorted(by_group.get(gid, []), key=lambda r: _int(r.get("question_order"))):
            found = _question(
                row,
                q_texts.get(row["qid"], {}),
                q_help.get(row["qid"], {}),
                attributes.get(row["qid"], {}),
                choice_list,
                sub_list,
                default,
                [default, *languages],
                parsed,
            )
            for question in found:
                # LimeSurvey lets two questions share a code; answers need them apart
                code = question["code"]
                if code in used_codes:
                    number = 2
                    while f"{code}_{number}" in used_codes:
                        number += 1
                    question["code"] = f"{code}_{number}"
                    parsed.warn(
                        question["code"],
                        _(
                            "The question code %(old)s was used more than once; this question "
                            "was renamed to %(new)s."
                        )
                        % {"old": code, "new": question["code"]},
                    )
                used_codes.add(question["code"])
                question["relevant"] = _relevance(
                    row.get("relevance", ""), question["code"], context, parsed
                )
                section["questions"].append(question)
                context.add(question)
        sections.append(section)

    settings = {}
    for r in _table(root, "surveys_languagesettings"):
        code = lang(r.get("surveyls_language", ""))
        if not code:
            continue
        for field, source in (
            ("title", "surveyls_title"),
            ("description", "surveyls_description"),
            ("privacy_notice", "surveyls_policy_notice"),
            ("thank_you", "surveyls_endtext"),
        ):
            value = _text(r.get(source))
            if value:
                settings.setdefault(field, {})[code] = value
        welcome = _text(r.get("surveyls_welcometext"))
        if welcome:
            description = settings.setdefault("description", {})
            description[code] = (
                f"{description[code]}\n\n{welcome}" if description.get(code) else welcome
            )
    parsed.definition = {
        "title": settings.get("title") or {default: _("Imported survey")},
        "description": settings.get("description", {}),
        "privacy_notice": settings.get("privacy_notice", {}),
        "thank_you": settings.get("thank_you", {}),
        "languages": list(dict.fromkeys([default, *languages])),
        "default_language": default,
        "anonymised": survey_row.get("anonymized", "N") == "Y",
        "sections": [s for s in sections if s["questions"]],
    }
    _expressions_in_texts(parsed)
    _report_not_imported(root, questions, parsed)
    for section in sections:
        if not section["questions"]:
            parsed.warn(
                section["code"],
                _("The question group %(title)s has no importable questions; it was skipped.")
                % {"title": next(iter(section["title"].values()), section["code"])},
            )
    if not parsed.definition["sections"]:
        raise NotASurvey(_("The LimeSurvey file contains no questions that can be imported."))
    fix_choice_codes(parsed)
    check_conditions(parsed)
    return parsed


# Expression Manager code inside a text: ``{OLD_CODE1.shown}``, ``{TOKEN:FIRSTNAME}``,
# ``{if(Q1 == 'Y', 'a', 'b')}``. LimeSurvey reads a brace followed by white space as plain text.
_EM = re.compile(r"\{(?![\s}])[^{}\n]{1,400}\}")


def _expressions_in_texts(parsed: ParsedSurvey) -> None:
    """Texts here are plain text: Expression Manager code would be shown raw to respondents.
    ``{SURVEYNAME}`` becomes the survey's title; anything else is taken out of the text and
    reported with the question it was in."""
    definition = parsed.definition
    languages = set(definition.get("languages") or [])
    titles = definition.get("title") or {}

    def clean(obj, where: str):
        if isinstance(obj, dict):
            if obj and set(obj) <= languages and all(isinstance(v, str) for v in obj.values()):
                for code, value in obj.items():
                    obj[code] = clean_text(value, code, where)
                return
            for key, value in obj.items():
                if key not in ("code", "type", "relevant", "constraint", "pattern"):
                    clean(value, where)
        elif isinstance(obj, list):
            for item in obj:
                clean(item, where)

    def clean_text(value: str, language: str, where: str) -> str:
        found = []

        def replace(match):
            inner = match.group(0)[1:-1].strip()
            if inner.upper() == "SURVEYNAME":
                return titles.get(language) or next(iter(titles.values()), "")
            found.append(match.group(0))
            return "…"

        result = _EM.sub(replace, value)
        for expression in dict.fromkeys(found):
            parsed.warn(
                where,
                _(
                    "The text contained LimeSurvey Expression Manager code %(code)s, which "
                    "surveys here cannot run; it was replaced by “…”. Rewrite the text."
                )
                % {"code": expression},
            )
        return result

    for key in ("title", "description", "privacy_notice", "thank_you"):
        clean(definition.get(key), "")
    for section in definition.get("sections", []):
        clean(section.get("title"), section["code"])
        clean(section.get("description"), section["code"])
        for question in section.get("questions", []):
            clean(question, question["code"])


def _report_not_imported(root, questions: dict[str, dict], parsed: ParsedSurvey) -> None:
    """Quotas and default answers have no counterpart here: named in the report."""
    quota_names = [r.get("name") or r.get("id", "") for r in _table(root, "quota")]
    if quota_names:
        parsed.warn(
            "",
            _("The survey's quotas were not imported (%(names)s): surveys here have no quotas.")
            % {"names": ", ".join(quota_names)},
        )
    default_codes = []
    for r in _table(root, "defaultvalues"):
        question = questions.get(r.get("qid", ""), {})
        code = question.get("title") or r.get("qid", "")
        if code and code not in default_codes:
            default_codes.append(code)
    for code in default_codes:
        parsed.warn(
            code,
            _("The question's default answer was not imported: respondents start empty."),
        )


def decode_lss(data: bytes) -> bytes:
    """A ``.lss`` saved as UTF-16 (some editors and Windows tools do) as UTF-8 bytes that the
    XML parser reads; other files unchanged."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(data) > 3 and (data[1:4:2] == b"\x00\x00" or data[0:3:2] == b"\x00\x00")
    ):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return data
        text = re.sub(
            r"^(\s*<\?xml[^>]*?encoding=)([\"'])[^\"']*\2", r"\1\2UTF-8\2", text.lstrip("\ufeff")
        )
        return text.encode("utf-8")
    return data


def _labels(pairs: list[tuple[str, str]], languages: list[str]) -> list[dict]:
    items = []
    for code, english in pairs:
        label = {}
        for language in dict.fromkeys(languages):
            with override(language):
                label[language] = _(english)
        items.append({"code": code, "label": label})
    return items


# The multiple inputs: one typed question per item.
CELL_TYPES = {"K": "decimal", "Q": "text"}
UNSUPPORTED = {
    "|": "file upload",
    "*": "equation",
    "I": "language switch",
}


def _question(
    row: dict,
    text: dict,
    help_text: dict,
    attrs: dict,
    choice_list,
    sub_list,
    default: str,
    languages: list[str],
    parsed: ParsedSurvey,
) -> list[dict]:
    """The question(s) a LimeSurvey question becomes: none when it cannot be imported (the
    reason is reported), two for a dual-scale array (one matrix per scale)."""
    code = (row.get("title") or "").strip()
    ls_type = row.get("type", "")
    if ls_type in CELL_TYPES:
        return _cells(row, text, help_text, attrs, sub_list, default, parsed)
    if ls_type in UNSUPPORTED:
        parsed.warn(
            code,
            _(
                "The LimeSurvey question type %(type)s (%(name)s) is not supported; the question "
                "was skipped."
            )
            % {"type": ls_type, "name": UNSUPPORTED[ls_type]},
        )
        return []
    question: dict[str, Any] = {
        "code": code,
        "text": text or {default: code},
        "hint": help_text,
        "required": row.get("mandatory") == "Y",
    }
    if row.get("mandatory") == "S":
        parsed.warn(code, _("Soft mandatory was imported as optional."))
    if attrs.get("random_order") == "1":
        question["randomize_choices"] = True
    ls = LsQuestion(
        ls_type=ls_type,
        row=row,
        attrs=attrs,
        choice_list=choice_list,
        sub_list=sub_list,
        default=default,
        languages=languages,
        labels=lambda pairs: _labels(pairs, languages),
        warn=lambda message: parsed.warn(code, message),
        number=_number,
        int_value=_int,
    )
    if ls_type == "R" and not choice_list(row["qid"]) and sub_list(row["qid"]):
        # the newer ranking type keeps its items as subquestions
        ls = replace(ls, choice_list=lambda qid, scale="0": sub_list(qid, scale))
    qtype = for_limesurvey(ls)
    if qtype is None:
        parsed.warn(
            code,
            _("The LimeSurvey question type %(type)s is not known; the question was skipped.")
            % {"type": ls_type},
        )
        return []
    question["type"] = qtype.kind
    qtype.limesurvey_read(question, ls)
    if attrs.get("em_validation_q"):
        parsed.warn(
            code,
            _("The validation equation %(eq)s was not imported.")
            % {"eq": attrs["em_validation_q"]},
        )
    if attrs.get("hidden") == "1":
        parsed.warn(code, _("The question was hidden in LimeSurvey; it is imported as visible."))
    if qtype.needs_choices and not question.get("choices"):
        parsed.warn(code, _("The question has no answer options; it was skipped."))
        return []
    if qtype.needs_rows and (not question["rows"] or not question["choices"]):
        parsed.warn(code, _("The array has no rows or no answer options; it was skipped."))
        return []
    if ls_type == "1":
        return _dual_scale(question, ls, attrs, default)
    return [question]


def _cells(row, text, help_text, attrs, sub_list, default, parsed) -> list[dict]:
    """The multiple numerical inputs (``K``) and short texts (``Q``): one number or text
    question per item, asked together on the page. Each keeps the question's text with its
    item. (The arrays of numbers and texts are matrices of cells: see
    ``surveys.question_types.cells``.)"""
    code = (row.get("title") or "").strip()
    kind = CELL_TYPES[row.get("type", "")]
    items = sub_list(row["qid"], "0")
    if not items:
        parsed.warn(code, _("The question has no items; it was skipped."))
        return []
    base = text or {default: code}
    questions = []
    for item in items:
        label = {}
        for lang, value in base.items():
            parts = [value, item["label"].get(lang) or item["label"].get(default, "")]
            label[lang] = " – ".join(p for p in parts if p)
        question = {
            "code": f"{code}_{item['code']}",
            "type": kind,
            "text": label,
            "hint": help_text,
            "required": row.get("mandatory") == "Y",
        }
        if kind == "decimal":
            low = _number(attrs.get("min_num_value_n"))
            high = _number(attrs.get("max_num_value_n"))
            if low is not None and high is not None and low <= high:
                question.update(min_value=low, max_value=high)
        questions.append(question)
    parsed.warn(
        code,
        _(
            "The question was imported as %(n)s %(kind)s questions, one per item "
            "(%(first)s …), asked together on its page."
        )
        % {"n": len(questions), "kind": kind, "first": questions[0]["code"]},
    )
    return questions


def _dual_scale(question: dict, ls: LsQuestion, attrs: dict, default: str) -> list[dict]:
    """Both scales of a dual-scale array, as two matrices over the same rows; the scale headers
    (dualscale_headerA/B) join the question text."""
    second = dict(question, code=f"{question['code']}_2")
    second["choices"] = ls.choice_list(ls.row["qid"], "1")
    questions = [question]
    if second["choices"]:
        questions.append(second)
        for item, header in ((question, "dualscale_headerA"), (second, "dualscale_headerB")):
            if attrs.get(header):
                item["text"] = {
                    lang: f"{text} – {attrs[header]}" for lang, text in item["text"].items()
                }
        ls.warn(
            _("The dual-scale array became two matrices: %(first)s and %(second)s.")
            % {"first": question["code"], "second": second["code"]}
        )
    return questions


# --- relevance equations ------------------------------------------------------------------


class Untranslatable(Exception):
    pass


class _Context:
    """The questions imported so far: what a relevance equation may refer to."""

    def __init__(self):
        self.types: dict[str, str] = {}
        self.options: dict[str, tuple[str, str]] = {}  # "Q2_SQ001" -> ("Q2", "SQ001")

    def add(self, question: dict) -> None:
        self.types[question["code"]] = question["type"]
        if question_type(question["type"]).limesurvey_option_names:
            for choice in question.get("choices", []):
                self.options[f"{question['code']}_{choice['code']}"] = (
                    question["code"],
                    choice["code"],
                )


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>"[^"]*"|'[^']*')
  | (?P<op>==|!=|<=|>=|&&|\|\||<|>|!|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)
  | (?P<bad>.)
    """,
    re.VERBOSE,
)
WORD_OPS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "and": "&&",
    "or": "||",
    "not": "!",
}
CMP = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
VALUE_SUFFIXES = {"NAOK", "value", "code"}


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup
        value = match.group()
        if kind == "ws":
            continue
        if kind == "bad":
            raise Untranslatable(_("the character %(c)s is not supported") % {"c": repr(value)})
        if kind == "name" and value.lower() in WORD_OPS:
            kind, value = "op", WORD_OPS[value.lower()]
        tokens.append((kind, value))
    tokens.append(("end", ""))
    return tokens


class _Translator:
    def __init__(self, source: str, context: _Context):
        self.tokens = _tokens(source)
        self.i = 0
        self.context = context

    @property
    def tok(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value: str):
        if self.tok != ("op", value):
            raise Untranslatable(_("expected %(v)s") % {"v": value})
        self.take()

    def run(self) -> str:
        node = self.expr()
        if self.tok[0] != "end":
            raise Untranslatable(_("unexpected %(v)s") % {"v": self.tok[1]})
        return self.emit_bool(node)

    def expr(self):
        node = self.and_expr()
        while self.tok == ("op", "||"):
            self.take()
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self):
        node = self.unary()
        while self.tok == ("op", "&&"):
            self.take()
            node = ("and", node, self.unary())
        return node

    def unary(self):
        if self.tok == ("op", "!"):
            self.take()
            return ("not", self.unary())
        left = self.primary()
        if self.tok[0] == "op" and self.tok[1] in CMP:
            op = self.take()[1]
            right = self.primary()
            return ("cmp", op, left, right)
        return left

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            return ("num", value)
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "op" and value == "(":
            node = self.expr()
            self.expect(")")
            return ("group", node)
        if kind == "name":
            if self.tok == ("op", "("):
                self.take()
                args = []
                if self.tok != ("op", ")"):
                    args.append(self.expr())
                    while self.tok == ("op", ","):
                        self.take()
                        args.append(self.expr())
                self.expect(")")
                return ("call", value, args)
            return ("var", value)
        raise Untranslatable(_("unexpected %(v)s") % {"v": value or _("end")})

    # --- output in the survey condition language --------------------------------------

    def variable(self, name: str) -> tuple:
        base, _dot, suffix = name.partition(".")
        if suffix and suffix not in VALUE_SUFFIXES:
            raise Untranslatable(_("%(name)s is not supported") % {"name": name})
        if base in self.context.types:
            return ("q", base, self.context.types[base])
        if base in self.context.options:
            return ("option", *self.context.options[base])
        raise Untranslatable(
            _("%(name)s is not an earlier question that was imported") % {"name": base}
        )

    @staticmethod
    def literal(value: str) -> str:
        if "'" not in value:
            return f"'{value}'"
        if '"' not in value:
            return f'"{value}"'
        raise Untranslatable(_("texts with both kinds of quotes are not supported"))

    def value_for(self, question: tuple, value: str) -> str:
        value = question_type(question[2]).limesurvey_value(value)
        if value == "-oth-":
            value = "other"
        return value

    def emit_bool(self, node) -> str:
        kind = node[0]
        if kind == "or":
            return f"{self.emit_bool(node[1])} or {self.emit_bool(node[2])}"
        if kind == "and":
            return f"{self.wrap_or(node[1])} and {self.wrap_or(node[2])}"
        if kind == "not":
            return f"not({self.emit_bool(node[1])})"
        if kind == "group":
            return f"({self.emit_bool(node[1])})"
        if kind == "cmp":
            return self.emit_cmp(node)
        if kind == "var":
            target = self.variable(node[1])
            if target[0] == "option":
                return f"selected(${{{target[1]}}}, {self.literal(target[2])})"
            return f"${{{target[1]}}} != ''"
        if kind == "call":
            return self.emit_call(node)
        if kind in ("num", "str"):
            return "true()" if node[1] not in ("", "0") else "false()"
        raise Untranslatable(_("unsupported expression"))

    def wrap_or(self, node) -> str:
        text = self.emit_bool(node)
        return f"({text})" if node[0] == "or" else text

    def emit_call(self, node) -> str:
        name, args = node[1], node[2]
        if name == "is_empty" and len(args) == 1 and args[0][0] == "var":
            target = self.variable(args[0][1])
            if target[0] == "option":
                return f"not(selected(${{{target[1]}}}, {self.literal(target[2])}))"
            return f"${{{target[1]}}} = ''"
        raise Untranslatable(_("the function %(name)s() is not supported") % {"name": name})

    def operand(self, node, question: tuple | None) -> str:
        if node[0] == "call":
            raise Untranslatable(_("the function %(name)s() is not supported") % {"name": node[1]})
        if node[0] == "num":
            return node[1]
        if node[0] == "str":
            value = self.value_for(question, node[1]) if question else node[1]
            return self.literal(value)
        if node[0] == "var":
            target = self.variable(node[1])
            if target[0] == "option":
                raise Untranslatable(_("comparing two options is not supported"))
            return f"${{{target[1]}}}"
        raise Untranslatable(_("only questions, numbers and texts can be compared"))

    def emit_cmp(self, node) -> str:
        _kind, op, left, right = node
        if left[0] != "var" and right[0] == "var":
            flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
            left, right, op = right, left, flip.get(op, op)
        if left[0] == "var":
            target = self.variable(left[1])
            if target[0] == "option":
                if op not in ("==", "!=") or right[0] != "str":
                    raise Untranslatable(_('an option can only be compared with "Y" or ""'))
                ticked = (right[1] == "Y") == (op == "==")
                test = f"selected(${{{target[1]}}}, {self.literal(target[2])})"
                return test if ticked else f"not({test})"
            return (
                f"${{{target[1]}}} {CMP[op]} "
                f"{self.operand(right, target if right[0] == 'str' else None)}"
            )
        return f"{self.operand(left, None)} {CMP[op]} {self.operand(right, None)}"


def translate(source: str, context: _Context) -> str:
    """A LimeSurvey relevance equation in the survey condition language (raises
    ``Untranslatable`` saying why not)."""
    source = (source or "").strip()
    if source.startswith("{") and source.endswith("}"):
        source = source[1:-1].strip()
    if source in ("", "1"):
        return ""
    return _Translator(source, context).run()


def _relevance(source: str, code: str, context: _Context, parsed: ParsedSurvey) -> str:
    try:
        return translate(source, context)
    except Untranslatable as exc:
        parsed.warn(
            code,
            _(
                "The relevance equation %(src)s could not be translated (%(why)s); the item is "
                "always shown."
            )
            % {"src": source.strip(), "why": exc},
        )
        return ""
