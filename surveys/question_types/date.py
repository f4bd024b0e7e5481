"""Dates: stored as dates, counted per month."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .base import AnswerError, Cleaned, OneBox, QuestionType


class Date(OneBox, QuestionType):
    kind = "date"
    input_type = "date"
    xlsform_types = ("date",)
    limesurvey_types = ("D",)

    def clean(self, q, raw, other_text, language):
        try:
            value = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
        except ValueError:
            raise AnswerError(_("Enter a date as YYYY-MM-DD."), "date") from None
        return Cleaned(value.isoformat(), [("", "", "", None, value)])

    def sample_answer(self, q, rng, texts):
        return (timezone.localdate() - timedelta(days=rng.randint(200, 4000))).isoformat()

    def raw_from_rows(self, q, rows):
        return (rows[0][4].isoformat() if rows[0][4] else None), ""

    def response_cells(self, answer, seen):
        return [("m", "", answer.date[:7])] if answer.date else []

    def frame_cells(self, f, m):
        f.add_months(m)

    def result(self, q, r):
        months = r.metric(r.total, "m")
        keys = sorted(months)
        hidden = r.line([months[k] for k in keys], sum(months.values()))
        return {
            "kind": "months",
            "months": [
                {"key": k, "count": None if h else months[k], "suppressed": h}
                for k, h in zip(keys, hidden, strict=True)
            ],
        }

    def export_writer(self, code, index, label):
        at = index.get(code)

        def put(values, row, choice, text, number, day):
            if at is not None:
                values[at] = day or None

        return put

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = "date"
        return [row]
