"""The answering page without Django forms: reading a POST and preparing what templates show.

Field names: ``<code>`` (one value or, for multiple choice, several), ``<code>_other``
("other, please specify"), ``<code>__<row>`` (matrix rows, ranking items). Element ids are
``q-<code>`` (the input or the fieldset), so the error summary can link to them. Each question
type reads its fields and fills its view (``surveys.question_types``); its field template
(``surveys/respond/fields/``) shows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..i18n import pick
from ..question_types.base import Option, RowView
from ..structure import QuestionDef, SectionDef
from .values import OTHER, AnswerError

__all__ = ["Option", "QuestionView", "RowView", "data_from_post", "question_views"]


def data_from_post(section: SectionDef, post) -> dict:
    data: dict = {}
    for q in section.questions:
        if q.qtype.answered:
            data[q.code] = q.qtype.from_post(q, post)
        if q.allow_other:
            data[f"{q.code}_other"] = post.get(f"{q.code}_other", "")
    return data


@dataclass
class QuestionView:
    q: QuestionDef
    code: str
    id: str
    type: str
    text: str
    hint: str
    required: bool
    visible: bool
    relevant: str
    field_template: str
    is_group: bool
    answered: bool
    client_value: str
    error: str = ""
    value: str = ""
    other_text: str = ""
    other_checked: bool = False
    options: list[Option] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    min_label: str = ""
    max_label: str = ""
    ranks: list[int] = field(default_factory=list)
    widget: str = "radio"
    allow_other: bool = False
    input_type: str = "text"
    input_mode: str = ""
    max_length: int | None = None
    choice_filter: str = ""  # cascading select: the conditions as JSON for the page's script


def question_views(
    section: SectionDef,
    *,
    structure,
    raw: dict,
    other: dict,
    values: dict,
    errors: dict[str, AnswerError],
    language: str,
    default_language: str,
    seed: str,
) -> list[QuestionView]:
    def label(texts) -> str:
        return pick(texts, language, default_language)

    views = []
    for q in section.questions:
        qtype = q.qtype
        view = QuestionView(
            q=q,
            code=q.code,
            id=f"q-{q.code}",
            type=q.type,
            text=label(q.text),
            hint=label(q.hint),
            required=q.required,
            visible=structure.is_visible(q, values),
            relevant=q.relevant,
            field_template=qtype.field_template(q),
            is_group=qtype.is_group(q),
            answered=qtype.answered,
            client_value=qtype.client_value,
            error=errors[q.code].message if q.code in errors else "",
            widget=q.widget,
            allow_other=q.allow_other and OTHER not in q.choice_codes,
            other_text=other.get(q.code, ""),
        )
        qtype.fill_view(view, q, raw.get(q.code), label=label, seed=seed)
        if q.filter_conditions:
            _filter_options(view, q, values)
        views.append(view)
    return views


def _filter_options(view: QuestionView, q: QuestionDef, values: dict) -> None:
    """Every choice stays in the page (the script filters them live when an earlier answer on
    the same page changes); those that do not fit the answers known so far are hidden, which
    works without JavaScript too."""
    offered = {c.code for c in q.offered(values)}
    variants = {c.code: [dict(v) for v in c.filter_values] for c in q.choices}
    view.choice_filter = json.dumps([list(c) for c in q.filter_conditions])
    for option in view.options:
        if option.code in variants:
            option.filter = json.dumps(variants[option.code], ensure_ascii=False)
            option.hidden = option.code not in offered and not option.checked
