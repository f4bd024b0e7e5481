"""Free text: short and long. Not counted beyond how many answered; read in the free-text list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import (
    LONG_TEXT_MAX,
    TEXT_MAX,
    AnswerError,
    Cleaned,
    OneBox,
    QuestionType,
    check_pattern,
    custom_message,
)


class TextType(OneBox, QuestionType):
    limit = TEXT_MAX
    takes_pattern = True
    design_fields = (*QuestionType.design_fields, "min_length", "max_length", "pattern")
    xlsform_types = ("text", "string")
    multiline = False

    def clean(self, q, raw, other_text, language):
        if not isinstance(raw, str):
            raw = str(raw)
        text = raw.strip()
        limit = q.max_length or self.limit
        if len(text) > limit:
            raise AnswerError(
                custom_message(q, language, _("Use at most %(n)s characters.") % {"n": limit}),
                "max_length",
            )
        if q.min_length and len(text) < q.min_length:
            raise AnswerError(
                custom_message(
                    q, language, _("Use at least %(n)s characters.") % {"n": q.min_length}
                ),
                "min_length",
            )
        check_pattern(text, q, language)
        return Cleaned(text, [("", "", text, None, None)])

    def raw_from_rows(self, q, rows):
        return rows[0][2], ""

    def fill_view(self, view, q, value, *, label, seed):
        super().fill_view(view, q, value, label=label, seed=seed)
        view.max_length = q.max_length

    def result(self, q, r):
        data = {"kind": "text"}
        if r.bd:
            data["groups"] = [
                {"code": g, "label": label, "n": None if hidden else n, "suppressed": hidden}
                for g, label, n, hidden in r.group_sizes()
            ]
        return data

    def _sample_pool(self, q, pool, texts):
        return texts.matching if q.pattern and texts.matching else pool

    def reads_xlsform(self, row):
        return super().reads_xlsform(row) and ("multiline" in row.appearance) == self.multiline

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = "text"
        if self.multiline:
            row["appearance"] = "multiline"
        return [row]

    def limesurvey_read(self, question, ls):
        if ls.int_value(ls.attrs.get("maximum_chars"), 0) > 0:
            question["max_length"] = ls.int_value(ls.attrs["maximum_chars"])


class Text(TextType):
    kind = "text"
    limesurvey_types = ("S",)

    def sample_answer(self, q, rng, texts):
        return rng.choice(self._sample_pool(q, texts.short, texts))


class LongText(TextType):
    kind = "long_text"
    limit = LONG_TEXT_MAX
    multiline = True
    limesurvey_types = ("T", "U")
    template = "surveys/respond/fields/textarea.html"

    def sample_answer(self, q, rng, texts):
        return rng.choice(self._sample_pool(q, texts.long, texts)) if rng.random() < 0.4 else ""
