"""Matrices of cells: a number or a short text per row and column (LimeSurvey's arrays of
numbers ``:`` and of texts ``;``).

The rows are the question's rows, the columns its choices. A stored answer row is one filled
cell: ``row`` and ``choice`` (the column) with ``value_number`` or ``value_text``. Result cells
are keyed by ``<row>:<column>`` (codes never hold a colon): ``n`` per cell, and for numbers the
value histogram ``v`` per cell, from which each cell's summary is derived.

Conditions do not look into a cell matrix: its value for conditions is empty on both the server
and the page (``client_value = "cells"``: answered, so the page counts it as shown, but not read).
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..i18n import pick
from .base import (
    TEXT_MAX,
    AnswerError,
    Cleaned,
    Column,
    Option,
    QuestionType,
    RowView,
    finite_number,
    fmt_number,
    is_empty,
    num_key,
    number_or_none,
)

SEPARATOR = ":"


def cell_key(row: str, column: str) -> str:
    """The result cell row of one matrix cell."""
    return f"{row}{SEPARATOR}{column}"


class CellMatrix(QuestionType):
    """What both cell matrices share: rows × columns of typed cells."""

    needs_rows = True
    edits_choices = True
    choices_help = gettext_lazy("The answer options are the columns of the matrix.")
    client_value = "cells"
    input_mode = ""
    #: XLSForm type of one cell
    cell_xlsform_type = "text"

    # --- answering ----------------------------------------------------------------------

    def clean_cell(self, q, raw, language) -> tuple[str, float | None]:
        """(text, number) of one non-empty cell, or AnswerError."""
        raise NotImplementedError

    def clean(self, q, raw, other_text, language):
        if not isinstance(raw, dict):
            raise AnswerError(_("Expected one answer per row and column."))
        rows = {r.code: r for r in q.rows}
        columns = {c.code: c for c in q.choices}
        for row_code, cells in raw.items():
            if row_code not in rows:
                raise AnswerError(_("%(code)s is not a row of this question.") % {"code": row_code})
            if not isinstance(cells, dict):
                raise AnswerError(
                    _("Expected one answer per column in row %(row)s.") % {"row": row_code}
                )
            for column_code in cells:
                if column_code not in columns:
                    raise AnswerError(
                        _("%(code)s is not a column of this question.") % {"code": column_code}
                    )
        stored = []
        missing = False
        for row in q.rows:
            cells = raw.get(row.code) or {}
            for column in q.choices:
                value = cells.get(column.code)
                if is_empty(value):
                    missing = True
                    continue
                try:
                    text, number = self.clean_cell(q, value, language)
                except AnswerError as error:
                    row_label = pick(row.label, language) or row.code
                    column_label = pick(column.label, language) or column.code
                    where = f"{row_label} – {column_label}"
                    raise AnswerError(f"{where}: {error.message}", error.code) from None
                stored.append((row.code, column.code, text, number, None))
        if q.required and missing:
            raise AnswerError(_("Please fill in every cell."), "required")
        return Cleaned("", stored)

    def raw_from_rows(self, q, rows):
        raw: dict[str, dict] = {}
        for row, column, text, number, _day in rows:
            raw.setdefault(row, {})[column] = self.stored_value(text, number)
        return raw, ""

    def stored_value(self, text, number):
        raise NotImplementedError

    def from_post(self, q, post):
        return {
            row.code: {
                column.code: post.get(f"{q.code}__{row.code}__{column.code}", "")
                for column in q.choices
            }
            for row in q.rows
        }

    def field_template(self, q):
        return "surveys/respond/fields/cells.html"

    def fill_view(self, view, q, value, *, label, seed):
        filled = value if isinstance(value, dict) else {}
        view.input_mode = self.input_mode
        view.max_length = getattr(q, "max_length", None) or TEXT_MAX
        for r_index, row in enumerate(q.rows):
            cells = filled.get(row.code) if isinstance(filled.get(row.code), dict) else {}
            view.rows.append(
                RowView(
                    row.code,
                    label(row.label),
                    f"q-{q.code}-r{r_index}",
                    [
                        Option(
                            column.code,
                            label(column.label),
                            id=f"q-{q.code}-r{r_index}-{c_index}",
                            value="" if cells.get(column.code) is None else str(cells[column.code]),
                        )
                        for c_index, column in enumerate(q.choices)
                    ],
                )
            )

    # --- design ---------------------------------------------------------------------------

    def ready_errors(self, options, rows):
        if not options or not rows:
            return [_("A matrix of cells needs rows and at least one column.")]
        return []

    # --- results --------------------------------------------------------------------------

    def response_cells(self, answer, seen):
        return [("n", cell_key(answer.row, answer.choice), "")]

    def frame_cells(self, f, m):
        f.add(m, "n", f.row_choices(m), f.no_keys(m))

    def cell_result(self, r, key: str, n: int) -> dict:
        hidden = r.suppress and n < r.min_count
        return {"n": None if hidden else n, "suppressed": hidden}

    def result(self, q, r):
        columns = [{"code": c.code, "label": r.label(c.label) or c.code} for c in q.choices]
        rows = []
        for row in q.rows:
            cells = []
            for column in q.choices:
                key = cell_key(row.code, column.code)
                n = r.total.get(("n", key, ""), 0)
                cells.append({"code": column.code, **self.cell_result(r, key, n)})
            rows.append({"code": row.code, "label": r.label(row.label) or row.code, "cells": cells})
        return {"kind": "cells", "numeric": self.numeric, "columns": columns, "cells": rows}

    numeric = False

    # --- exports --------------------------------------------------------------------------

    def export_columns(self, q, text, labels, codes, label):
        return [
            Column(
                f"{q.code}_{row.code}_{column.code}",
                f"{text}: {label(row.label)} – {label(column.label)}",
                "number" if self.numeric else "text",
            )
            for row in q.rows
            for column in q.choices
        ]

    def export_writer(self, code, index, label):
        numeric = self.numeric

        def put(values, row, choice, text, number, day):
            at = index.get(f"{code}_{row}_{choice}")
            if at is not None:
                values[at] = number_or_none(number) if numeric else text

        return put

    # --- interchange ------------------------------------------------------------------------

    def xlsform_rows(self, q, row, extra, w):
        """A group (read back by its ``teilhabe`` column, which also keeps the rows and
        columns) of one typed row per cell, which ODK and KoBo ask as they are."""
        code = q["code"]
        rows = list(q.get("rows") or [])
        columns = list(q.get("choices") or [])
        settings = {k: v for k, v in extra.items() if k != "type"} | {
            "type": self.kind,
            "rows": rows,
            "columns": columns,
        }
        cells = []
        for matrix_row in rows:
            for column in columns:
                label = {
                    lang: " – ".join(
                        part
                        for part in (
                            (matrix_row.get("label") or {}).get(lang, ""),
                            (column.get("label") or {}).get(lang, ""),
                        )
                        if part
                    )
                    for lang in w.languages
                }
                cells.append(
                    {
                        "type": self.cell_xlsform_type,
                        "name": f"{code}_{matrix_row['code']}_{column['code']}",
                        **w.texts("label", label),
                        "required": "yes" if q.get("required") else "",
                        **self.cell_xlsform_extra(q),
                    }
                )
        return [
            {
                "type": "begin group",
                "name": code,
                **w.texts("label", q.get("text")),
                **w.texts("hint", q.get("hint")),
                "relevant": q.get("relevant", ""),
                "appearance": "field-list",
                "teilhabe": json.dumps(settings, ensure_ascii=False),
            },
            *cells,
            {"type": "end group"},
        ]

    def cell_xlsform_extra(self, q) -> dict:
        return {}

    def limesurvey_read(self, question, ls):
        question.update(
            rows=ls.sub_list(ls.row["qid"], "0"), choices=ls.sub_list(ls.row["qid"], "1")
        )


class NumberMatrix(CellMatrix):
    kind = "matrix_number"
    numeric = True
    input_mode = "decimal"
    cell_xlsform_type = "decimal"
    limesurvey_types = (":",)

    def clean_cell(self, q, raw, language):
        if isinstance(raw, (int, float)):
            value = finite_number(raw)
        else:
            text = str(raw).strip().replace(" ", "")
            if re.fullmatch(r"-?\d+,\d+", text):
                text = text.replace(",", ".")
            try:
                value = finite_number(float(text))
            except ValueError:
                raise AnswerError(_("Enter a number.")) from None
        if q.min_value is not None and value < q.min_value:
            raise AnswerError(
                _("Enter at least %(min)s.") % {"min": fmt_number(q.min_value)}, "min_value"
            )
        if q.max_value is not None and value > q.max_value:
            raise AnswerError(
                _("Enter at most %(max)s.") % {"max": fmt_number(q.max_value)}, "max_value"
            )
        return "", value

    def stored_value(self, text, number):
        return number_or_none(number)

    def sample_answer(self, q, rng, texts):
        low = int(q.min_value or 0)
        high = int(q.max_value if q.max_value is not None else 40)
        return {
            row.code: {column.code: rng.randint(low, max(low, high)) for column in q.choices}
            for row in q.rows
        }

    def response_cells(self, answer, seen):
        key = cell_key(answer.row, answer.choice)
        cells = [("n", key, "")]
        if answer.number is not None:
            cells.append(("v", key, num_key(answer.number)))
        return cells

    def frame_cells(self, f, m):
        super().frame_cells(f, m)
        numbers = m & f.has_number
        f.add(numbers, "v", f.row_choices(numbers), f.number_keys(numbers))

    def cell_result(self, r, key, n):
        hist = {float(k): c for (m, row, k), c in r.total.items() if m == "v" and row == key}
        return r.summary(hist)

    def cell_xlsform_extra(self, q):
        low, high = q.get("min_value"), q.get("max_value")
        parts = []
        if low is not None:
            parts.append(f". >= {fmt_number(low)}")
        if high is not None:
            parts.append(f". <= {fmt_number(high)}")
        return {"constraint": " and ".join(parts)} if parts else {}

    def limesurvey_read(self, question, ls):
        super().limesurvey_read(question, ls)
        low = ls.number(ls.attrs.get("multiflexible_min"))
        high = ls.number(ls.attrs.get("multiflexible_max"))
        if low is not None and high is not None and high < low:
            ls.warn(_("The range was not imported: its maximum is below its minimum."))
        else:
            question.update(min_value=low, max_value=high)
        if ls.attrs.get("multiflexible_checkbox") == "1":
            question.update(min_value=0, max_value=1)
            ls.warn(_("The array of checkboxes was imported as a matrix of numbers 0 and 1."))


class TextMatrix(CellMatrix):
    kind = "matrix_text"
    limesurvey_types = (";",)

    def clean_cell(self, q, raw, language):
        text = str(raw).strip()
        limit = q.max_length or TEXT_MAX
        if len(text) > limit:
            raise AnswerError(_("Use at most %(n)s characters.") % {"n": limit}, "max_length")
        return text, None

    def stored_value(self, text, number):
        return text

    def sample_answer(self, q, rng, texts):
        return {
            row.code: {column.code: rng.choice(texts.short) for column in q.choices}
            for row in q.rows
        }
