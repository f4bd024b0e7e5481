"""The answering page without Django forms: reading a POST and preparing what templates show.

Field names: ``<code>`` (one value or, for multiple choice, several), ``<code>_other``
("other, please specify"), ``<code>__<row>`` (matrix rows, ranking items). Element ids are
``q-<code>`` (the input or the fieldset), so the error summary can link to them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..i18n import pick
from ..structure import QuestionDef, SectionDef
from .values import DONT_KNOW, OTHER, AnswerError


def data_from_post(section: SectionDef, post) -> dict:
    data: dict = {}
    for q in section.questions:
        code = q.code
        if q.type == "multiple":
            data[code] = [v for v in post.getlist(code) if v]
        elif q.type == "matrix":
            data[code] = {row: post.get(f"{code}__{row}", "") for row in q.row_codes}
        elif q.type == "ranking":
            data[code] = {c.code: post.get(f"{code}__{c.code}", "") for c in q.choices}
        elif q.type != "display":
            data[code] = post.get(code, "")
        if q.allow_other:
            data[f"{code}_other"] = post.get(f"{code}_other", "")
    return data


@dataclass
class Option:
    code: str
    label: str
    checked: bool = False
    id: str = ""


@dataclass
class RowView:
    code: str
    label: str
    id: str
    options: list[Option] = field(default_factory=list)
    rank: str = ""


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
    input_mode: str = ""

    @property
    def is_group(self) -> bool:
        if self.type == "single" and self.widget == "dropdown":
            return False
        return self.type in ("single", "multiple", "yes_no", "rating", "matrix", "ranking")


def _ordered(q: QuestionDef, seed: str):
    choices = list(q.choices)
    if q.randomize_choices:
        random.Random(f"{seed}:{q.code}").shuffle(choices)
    return choices


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
    views = []
    for q in section.questions:
        value = raw.get(q.code)
        view = QuestionView(
            q=q,
            code=q.code,
            id=f"q-{q.code}",
            type=q.type,
            text=pick(q.text, language, default_language),
            hint=pick(q.hint, language, default_language),
            required=q.required,
            visible=structure.is_visible(q, values),
            relevant=q.relevant,
            error=errors[q.code].message if q.code in errors else "",
            widget=q.widget,
            allow_other=q.allow_other and OTHER not in q.choice_codes,
            other_text=other.get(q.code, ""),
        )
        t = q.type
        if t in ("single", "multiple"):
            selected = set(value) if isinstance(value, list) else {value}
            view.options = [
                Option(
                    c.code,
                    pick(c.label, language, default_language),
                    c.code in selected,
                    f"q-{q.code}-{i}",
                )
                for i, c in enumerate(_ordered(q, seed))
            ]
            if q.allow_dont_know and t == "single":
                view.options.append(
                    Option(DONT_KNOW, _("Don't know"), DONT_KNOW in selected, f"q-{q.code}-dk")
                )
            view.other_checked = OTHER in selected
            if t == "single" and q.widget == "dropdown":
                view.value = value or ""
        elif t == "yes_no":
            view.options = [
                Option("yes", _("Yes"), value == "yes", f"q-{q.code}-yes"),
                Option("no", _("No"), value == "no", f"q-{q.code}-no"),
            ]
        elif t == "rating":
            current = str(value) if value not in (None, "") else ""
            view.options = [
                Option(str(n), str(n), current == str(n), f"q-{q.code}-{n}") for n in q.scale
            ]
            if q.allow_dont_know:
                view.options.append(
                    Option(DONT_KNOW, _("Don't know"), current == DONT_KNOW, f"q-{q.code}-dk")
                )
            view.min_label = pick(q.scale_min_label, language, default_language)
            view.max_label = pick(q.scale_max_label, language, default_language)
            if view.min_label:
                view.options[0].label = f"{view.options[0].label} – {view.min_label}"
            if view.max_label:
                last = len(q.scale) - 1
                view.options[last].label = f"{view.options[last].label} – {view.max_label}"
        elif t == "matrix":
            chosen = value if isinstance(value, dict) else {}
            options = [(c.code, pick(c.label, language, default_language)) for c in q.choices]
            if q.allow_dont_know:
                options.append((DONT_KNOW, _("Don't know")))
            for r_index, row in enumerate(q.rows):
                view.rows.append(
                    RowView(
                        row.code,
                        pick(row.label, language, default_language),
                        f"q-{q.code}-r{r_index}",
                        [
                            Option(
                                code,
                                label,
                                chosen.get(row.code) == code,
                                f"q-{q.code}-r{r_index}-{i}",
                            )
                            for i, (code, label) in enumerate(options)
                        ],
                    )
                )
        elif t == "ranking":
            if isinstance(value, dict):
                ranks = {k: str(v) for k, v in value.items() if v}
            elif isinstance(value, list):
                ranks = {code: str(i) for i, code in enumerate(value, start=1)}
            else:
                ranks = {}
            view.ranks = list(range(1, len(q.choices) + 1))
            for i, c in enumerate(_ordered(q, seed)):
                view.rows.append(
                    RowView(
                        c.code,
                        pick(c.label, language, default_language),
                        f"q-{q.code}-{i}",
                        rank=ranks.get(c.code, ""),
                    )
                )
        else:
            view.value = "" if value is None else str(value)
            if t == "integer":
                view.input_mode = "numeric"
            elif t == "decimal":
                view.input_mode = "decimal"
        views.append(view)
    return views
