"""The matrix: one single choice per row, all rows on one scale of choices."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .base import (
    DONT_KNOW,
    AnswerError,
    Cleaned,
    Column,
    Option,
    QuestionType,
    RowView,
    choice_of,
    gettext_noop,
    is_empty,
)

YES_NO_UNCERTAIN = [
    ("Y", gettext_noop("Yes")),
    ("N", gettext_noop("No")),
    ("U", gettext_noop("Uncertain")),
]
INCREASE_SAME_DECREASE = [
    ("I", gettext_noop("Increase")),
    ("S", gettext_noop("Same")),
    ("D", gettext_noop("Decrease")),
]


class Matrix(QuestionType):
    kind = "matrix"
    needs_rows = True
    edits_choices = True
    client_value = "checked_radios"
    design_fields = (*QuestionType.design_fields, "allow_dont_know")
    limesurvey_types = ("A", "B", "C", "E", "F", "H", "1")

    def clean(self, q, raw, other_text, language):
        if not isinstance(raw, dict):
            raise AnswerError(_("Expected one answer per row."))
        known_rows = q.row_codes
        for row_code in raw:
            if row_code not in known_rows:
                raise AnswerError(_("%(code)s is not a row of this question.") % {"code": row_code})
        rows = []
        chosen = []
        for row_code in known_rows:
            value = raw.get(row_code)
            if is_empty(value):
                continue
            code = choice_of(q, value, (DONT_KNOW,) if q.allow_dont_know else ())
            rows.append((row_code, code, "", None, None))
            chosen.append(code)
        if q.required and len(rows) < len(known_rows):
            raise AnswerError(_("Please answer every row."), "required")
        return Cleaned(chosen, rows)

    def raw_from_rows(self, q, rows):
        return {row[0]: row[1] for row in rows}, ""

    def sample_answer(self, q, rng, texts):
        codes = [c.code for c in q.choices]
        return {row: rng.choice(codes) for row in q.row_codes}

    def from_post(self, q, post):
        return {row: post.get(f"{q.code}__{row}", "") for row in q.row_codes}

    def field_template(self, q):
        return "surveys/respond/fields/matrix.html"

    def fill_view(self, view, q, value, *, label, seed):
        chosen = value if isinstance(value, dict) else {}
        options = [(c.code, label(c.label)) for c in q.choices]
        if q.allow_dont_know:
            options.append((DONT_KNOW, _("Don't know")))
        for r_index, row in enumerate(q.rows):
            view.rows.append(
                RowView(
                    row.code,
                    label(row.label),
                    f"q-{q.code}-r{r_index}",
                    [
                        Option(
                            code, text, chosen.get(row.code) == code, f"q-{q.code}-r{r_index}-{i}"
                        )
                        for i, (code, text) in enumerate(options)
                    ],
                )
            )

    def ready_errors(self, options, rows):
        if not options or not rows:
            return [_("A matrix needs rows and a scale of at least one choice.")]
        return []

    def response_cells(self, answer, seen):
        cells = []
        if (answer.question, answer.row) not in seen:
            seen.add((answer.question, answer.row))
            cells.append(("n", answer.row, ""))
        cells.append(("c", answer.row, answer.choice))
        return cells

    def frame_cells(self, f, m):
        first = m & ~f.duplicated_rows(m)
        f.add(first, "n", f.rows(first), f.no_keys(first))
        f.add(m, "c", f.rows(m), f.choices(m))

    def result(self, q, r):
        rows = []
        for row in q.rows:
            rn = r.total.get(("n", row.code, ""), 0)
            counts = r.metric(r.total, "c", row.code)
            block = {
                "code": row.code,
                "label": r.label(row.label) or row.code,
                "n": None if r.suppress and rn < r.min_count else rn,
                "choices": r.choices_block(counts, r.codes, rn),
            }
            if r.bd:
                hidden = {c["code"]: c["suppressed"] for c in block["choices"]}
                block["cross"] = r.cross(counts, hidden, "c", row.code)
            rows.append(block)
        return {"kind": "matrix", "rows": rows}

    def export_columns(self, q, text, labels, codes, label):
        value_labels = {c: labels.get(c, c) for c in codes}
        return [
            Column(f"{q.code}_{row.code}", f"{text}: {label(row.label)}", "text", value_labels)
            for row in q.rows
        ]

    def export_writer(self, code, index, label):
        def put(values, row, choice, text, number, day):
            name = f"{code}_{row}"
            at = index.get(name)
            if at is not None:
                values[at] = label(name, choice)

        return put

    def xlsform_rows(self, q, row, extra, w):
        code = q["code"]
        w.add_choices(code, list(q.get("choices") or []))
        return [
            {
                "type": "begin group",
                "name": code,
                **w.texts("label", q.get("text")),
                **w.texts("hint", q.get("hint")),
                "relevant": q.get("relevant", ""),
                "appearance": "field-list",
                "teilhabe": json.dumps(
                    {k: v for k, v in extra.items() if k != "type"} | {"type": "matrix"},
                    ensure_ascii=False,
                ),
            },
            *(
                {
                    "type": f"select_one {code}",
                    "name": f"{code}_{matrix_row['code']}",
                    **w.texts("label", matrix_row["label"]),
                    "required": "yes" if q.get("required") else "",
                }
                for matrix_row in q.get("rows") or []
            ),
            {"type": "end group"},
        ]

    def limesurvey_read(self, question, ls):
        if ls.ls_type == "A":
            scale = [{"code": f"v{n}", "label": {ls.default: str(n)}} for n in range(1, 6)]
        elif ls.ls_type == "B":
            scale = [{"code": f"v{n}", "label": {ls.default: str(n)}} for n in range(1, 11)]
        elif ls.ls_type == "C":
            scale = ls.labels(YES_NO_UNCERTAIN)
        elif ls.ls_type == "E":
            scale = ls.labels(INCREASE_SAME_DECREASE)
        else:
            scale = ls.choice_list(ls.row["qid"], "0")
        if ls.ls_type == "H":
            ls.warn(_("The array by column was imported as a matrix with rows."))
        question.update(rows=ls.sub_list(ls.row["qid"], "0"), choices=scale)
