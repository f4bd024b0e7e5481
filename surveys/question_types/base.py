"""The interface every question type answers, and what the types share.

A question type is a small object without state (one per ``Question.Type``); the callers hand
it a ``structure.QuestionDef`` (or, for the interchange formats, the definition dict) and ask.
Nothing here imports the models, so the pure results code (``results.cells``) can use it.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from ..i18n import pick

if TYPE_CHECKING:
    from ..structure import QuestionDef


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues, translated where it is used. Django's own asks the
    settings, and this package is imported by the pure results code, which runs without."""
    return message


OTHER = "other"
DONT_KNOW = "dont_know"
TEXT_MAX = 1000
LONG_TEXT_MAX = 20000

# (row, choice, value_text, value_number, value_date)
Row = tuple[str, str, str, float | None, date | None]


class AnswerError(Exception):
    def __init__(self, message: str, code: str = "invalid"):
        self.message = message
        self.code = code
        super().__init__(message)


@dataclass
class Cleaned:
    value: object  # what conditions see; "" when unanswered
    rows: list[Row]

    @property
    def answered(self) -> bool:
        return bool(self.rows)


EMPTY = Cleaned("", [])


def is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (list, tuple)):
        return all(is_empty(item) for item in raw)
    if isinstance(raw, dict):
        return all(is_empty(item) for item in raw.values())
    return False


def custom_message(q: QuestionDef, language: str, default: str) -> str:
    return pick(q.validation_message, language) or default


def code_of(raw) -> str:
    """A submitted choice as its code (booleans as yes/no, 3.0 as "3")."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw == int(raw):
        return str(int(raw))
    return str(raw).strip()


def choice_of(q: QuestionDef, raw, extra: tuple[str, ...] = ()) -> str:
    code = code_of(raw)
    if code not in q.choice_codes and code not in extra:
        raise AnswerError(_("%(code)s is not one of the choices.") % {"code": repr(code)}, "choice")
    return code


def other_needs_text(q: QuestionDef, code: str) -> bool:
    """Whether ``code`` is the built-in "other, please specify" (not a choice named "other")."""
    return code == OTHER and q.allow_other and OTHER not in q.choice_codes


def as_int(value):
    return int(value) if value is not None and value == int(value) else value


def fmt_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def num_key(value: float) -> str:
    """The stored key of a number: integers without a decimal point, others as ``repr``."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(value)


def number_or_none(value):
    """A stored number for an export cell: None for NULL/NaN, integers without ``.0``."""
    if value is None or value != value:  # NaN
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def finite_number(raw) -> float:
    if isinstance(raw, bool):
        raise AnswerError(_("Enter a number."))
    value = float(raw)
    if not math.isfinite(value):
        raise AnswerError(_("Enter a number."))
    return value


@dataclass
class Column:
    """One column of the wide response export."""

    name: str
    label: str
    kind: str  # "text" | "number"
    value_labels: dict = field(default_factory=dict)  # code -> label (choices)
    zero_when_answered: bool = False  # 0 instead of empty once the question was answered


@dataclass
class Option:
    code: str
    label: str
    checked: bool = False
    id: str = ""
    # cascading selects: hidden while it does not fit the earlier answers; its filter values
    hidden: bool = False
    filter: str = ""
    value: str = ""  # a typed cell's current value (matrices of cells)


@dataclass
class RowView:
    code: str
    label: str
    id: str
    options: list[Option] = field(default_factory=list)
    rank: str = ""


def ordered_choices(q: QuestionDef, seed: str):
    """The choices in the order one respondent sees them (shuffled per respondent if asked)."""
    choices = list(q.choices)
    if q.randomize_choices:
        random.Random(f"{seed}:{q.code}").shuffle(choices)
    return choices


@dataclass
class XlsRow:
    """One question row of an XLSForm's survey sheet, as the reader sees it."""

    word: str  # the type without its list name: select_one, select_multiple, rank, integer …
    select: bool  # a select row (with a choice list)
    appearance: str
    params: dict
    options: list[dict] = field(default_factory=list)
    or_other: bool = False
    warn: Any = None  # callable(message): a warning about this question
    number: Any = None  # callable(text) -> float | None


@dataclass
class LsQuestion:
    """One question of a LimeSurvey file, as the reader sees it."""

    ls_type: str
    row: dict
    attrs: dict
    choice_list: Any  # callable(qid, scale="0") -> choices
    sub_list: Any  # callable(qid, scale="0") -> sub-questions
    default: str
    languages: list[str]
    labels: Any  # callable(pairs) -> choices with translated labels
    warn: Any  # callable(message)
    number: Any  # callable(value) -> float | None
    int_value: Any  # callable(value, default) -> int


@dataclass(frozen=True)
class SampleTexts:
    """Plausible free texts for generated answers (the demo, benchmarks, tests)."""

    short: tuple[str, ...] = ("Beratung", "Leitung", "Sozialarbeit", "Koordination")
    long: tuple[str, ...] = ("Mehr Sprachkurse am Abend.",)
    matching: tuple[str, ...] = ()  # short texts that fit the patterns the questions set


class QuestionType:
    """One question type. Subclasses set the attributes and override what differs.

    Attributes answer the yes/no questions callers ask; methods do the work. Every method
    here has a working default or is overridden by every type (see
    ``tests/surveys/test_question_types.py``).
    """

    kind: str = ""
    #: has an answer at all (display texts have none: not asked, counted or exported)
    answered = True
    #: needs at least one choice before the survey may open
    needs_choices = False
    #: needs rows (and a scale of choices) before the survey may open
    needs_rows = False
    #: the designer offers editing of its choices
    edits_choices = False
    #: what the designer says above the choices (lazy translation)
    choices_help = ""
    #: "other, please specify" is offered as a choice
    offers_other = False
    #: has a widget choice (radio buttons or dropdown)
    has_widget = False
    #: results may be broken down by its answer (one choice per respondent)
    breakdown = False
    #: a pattern (regular expression) applies to its answer
    takes_pattern = False
    #: how the browser reads its current value for conditions (see respond.js)
    client_value = "text"
    #: XLSForm type words (without list name) this type reads; the first is written
    xlsform_types: tuple[str, ...] = ()
    #: its XLSForm rows are select rows with a choice list
    xlsform_select = False
    #: LimeSurvey one-letter question types this type reads
    limesurvey_types: tuple[str, ...] = ()
    #: LimeSurvey names each choice ``<question>_<choice>`` in equations (ticked or not)
    limesurvey_option_names = False
    #: the settings of the designer's question form that apply to this type (besides code,
    #: type, page, text, hint and the "show only if" condition, which every type has)
    design_fields: tuple[str, ...] = ("required", "constraint", "validation_message")

    def __repr__(self) -> str:
        return f"<question type {self.kind}>"

    # --- answering ----------------------------------------------------------------------

    def clean(self, q: QuestionDef, raw, other_text: str, language: str) -> Cleaned:
        """Validate one non-empty raw value (see ``answering.values``)."""
        raise NotImplementedError

    def raw_from_rows(self, q: QuestionDef, rows: list[tuple]) -> tuple[object, str]:
        """Stored rows (never empty) -> (raw value, "other" text)."""
        raise NotImplementedError

    def from_post(self, q: QuestionDef, post) -> object:
        """The raw value of the answering page's fields."""
        return post.get(q.code, "")

    def is_group(self, q: QuestionDef) -> bool:
        """Shown as a fieldset with a legend (several inputs) rather than one labelled input."""
        return True

    def field_template(self, q: QuestionDef) -> str:
        raise NotImplementedError

    def fill_view(self, view, q: QuestionDef, value, *, label, seed: str) -> None:
        """Set what the field template shows on ``answering.forms.QuestionView``.

        ``label(texts)`` picks a per-language text in the page's language."""
        raise NotImplementedError

    def sample_answer(self, q: QuestionDef, rng, texts: SampleTexts) -> object:
        """A random raw value that ``clean`` accepts (``rng``: a ``random.Random``)."""
        raise NotImplementedError

    # --- design ---------------------------------------------------------------------------

    def validate(self, question, errors: dict[str, list[str]]) -> None:
        """Add the type's refusals of a ``Question`` about to be saved to ``errors``."""
        if not question.text:
            errors["text"] = [_("The question needs a text.")]

    def ready_errors(self, options: list, rows: list) -> list[str]:
        """What keeps a survey with this question from opening."""
        if self.needs_choices and not options:
            return [_("A choice question needs at least one choice.")]
        return []

    # --- results --------------------------------------------------------------------------

    def response_cells(self, answer, seen: set) -> list[tuple[str, str, str]]:
        """(metric, row, key) cells of one stored answer row (``results.cells.AnswerRow``)
        besides the question's ``n``; ``seen`` is per response."""
        return []

    def frame_cells(self, frame, mask) -> None:
        """The vectorised ``response_cells`` of the rows ``mask`` of ``results.cells`` frame."""

    def choice_codes(self, q: QuestionDef) -> list[str]:
        """The codes a result table lists, in order."""
        codes = [c.code for c in q.choices]
        if q.allow_other:
            codes.append(OTHER)
        if q.allow_dont_know:
            codes.append(DONT_KNOW)
        return codes

    def condition_codes(self, q: QuestionDef) -> list[str] | None:
        """The only values a condition may compare this question's answer with (``=``, ``!=``,
        ``selected()``), or None when any value may come (numbers, texts, dates)."""
        return None

    def extra_labels(self) -> dict[str, str]:
        """Labels of codes the type adds itself (yes/no)."""
        return {}

    def result(self, q: QuestionDef, r) -> dict:
        """The type's part of ``results.reports.question_result`` (``r``: its context)."""
        raise NotImplementedError

    # --- exports --------------------------------------------------------------------------

    def export_columns(
        self, q: QuestionDef, text: str, labels: dict, codes: list, label
    ) -> list[Column]:
        """The columns of the wide export; ``labels``: code -> label, ``codes``: the result
        codes, ``label(texts)``: a per-language text in the export's language."""
        return [Column(q.code, text, "text")]

    def export_writer(self, code: str, index: dict[str, int], label) -> Callable:
        """``put(values, row, choice, text, number, day)``, which writes one stored answer row
        of question ``code`` into ``values`` (one export row). ``index``: column name ->
        position (columns not in it are skipped); ``label(column, code)``: the code or its
        value label, as the export asks. Called once per question and export, ``put`` once per
        answer row, so it does the lookups it can up front."""
        at = index.get(code)

        def put(values, row, choice, text, number, day):
            if at is not None:
                values[at] = text

        return put

    # --- interchange ------------------------------------------------------------------------

    def reads_xlsform(self, row: XlsRow) -> bool:
        return row.select == self.xlsform_select and row.word in self.xlsform_types

    def xlsform_read(self, question: dict, row: XlsRow) -> None:
        """Set the type's fields of ``question`` from the XLSForm row."""

    def xlsform_rows(self, q: dict, row: dict, extra: dict, w) -> list[dict]:
        """The survey-sheet rows of a question; ``row`` holds the common columns, ``extra`` the
        settings written to the ``teilhabe`` column, ``w`` the writer's helpers."""
        raise NotImplementedError

    def reads_limesurvey(self, ls: LsQuestion) -> bool:
        return ls.ls_type in self.limesurvey_types

    def limesurvey_read(self, question: dict, ls: LsQuestion) -> None:
        """Set the type's fields of ``question`` from the LimeSurvey question."""

    def limesurvey_value(self, value: str) -> str:
        """A LimeSurvey answer code in a relevance equation -> ours."""
        return value


class OneBox:
    """Mixin of the types answered in one text box: no fieldset, the value as typed."""

    template = "surveys/respond/fields/input.html"
    input_type = "text"
    input_mode = ""  # the keyboard a phone shows

    def is_group(self, q: QuestionDef) -> bool:
        return False

    def field_template(self, q: QuestionDef) -> str:
        return self.template

    def fill_view(self, view, q: QuestionDef, value, *, label, seed: str) -> None:
        view.value = "" if value is None else str(value)
        view.input_type = self.input_type
        view.input_mode = self.input_mode


def likert_numbers(row: XlsRow) -> list[int] | None:
    """The scale of a select_one with the likert appearance and the codes 1..k (any
    contiguous whole numbers), else None."""
    codes = [c["code"] for c in row.options]
    if "likert" not in row.appearance or not all(re.fullmatch(r"-?\d+", c) for c in codes):
        return None
    numbers = sorted(int(c) for c in codes)
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return numbers
    return None


def check_pattern(text: str, q: QuestionDef, language: str) -> None:
    if q.pattern and not re.fullmatch(q.pattern, text):
        raise AnswerError(
            custom_message(q, language, _("The answer does not have the expected format.")),
            "pattern",
        )
