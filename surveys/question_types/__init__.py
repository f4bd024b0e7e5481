"""The question-type registry: one object per question type answers every question about it.

How to clean an answer, show its field, count it into result cells, report its figures, export
its columns and read and write it in XLSForm and LimeSurvey: the callers ask
``question_type(kind)`` instead of switching on the type string (see ``base.QuestionType``).

A new type is one module with a ``QuestionType`` subclass, one line in ``TYPES`` below, its
tests, and its value in ``Question.Type`` (a migration, as the kind is a database choice).
"""

from __future__ import annotations

from .base import QuestionType
from .cells import NumberMatrix, TextMatrix
from .choice import Multiple, Single, YesNo
from .date import Date
from .display import Display
from .matrix import Matrix
from .number import Decimal, Integer, Rating
from .ranking import Ranking
from .text import LongText, Text

TYPES: tuple[QuestionType, ...] = (
    Single(),
    Multiple(),
    YesNo(),
    Rating(),
    Matrix(),
    NumberMatrix(),
    TextMatrix(),
    Ranking(),
    Integer(),
    Decimal(),
    Text(),
    LongText(),
    Date(),
    Display(),
)
REGISTRY: dict[str, QuestionType] = {t.kind: t for t in TYPES}


class UnknownQuestionType(LookupError):
    def __init__(self, kind):
        self.kind = kind
        super().__init__(f"Unknown question type {kind!r}; known: {', '.join(REGISTRY)}.")


def question_type(kind: str) -> QuestionType:
    """The type object of ``kind``; ``UnknownQuestionType`` for anything else."""
    try:
        return REGISTRY[kind]
    except (KeyError, TypeError):
        raise UnknownQuestionType(kind) from None


def kinds(**attributes) -> frozenset[str]:
    """The kinds whose attributes have the given values, e.g. ``kinds(needs_choices=True)``."""
    return frozenset(
        t.kind
        for t in TYPES
        if all(getattr(t, name) == value for name, value in attributes.items())
    )


def for_xlsform(row) -> QuestionType | None:
    """The type that reads an XLSForm row (``base.XlsRow``), or None if none does."""
    return next((t for t in TYPES if t.reads_xlsform(row)), None)


def for_limesurvey(ls) -> QuestionType | None:
    """The type that reads a LimeSurvey question (``base.LsQuestion``), or None."""
    return next((t for t in TYPES if t.reads_limesurvey(ls)), None)


CHOICE_TYPES = kinds(needs_choices=True)
__all__ = [
    "CHOICE_TYPES",
    "REGISTRY",
    "TYPES",
    "QuestionType",
    "UnknownQuestionType",
    "for_limesurvey",
    "for_xlsform",
    "kinds",
    "question_type",
]
