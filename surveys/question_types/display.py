"""A display text: shown to the respondent, never answered, counted or exported."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import EMPTY, QuestionType


class Display(QuestionType):
    kind = "display"
    answered = False
    client_value = "none"
    design_fields = ()
    xlsform_types = ("note",)
    limesurvey_types = ("X",)

    def clean(self, q, raw, other_text, language):
        return EMPTY

    def raw_from_rows(self, q, rows):
        return None, ""

    def sample_answer(self, q, rng, texts):
        return None

    def is_group(self, q):
        return False

    def field_template(self, q):
        return "surveys/respond/fields/display.html"

    def fill_view(self, view, q, value, *, label, seed):
        pass

    def validate(self, question, errors):
        if not question.text:
            errors["text"] = [_("A display item needs a text.")]
        question.required = False

    def result(self, q, r):
        return {"kind": "text"}

    def export_columns(self, q, text, labels, codes, label):
        return []

    def export_writer(self, code, index, label):
        def put(values, row, choice, text, number, day):
            pass

        return put

    def xlsform_read(self, question, row):
        question["required"] = False

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = "note"
        row["required"] = ""
        return [row]

    def limesurvey_read(self, question, ls):
        question["required"] = False
