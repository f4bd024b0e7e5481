"""Survey interchange: reading XLSForm and LimeSurvey files, writing XLSForm.

The readers are pure functions from bytes to a ``ParsedSurvey``: a definition dict in the format
``surveys.services.definition.survey_create_from_definition`` accepts, plus the list of
everything that could not be mapped (``ImportIssue``: question code and message). They never
drop anything silently: every skipped question, column, condition or setting is reported.
A file that is not a survey raises ``NotASurvey`` with the reason.

The writing to the database (all or nothing) is ``surveys.services.interchange.survey_import``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .. import expressions, i18n


class NotASurvey(Exception):
    """The file is not a survey definition this application can read."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ImportIssue:
    question: str  # the question (or section) code, "" for the survey as a whole
    message: str

    def as_dict(self) -> dict:
        return {"question": self.question, "message": self.message}


@dataclass
class ParsedSurvey:
    format: str  # "xlsform" | "limesurvey"
    definition: dict
    warnings: list[ImportIssue] = field(default_factory=list)

    def warn(self, question: str, message: str) -> None:
        self.warnings.append(ImportIssue(question or "", message))


def resolve_language(name: str) -> str | None:
    """The survey language code meant by ``name`` ("German (de)", "de", "de-informal",
    "Deutsch", "Swedish", "Dari (prs)"): any language with a CLDR locale, or None."""
    return i18n.resolve_language(name)


def check_conditions(parsed: ParsedSurvey) -> None:
    """Drop (and report) every condition the expression language cannot run, or that refers to
    a question that is not earlier in the survey, so the import never fails on one of them."""
    seen: set[str] = set()
    for section in parsed.definition.get("sections", []):
        source = section.get("relevant") or ""
        if source:
            try:
                expressions.validate(source, known=set(seen))
            except expressions.ExpressionError as exc:
                section["relevant"] = ""
                parsed.warn(
                    section.get("code", ""),
                    _("The page condition %(src)s was not imported: %(why)s")
                    % {"src": source, "why": exc.message},
                )
        for question in section.get("questions", []):
            code = question["code"]
            for name, allow_self in (("relevant", False), ("constraint", True)):
                source = question.get(name) or ""
                if not source:
                    continue
                known = set(seen) | ({code} if allow_self else set())
                try:
                    expressions.validate(source, known=known, allow_self=allow_self)
                except expressions.ExpressionError as exc:
                    question[name] = ""
                    message = (
                        _(
                            "The condition %(src)s was not imported, the question is always shown: "
                            "%(why)s"
                        )
                        if name == "relevant"
                        else _("The constraint %(src)s was not imported: %(why)s")
                    )
                    parsed.warn(code, message % {"src": source, "why": exc.message})
            seen.add(code)


def summary(definition: dict) -> tuple[int, int]:
    """(questions, sections) of a definition."""
    sections = definition.get("sections", [])
    return sum(len(s.get("questions", [])) for s in sections), len(sections)


# The codes a survey definition accepts for choices (``definition.CHOICE_CODE_RE``): numeric
# codes stay as they are, so data collected with the original form still matches.
_CHOICE_CODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")


def fix_choice_codes(parsed: ParsedSurvey) -> None:
    """Choice codes with characters a code cannot hold (spaces, umlauts …) are renamed
    (``sehr gut`` becomes ``sehr_gut``); numeric codes (``1``) stay. Conditions comparing the
    question with a renamed code are adjusted, and the renaming is reported."""
    renamed: dict[str, dict[str, str]] = {}
    for section in parsed.definition.get("sections", []):
        for question in section.get("questions", []):
            for key in ("choices", "rows"):
                items = question.get(key) or []
                taken = {item["code"] for item in items}
                for item in items:
                    old = str(item["code"])
                    if _CHOICE_CODE.match(old):
                        continue
                    base = re.sub(r"[^A-Za-z0-9_.\-]", "_", old)[:62] or "x"
                    if not _CHOICE_CODE.match(base):
                        base = f"c{base}"[:62]
                    new = base
                    n = 2
                    while new in taken:
                        new = f"{base}_{n}"
                        n += 1
                    taken.add(new)
                    item["code"] = new
                    if key == "choices":
                        renamed.setdefault(question["code"], {})[old] = new
                    parsed.warn(
                        question["code"],
                        _(
                            "The code %(old)s was renamed to %(new)s (codes hold only letters, "
                            "digits, _ . and -)."
                        )
                        % {"old": repr(old), "new": repr(new)},
                    )
    if not renamed:
        return

    def rewrite(source: str) -> str:
        for code, mapping in renamed.items():
            var = re.escape("${" + code + "}")
            for old, new in mapping.items():
                quoted = r"(['\"])" + re.escape(old) + r"\2"
                source = re.sub(
                    r"(" + var + r"\s*!?=\s*)" + quoted,
                    lambda m, new=new: f"{m.group(1)}'{new}'",
                    source,
                )
                source = re.sub(
                    r"(selected\(\s*" + var + r"\s*,\s*)" + quoted,
                    lambda m, new=new: f"{m.group(1)}'{new}'",
                    source,
                )
        return source

    for section in parsed.definition.get("sections", []):
        if section.get("relevant"):
            section["relevant"] = rewrite(section["relevant"])
        for question in section.get("questions", []):
            for name in ("relevant", "constraint"):
                if question.get(name):
                    question[name] = rewrite(question[name])
