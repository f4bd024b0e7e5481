"""Answer values: validating what a respondent sent and turning it into answer rows.

The canonical ("raw") value of each question type is also what the API accepts::

    single      "a"            (with allow_other: "other" and the text under "<code>_other")
    multiple    ["a", "b"]     (the same "other" convention)
    yes_no      "yes" | "no"   (true/false accepted)
    rating      4 | "dont_know"
    matrix      {"row1": "a", "row2": "b"}
    ranking     ["b", "a", "c"]   (first = rank 1)
    integer     12            decimal 2.5 (also "2,5")
    text, long_text  "…"      date "2025-05-01"

``clean`` validates one raw value and returns the value the condition language sees plus the
rows to store (see ``surveys.models.Answer``); ``raw_from_rows`` is the way back. What each
type accepts is its question type's ``clean`` (``surveys.question_types``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import expressions
from ..question_types.base import (
    DONT_KNOW,
    EMPTY,
    LONG_TEXT_MAX,
    OTHER,
    TEXT_MAX,
    AnswerError,
    Cleaned,
    Row,
    custom_message,
    is_empty,
)
from ..structure import QuestionDef

__all__ = [
    "DONT_KNOW",
    "EMPTY",
    "LONG_TEXT_MAX",
    "OTHER",
    "TEXT_MAX",
    "AnswerError",
    "Cleaned",
    "Row",
    "check_choice_filter",
    "check_constraint",
    "clean",
    "is_empty",
    "raw_from_rows",
]


def clean(q: QuestionDef, raw, other_text: str = "", language: str = "de") -> Cleaned:
    """Validate one answer (not whether it is required: see ``is_empty``)."""
    if not q.qtype.answered or is_empty(raw):
        return EMPTY
    other_text = (other_text or "").strip()[:TEXT_MAX] if isinstance(other_text, str) else ""
    return q.qtype.clean(q, raw, other_text, language)


def check_constraint(q: QuestionDef, cleaned: Cleaned, values: dict, language: str) -> None:
    if q.constraint_tree is not None and cleaned.answered:
        if not expressions.evaluate(q.constraint_tree, values, this=cleaned.value):
            raise AnswerError(
                custom_message(q, language, _("This answer is not possible here.")), "constraint"
            )


def check_choice_filter(q: QuestionDef, cleaned: Cleaned, values: dict, language: str) -> None:
    """A cascading select's answer must be one of the choices offered for the earlier answers
    (without JavaScript the page shows every choice until those answers are known)."""
    if not q.filter_conditions or not cleaned.answered:
        return
    offered = {c.code for c in q.offered(values)}
    chosen = cleaned.value if isinstance(cleaned.value, list) else [cleaned.value]
    if any(code not in offered for code in chosen if code not in (OTHER, DONT_KNOW)):
        raise AnswerError(
            custom_message(
                q, language, _("This choice does not fit the earlier answer; please choose again.")
            ),
            "choice_filter",
        )


def raw_from_rows(q: QuestionDef, rows: list[tuple]) -> tuple[object, str]:
    """``rows``: ``(row, choice, value_text, value_number, value_date)`` -> (raw, other text)."""
    if not rows:
        return None, ""
    return q.qtype.raw_from_rows(q, rows)
