"""A survey version's structure as plain, immutable data, parsed once and cached.

The answering pages, the API and the whole-response ingest read the structure on every request;
loading it costs three queries and parsing every condition, so it is cached per process keyed by
``(version id, revision, created_at)``. ``SurveyVersion.revision`` is bumped by every
structure change (see ``surveys.services.definition``), so a stale entry is never used.

``definition()`` turns a structure into the JSON-friendly dict that the API returns and that
``services.definition.survey_create_from_definition`` accepts (the interchange format between
the importers, the designer and the API).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from . import choice_filters, expressions
from .models import Choice, Question, Section, SurveyVersion
from .question_types import QuestionType, question_type


@dataclass(frozen=True)
class ChoiceDef:
    code: str
    label: dict
    target_group_id: int | None = None
    target_group_code: str | None = None
    filter_values: tuple = ()


@dataclass(frozen=True)
class QuestionDef:
    id: int
    code: str
    type: str
    section_code: str
    text: dict
    hint: dict
    required: bool
    relevant: str
    relevant_tree: tuple | None
    widget: str
    allow_other: bool
    allow_dont_know: bool
    randomize_choices: bool
    scale_min: int | None
    scale_max: int | None
    scale_min_label: dict
    scale_max_label: dict
    min_value: float | None
    max_value: float | None
    min_length: int | None
    max_length: int | None
    pattern: str
    constraint: str
    constraint_tree: tuple | None
    validation_message: dict
    is_target_group_question: bool
    choices: tuple[ChoiceDef, ...] = ()
    rows: tuple[ChoiceDef, ...] = ()
    choice_filter: str = ""
    filter_conditions: tuple = ()

    def offered(self, values: dict) -> tuple[ChoiceDef, ...]:
        """The choices a cascading select offers, given the answers so far."""
        if not self.filter_conditions:
            return self.choices
        return tuple(
            c
            for c in self.choices
            if choice_filters.matches(c.filter_values, self.filter_conditions, values)
        )

    @property
    def qtype(self) -> QuestionType:
        """What the question's type means (``surveys.question_types``)."""
        return question_type(self.type)

    @property
    def choice_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.choices)

    @property
    def row_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rows)

    @property
    def scale(self) -> list[int]:
        low = 1 if self.scale_min is None else self.scale_min
        high = 5 if self.scale_max is None else self.scale_max
        return list(range(low, high + 1))


@dataclass(frozen=True)
class SectionDef:
    code: str
    title: dict
    description: dict
    relevant: str
    relevant_tree: tuple | None
    questions: tuple[QuestionDef, ...]


@dataclass(frozen=True)
class Structure:
    version_id: int
    revision: int
    sections: tuple[SectionDef, ...]
    questions: dict[str, QuestionDef] = field(default_factory=dict)

    def section(self, code: str) -> SectionDef | None:
        for section in self.sections:
            if section.code == code:
                return section
        return None

    def question_by_id(self, question_id: int) -> QuestionDef | None:
        return self._by_id.get(question_id)

    @property
    def _by_id(self) -> dict[int, QuestionDef]:
        cached = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {q.id: q for q in self.questions.values()}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached

    @property
    def target_group_question(self) -> QuestionDef | None:
        for question in self.questions.values():
            if question.is_target_group_question:
                return question
        return None

    # --- logic -------------------------------------------------------------------------

    def visible_sections(self, values: dict) -> list[SectionDef]:
        return [
            s
            for s in self.sections
            if s.relevant_tree is None or expressions.evaluate(s.relevant_tree, values)
        ]

    def is_visible(self, question: QuestionDef, values: dict) -> bool:
        section = self.section(question.section_code)
        if section and section.relevant_tree is not None:
            if not expressions.evaluate(section.relevant_tree, values):
                return False
        return question.relevant_tree is None or expressions.evaluate(
            question.relevant_tree, values
        )

    def definition(self) -> list[dict]:
        """The sections with their questions as JSON-friendly dicts (see module docstring)."""
        return [_section_definition(s) for s in self.sections]


def _tree(source: str) -> tuple | None:
    source = (source or "").strip()
    if not source:
        return None
    try:
        return expressions.parse(source)
    except expressions.ExpressionError:
        # Design-time validation refuses malformed conditions; an old row that slipped
        # through is treated as "always shown" rather than breaking the respondent's page.
        return None


def build(version: SurveyVersion) -> Structure:
    sections = list(Section.objects.filter(version=version).order_by("order", "id"))
    questions = list(Question.objects.filter(version=version).order_by("order", "id"))
    choices = list(
        Choice.objects.filter(question__version=version)
        .select_related("target_group")
        .order_by("order", "id")
    )
    by_question: dict[int, list[Choice]] = {}
    for choice in choices:
        by_question.setdefault(choice.question_id, []).append(choice)
    section_codes = {s.id: s.code for s in sections}
    qdefs: dict[str, QuestionDef] = {}
    per_section: dict[int, list[QuestionDef]] = {s.id: [] for s in sections}
    for q in questions:
        own = by_question.get(q.id, [])
        qdef = QuestionDef(
            id=q.id,
            code=q.code,
            type=q.type,
            section_code=section_codes[q.section_id],
            text=q.text or {},
            hint=q.hint or {},
            required=q.required,
            relevant=q.relevant,
            relevant_tree=_tree(q.relevant),
            widget=q.widget,
            allow_other=q.allow_other,
            allow_dont_know=q.allow_dont_know,
            randomize_choices=q.randomize_choices,
            scale_min=q.scale_min,
            scale_max=q.scale_max,
            scale_min_label=q.scale_min_label or {},
            scale_max_label=q.scale_max_label or {},
            min_value=q.min_value,
            max_value=q.max_value,
            min_length=q.min_length,
            max_length=q.max_length,
            pattern=q.pattern,
            constraint=q.constraint,
            constraint_tree=_tree(q.constraint),
            validation_message=q.validation_message or {},
            is_target_group_question=q.is_target_group_question,
            choices=tuple(
                ChoiceDef(
                    c.code,
                    c.label or {},
                    c.target_group_id,
                    c.target_group.code if c.target_group_id else None,
                    tuple(c.filter_values or ()),
                )
                for c in own
                if c.kind == Choice.Kind.OPTION
            ),
            rows=tuple(ChoiceDef(c.code, c.label or {}) for c in own if c.kind == Choice.Kind.ROW),
            choice_filter=q.choice_filter,
            filter_conditions=_conditions(q.choice_filter),
        )
        qdefs[q.code] = qdef
        per_section[q.section_id].append(qdef)
    return Structure(
        version_id=version.pk,
        revision=version.revision,
        sections=tuple(
            SectionDef(
                code=s.code,
                title=s.title or {},
                description=s.description or {},
                relevant=s.relevant,
                relevant_tree=_tree(s.relevant),
                questions=tuple(per_section[s.id]),
            )
            for s in sections
        ),
        questions=qdefs,
    )


_CACHE: OrderedDict[tuple, Structure] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = Lock()


def get(version: SurveyVersion) -> Structure:
    """The cached structure of ``version`` (rebuilt when its revision changed)."""
    # created_at guards against a reused id (SQLite after a rolled-back transaction).
    key = (version.pk, version.revision, version.created_at)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    structure = build(version)
    with _LOCK:
        _CACHE[key] = structure
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return structure


def _conditions(source: str) -> tuple:
    if not source:
        return ()
    try:
        return tuple(choice_filters.parse(source))
    except ValueError:
        return ()


def _choice_definition(choice: ChoiceDef) -> dict:
    data = {"code": choice.code, "label": choice.label}
    if choice.target_group_code:
        data["target_group"] = choice.target_group_code
    if choice.filter_values:
        data["filter_values"] = [dict(v) for v in choice.filter_values]
    return data


QUESTION_OPTION_FIELDS = (
    "hint",
    "required",
    "relevant",
    "widget",
    "allow_other",
    "allow_dont_know",
    "randomize_choices",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "pattern",
    "constraint",
    "validation_message",
    "is_target_group_question",
    "choice_filter",
)


def _question_definition(q: QuestionDef) -> dict:
    data = {"code": q.code, "type": q.type, "text": q.text}
    for name in QUESTION_OPTION_FIELDS:
        data[name] = getattr(q, name)
    data["choices"] = [_choice_definition(c) for c in q.choices]
    data["rows"] = [_choice_definition(r) for r in q.rows]
    return data


def _section_definition(s: SectionDef) -> dict:
    return {
        "code": s.code,
        "title": s.title,
        "description": s.description,
        "relevant": s.relevant,
        "questions": [_question_definition(q) for q in s.questions],
    }
