"""Forms of the survey designer. Texts are edited side by side: one input per language, named
``<field>__<language>`` and shown as a table (``text_grid``)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from participation.models import Phase, Process

from .. import expressions
from ..i18n import (
    COMMON,
    all_languages,
    direction,
    language_label,
    language_name,
    pick,
    resolve_language,
)
from ..models import STARTS_PER_HOUR_MAX, Question, Survey
from ..question_types import question_type
from ..services.interchange import MAX_IMPORT_BYTES


def language_choices() -> list[tuple[str, str]]:
    """Every CLDR language, labelled in its own name and in the interface language."""
    ui = (get_language() or "de").split("-")[0]
    return [(code, language_label(code, ui)) for code in all_languages()]


class LanguagePicker(forms.CheckboxSelectMultiple):
    """Check boxes for the common languages and those chosen, plus a search field over every
    CLDR language (a ``<datalist>``: the browser filters it as one types, without JavaScript).
    Several languages may be typed, separated by commas, by code or by name."""

    def get_context(self, name, value, attrs):
        chosen = set(value or [])
        shown = [(c, label) for c, label in self.choices if c in chosen or c in COMMON]
        full, self.choices = self.choices, shown
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = full

    def render(self, name, value, attrs=None, renderer=None):
        boxes = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or f"id_{name}"
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((c, label) for c, label in self.choices)
        )
        search = format_html(
            '<p class="language-search"><label for="{id}-more">{label}</label> '
            '<input type="text" id="{id}-more" name="{name}__more" list="{id}-all" '
            'autocomplete="off" aria-describedby="{id}-more-help">'
            '<datalist id="{id}-all">{options}</datalist> '
            '<span class="help" id="{id}-more-help">{help}</span></p>',
            id=field_id,
            name=name,
            label=_("Add languages (search by name or code)"),
            options=options,
            help=_(
                "Any language with a CLDR code, e.g. Svenska (sv), Srpski (sr-Latn), "
                "Dari (fa-AF), Sorani (ckb); several separated by commas."
            ),
        )
        return mark_safe(boxes + search)

    def value_from_datadict(self, data, files, name):
        chosen = list(super().value_from_datadict(data, files, name) or [])
        for text in re.split(r"[,;]", data.get(f"{name}__more", "") or ""):
            if text.strip():
                chosen.append(resolve_language(text) or text.strip())
        return list(dict.fromkeys(chosen))

    def value_omitted_from_data(self, data, files, name):
        return False


def _languages_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=language_choices,
        widget=LanguagePicker,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is no language with a CLDR code (e.g. sv, sr-Latn, fa-AF)."
            )
        },
        **kwargs,
    )


def _default_language_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Default language"), choices=language_choices, **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _expression_field(label, help_text, *, allow_self: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


def _check_expression(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            expressions.parse(value)
        except expressions.ExpressionError as exc:
            raise forms.ValidationError(exc.message) from exc
    return value


class TextGridMixin:
    """Adds one field per (text field, language); ``text_grid`` lays them out as a table."""

    text_fields: tuple[tuple[str, str, bool], ...] = ()  # (name, label, multi-line)

    def add_text_fields(self, languages: list[str], initial: dict | None = None) -> None:
        self.languages = list(languages)
        initial = initial or {}
        for name, label, multiline in self.text_fields:
            for code in self.languages:
                widget = (
                    forms.Textarea(attrs={"rows": 3, "lang": code, "dir": _dir(code)})
                    if multiline
                    else forms.TextInput(attrs={"lang": code, "dir": _dir(code)})
                )
                self.fields[f"{name}__{code}"] = forms.CharField(
                    label=f"{label} ({language_name(code)})",
                    required=False,
                    widget=widget,
                    initial=(initial.get(name) or {}).get(code, ""),
                )

    def texts(self, name: str) -> dict:
        return {
            code: self.cleaned_data.get(f"{name}__{code}", "").strip()
            for code in self.languages
            if self.cleaned_data.get(f"{name}__{code}", "").strip()
        }

    def grid_languages(self) -> list[tuple[str, str]]:
        """(code, name) of the grid's columns. Not ``languages``: in a template that name
        would find the settings form's own ``languages`` field first."""
        return [(code, language_name(code)) for code in self.languages]

    def text_grid(self) -> list[tuple[str, list]]:
        return [
            (label, [self[f"{name}__{code}"] for code in self.languages])
            for name, label, _multiline in self.text_fields
        ]

    def plain_fields(self) -> list:
        grid = {f"{name}__{code}" for name, *_rest in self.text_fields for code in self.languages}
        return [self[name] for name in self.fields if name not in grid]


def _dir(code: str) -> str:
    return direction(code)


class SurveyCreateForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Process"), queryset=Process.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    languages = _languages_field(initial=["de"])
    default_language = _default_language_field(
        initial="de", help_text=_("The title above is in this language.")
    )
    access_mode = forms.ChoiceField(label=_("Access"), choices=Survey.AccessMode.choices)
    anonymised = forms.BooleanField(
        label=_("Anonymised: responses keep no link to an invitation or person"), required=False
    )

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes
        if processes.count() == 1:
            self.fields["process"].initial = processes.first()


class SurveySettingsForm(TextGridMixin, forms.Form):
    text_fields = (
        ("title", _("Title"), False),
        ("description", _("Introduction"), True),
        ("privacy_notice", _("Privacy notice"), True),
        ("thank_you", _("Thank-you text"), True),
        ("invitation_text", _("Invitation email text"), True),
    )
    languages = _languages_field(
        help_text=_("After adding a language, save once: its text columns then appear.")
    )
    default_language = _default_language_field()
    access_mode = forms.ChoiceField(label=_("Access"), choices=Survey.AccessMode.choices)
    anonymised = forms.BooleanField(
        label=_("Anonymised: responses keep no link to an invitation or person"), required=False
    )
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none(), required=False)
    opens_at = forms.DateTimeField(label=_("Opens at"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), required=False, widget=DateTimeInput())
    starts_per_hour = forms.IntegerField(
        label=_("Starts per hour from one network address"),
        required=False,
        min_value=1,
        max_value=STARTS_PER_HOUR_MAX,
        help_text=_(
            "Empty: the installation's default (%(default)s). For a session on tablets that "
            "share one Wi-Fi network (language café, shelter), raise it, e.g. to 400."
        ),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(
            *args,
            initial={
                "languages": survey.languages,
                "default_language": survey.default_language,
                "access_mode": survey.access_mode,
                "anonymised": survey.anonymised,
                "phase": survey.phase_id,
                "opens_at": survey.opens_at,
                "closes_at": survey.closes_at,
                "starts_per_hour": survey.starts_per_hour,
            },
            **kwargs,
        )
        self.fields["starts_per_hour"].help_text %= {
            "default": settings.SURVEY_PUBLIC_STARTS_PER_HOUR
        }
        self.fields["phase"].queryset = Phase.objects.filter(
            process=survey.process_id, kind=Phase.Kind.SURVEY
        )
        self.add_text_fields(
            survey.languages, {name: getattr(survey, name) for name, *_r in self.text_fields}
        )

    def service_data(self) -> dict:
        data = {name: self.texts(name) for name, *_rest in self.text_fields}
        for name in (
            "languages",
            "default_language",
            "access_mode",
            "anonymised",
            "phase",
            "opens_at",
            "closes_at",
            "starts_per_hour",
        ):
            data[name] = self.cleaned_data.get(name)
        return data


class SectionForm(TextGridMixin, forms.Form):
    text_fields = (("title", _("Title"), False), ("description", _("Description"), True))
    code = forms.CharField(
        label=_("Code"), max_length=64, help_text=_("A short name, e.g. about_you.")
    )
    relevant = _expression_field(
        _("Show this page only if"),
        _("A condition on earlier answers, e.g. ${age} >= 18. Leave empty to always show it."),
    )

    def __init__(self, *args, languages: list[str], section=None, **kwargs):
        initial = {"code": section.code, "relevant": section.relevant} if section else {}
        super().__init__(*args, initial=initial, **kwargs)
        self.add_text_fields(
            languages,
            {"title": section.title, "description": section.description} if section else {},
        )

    def clean_relevant(self):
        return _check_expression(self.cleaned_data.get("relevant"))

    def service_data(self) -> dict:
        return {
            "code": self.cleaned_data["code"],
            "relevant": self.cleaned_data["relevant"],
            "title": self.texts("title"),
            "description": self.texts("description"),
        }


class QuestionAddForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Stable name used in conditions and exports, e.g. age or q12."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Choices (for choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line as code=label, e.g. yes=Yes. A line without = is its own code."),
    )

    def clean_choices(self):
        items = []
        for line in (self.cleaned_data.get("choices") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            code, _sep, label = line.partition("=")
            items.append({"code": code.strip(), "label": (label or code).strip()})
        return items


QUESTION_OPTION_FIELDS = (
    "required",
    "widget",
    "allow_other",
    "allow_dont_know",
    "randomize_choices",
    "scale_min",
    "scale_max",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "pattern",
    "is_target_group_question",
)


# Fields every question form has, whatever the type (see ``QuestionType.design_fields``).
QUESTION_COMMON_FIELDS = ("code", "type", "section", "relevant", "text", "hint")


class QuestionForm(TextGridMixin, forms.ModelForm):
    text_fields = (
        ("text", _("Question text"), True),
        ("hint", _("Hint"), False),
        ("scale_min_label", _("Label of the lowest value"), False),
        ("scale_max_label", _("Label of the highest value"), False),
        ("validation_message", _("Validation message"), False),
    )
    section = forms.ChoiceField(label=_("Page"))
    relevant = _expression_field(
        _("Show only if"),
        _("A condition on earlier answers, e.g. ${lang} = 'uk' or selected(${topics}, 'work')."),
    )
    constraint = _expression_field(
        _("Constraint"),
        _("A condition the answer itself must meet, written with a dot, e.g. . >= 18."),
        allow_self=True,
    )

    class Meta:
        model = Question
        fields = ["code", "type", *QUESTION_OPTION_FIELDS]

    def __init__(self, *args, languages: list[str], sections, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        # Only what applies to the question's type is offered; the rest keeps its value.
        self.applies = set(QUESTION_COMMON_FIELDS) | set(question_type(question.type).design_fields)
        self.text_fields = tuple(t for t in self.text_fields if t[0] in self.applies)
        for name in list(self.fields):
            if name not in self.applies:
                del self.fields[name]
        self.fields["section"].choices = [(s.code, f"{s.code}") for s in sections]
        self.fields["section"].initial = question.section.code
        self.fields["relevant"].initial = question.relevant
        if "constraint" in self.fields:
            self.fields["constraint"].initial = question.constraint
        self.add_text_fields(
            languages, {name: getattr(question, name) for name, *_r in self.text_fields}
        )

    def validate_unique(self):
        # Codes are checked by the definition service (within the version being edited).
        pass

    def clean_relevant(self):
        return _check_expression(self.cleaned_data.get("relevant"))

    def clean_constraint(self):
        return _check_expression(self.cleaned_data.get("constraint"))

    def _post_clean(self):
        # The model is saved only through the definition services; skip the instance update.
        pass

    def service_data(self) -> dict:
        data = {name: self.texts(name) for name, *_rest in self.text_fields}
        for name in ("code", "type", "relevant", "constraint", *QUESTION_OPTION_FIELDS):
            if name in self.fields:
                data[name] = self.cleaned_data.get(name)
        if "pattern" in data:
            data["pattern"] = data["pattern"] or ""
        if "widget" in data:
            data["widget"] = data["widget"] or Question.Widget.RADIO
        return data


# --- the condition builder ------------------------------------------------------------------

OPERATOR_CHOICES = (
    ("=", _("is")),
    ("!=", _("is not")),
    ("selected", _("includes (multiple choice)")),
    ("not_selected", _("does not include (multiple choice)")),
    ("<", _("is less than")),
    ("<=", _("is at most")),
    (">", _("is greater than")),
    (">=", _("is at least")),
    ("answered", _("was answered")),
    ("not_answered", _("was not answered")),
)


def builder_questions(
    struct, *, language: str, before_question: str = "", before_section: str = ""
) -> list:
    """The questions a condition may refer to: answered questions that come before the
    question ``before_question`` (or before the page ``before_section``), each with its
    answer codes and their labels (None for questions answered with any value)."""
    out = []
    for section in struct.sections:
        if section.code == before_section:
            break
        for q in section.questions:
            if q.code == before_question:
                return out
            if not q.qtype.answered:
                continue
            codes = q.qtype.condition_codes(q)
            labels = {c.code: pick(c.label, language) for c in q.choices}
            labels.update({k: str(v) for k, v in q.qtype.extra_labels().items()})
            labels.setdefault("other", str(_("Other")))
            labels.setdefault("dont_know", str(_("Don't know")))
            out.append(
                {
                    "code": q.code,
                    "label": pick(q.text, language) or q.code,
                    "type": q.type,
                    "several": q.qtype.client_value in ("checked", "ranks"),
                    "codes": None
                    if codes is None
                    else [{"code": c, "label": labels.get(c, c)} for c in codes],
                }
            )
    return out


class ConditionBuilderForm(forms.Form):
    """Builds one condition from lists (question, operator, answer) and adds it to the
    condition typed in the page or question form. Without JavaScript the answer is typed
    (the question's codes are listed beside it); the script turns it into a list."""

    question = forms.ChoiceField(label=_("Question"), required=False)
    operator = forms.ChoiceField(label=_("Operator"), choices=OPERATOR_CHOICES, required=False)
    value = forms.CharField(
        label=_("Answer or value"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    join = forms.ChoiceField(
        label=_("Join with the condition so far"),
        choices=(("and", _("and (both must hold)")), ("or", _("or (either is enough)"))),
        required=False,
    )

    def __init__(self, *args, questions: list, **kwargs):
        kwargs.setdefault("prefix", "cb")
        super().__init__(*args, **kwargs)
        self.questions = {q["code"]: q for q in questions}
        self.fields["question"].choices = [("", _("– choose a question –"))] + [
            (q["code"], _question_option(q)) for q in questions
        ]

    def clean(self):
        data = super().clean()
        code, operator, value = data.get("question"), data.get("operator"), data.get("value")
        if not code:
            self.add_error("question", _("Choose the question the condition is about."))
            return data
        if operator not in expressions.NEEDS_NO_VALUE and not (value or "").strip():
            self.add_error("value", _("Choose or enter the answer to compare with."))
            return data
        try:
            condition = expressions.build(code, operator or "=", value or "")
            codes = {
                c: None if q["codes"] is None else [x["code"] for x in q["codes"]]
                for c, q in self.questions.items()
            }
            expressions.check_values(expressions.parse(condition), codes)
        except expressions.ExpressionError as exc:
            self.add_error("value", exc.message)
            return data
        data["condition"] = condition
        return data

    def combined(self, existing: str) -> str:
        """The condition so far with the built one added."""
        return expressions.combine(
            existing, self.cleaned_data["condition"], self.cleaned_data.get("join") or "and"
        )


def _question_option(q: dict) -> str:
    text = q["label"] if len(q["label"]) <= 60 else q["label"][:58] + "…"
    if q["codes"]:
        return f"{q['code']}: {text} ({', '.join(c['code'] for c in q['codes'])})"
    return f"{q['code']}: {text}"


class ImportForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Process"), queryset=Process.objects.none())
    file = forms.FileField(
        validators=[UploadLimits(limit=MAX_IMPORT_BYTES)],
        label=_("Survey file"),
        help_text=_("An XLSForm workbook (.xlsx, .xls) or a LimeSurvey survey structure (.lss)."),
    )

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes
        if processes.count() == 1:
            self.fields["process"].initial = processes.first()
