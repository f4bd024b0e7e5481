"""Numbers: the rating scale, whole and decimal numbers. Counted as a value histogram."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .base import (
    DONT_KNOW,
    AnswerError,
    Cleaned,
    Column,
    OneBox,
    Option,
    QuestionType,
    as_int,
    code_of,
    custom_message,
    finite_number,
    fmt_number,
    likert_numbers,
    num_key,
    number_or_none,
)


class NumberType(QuestionType):
    """Numbers with a summary (mean, median, quartiles); "don't know" counts as a choice."""

    client_value = "number"

    def response_cells(self, answer, seen):
        if answer.number is None:
            return [("c", "", answer.choice)]
        return [("v", "", num_key(answer.number))]

    def frame_cells(self, f, m):
        words = m & ~f.has_number
        f.add(words, "c", f.no_rows(words), f.choices(words))
        numbers = m & f.has_number
        f.add(numbers, "v", f.no_rows(numbers), f.number_keys(numbers))

    def result(self, q, r):
        data = {"kind": "numbers", "summary": r.summary(r.hist(r.total))}
        if r.bd:
            data["groups"] = [
                {
                    "code": g,
                    "label": label,
                    "summary": r.summary(r.hist(r.by_group[g]))
                    if not hidden
                    else r.summary({}, True) | {"suppressed": True},
                }
                for g, label, _n, hidden in r.group_sizes()
            ]
        return data

    def export_columns(self, q, text, labels, codes, label):
        extra = {DONT_KNOW: labels[DONT_KNOW]} if q.allow_dont_know else {}
        return [Column(q.code, text, "number", extra)]

    def export_writer(self, code, index, label):
        at = index.get(code)

        def put(values, row, choice, text, number, day):
            if at is not None:
                value = number_or_none(number)
                values[at] = label(code, choice) if value is None and choice else value

        return put

    def raw_from_rows(self, q, rows):
        return rows[0][3], ""


class Rating(NumberType):
    kind = "rating"
    client_value = "one_number"
    design_fields = (
        *QuestionType.design_fields,
        "scale_min",
        "scale_max",
        "scale_min_label",
        "scale_max_label",
        "allow_dont_know",
    )
    xlsform_types = ("select_one",)
    xlsform_select = True
    limesurvey_types = ("5",)

    def clean(self, q, raw, other_text, language):
        if q.allow_dont_know and code_of(raw) == DONT_KNOW:
            return Cleaned(DONT_KNOW, [("", DONT_KNOW, "", None, None)])
        try:
            value = float(code_of(raw))
        except ValueError:
            raise AnswerError(_("Choose a point on the scale."), "choice") from None
        if value not in q.scale:
            raise AnswerError(
                _("Choose a point from %(low)s to %(high)s.")
                % {"low": q.scale[0], "high": q.scale[-1]},
                "choice",
            )
        return Cleaned(value, [("", "", "", value, None)])

    def raw_from_rows(self, q, rows):
        row = rows[0]
        return (row[1] if row[1] else as_int(row[3])), ""

    def sample_answer(self, q, rng, texts):
        if q.allow_dont_know and rng.random() < 0.07:
            return DONT_KNOW
        return rng.choice(q.scale)

    def field_template(self, q):
        return "surveys/respond/fields/scale.html"

    def fill_view(self, view, q, value, *, label, seed):
        current = str(value) if value not in (None, "") else ""
        view.options = [
            Option(str(n), str(n), current == str(n), f"q-{q.code}-{n}") for n in q.scale
        ]
        if q.allow_dont_know:
            view.options.append(
                Option(DONT_KNOW, _("Don't know"), current == DONT_KNOW, f"q-{q.code}-dk")
            )
        view.min_label = label(q.scale_min_label)
        view.max_label = label(q.scale_max_label)
        if view.min_label:
            view.options[0].label = f"{view.options[0].label} – {view.min_label}"
        if view.max_label:
            last = len(q.scale) - 1
            view.options[last].label = f"{view.options[last].label} – {view.max_label}"

    def condition_codes(self, q):
        return [str(v) for v in q.scale] + ([DONT_KNOW] if q.allow_dont_know else [])

    def validate(self, question, errors):
        super().validate(question, errors)
        low = 1 if question.scale_min is None else question.scale_min
        high = 5 if question.scale_max is None else question.scale_max
        if high - low > 20:
            errors["scale_max"] = [_("A rating scale has at most 21 points.")]

    def result(self, q, r):
        data = super().result(q, r)
        scale = [str(v) for v in q.scale] + ([DONT_KNOW] if q.allow_dont_know else [])
        counts = {**r.metric(r.total, "v"), **r.metric(r.total, "c")}
        data["choices"] = r.choices_block(counts, scale, r.n)
        # The ends of the scale carry their words, so "1" and "5" say which end is which.
        ends = {str(q.scale[0]): q.scale_min_label, str(q.scale[-1]): q.scale_max_label}
        for choice in data["choices"]:
            words = r.label(ends.get(choice["code"]) or {})
            if words:
                choice["label"] = f"{choice['label']} – {words}"
        data["scale_labels"] = {
            "min": r.label(q.scale_min_label or {}),
            "max": r.label(q.scale_max_label or {}),
        }
        if "groups" in data:  # the same key order as before: choices, then groups
            data["groups"] = data.pop("groups")
        return data

    def reads_xlsform(self, row):
        return super().reads_xlsform(row) and likert_numbers(row) is not None

    def xlsform_read(self, question, row):
        numbers = likert_numbers(row)
        by_code = {int(c["code"]): c for c in row.options}
        question.update(
            scale_min=numbers[0],
            scale_max=numbers[-1],
            scale_min_label=by_code[numbers[0]]["label"],
            scale_max_label=by_code[numbers[-1]]["label"],
        )

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = f"select_one {q['code']}"
        row["appearance"] = "likert"
        low = 1 if q.get("scale_min") is None else q["scale_min"]
        high = 5 if q.get("scale_max") is None else q["scale_max"]
        scale = []
        for value in range(low, high + 1):
            label = {c: str(value) for c in w.languages}
            if value == low and q.get("scale_min_label"):
                label = {c: f"{value} – {t}" for c, t in q["scale_min_label"].items()}
            if value == high and q.get("scale_max_label"):
                label = {c: f"{value} – {t}" for c, t in q["scale_max_label"].items()}
            scale.append({"code": str(value), "label": label})
        if q.get("allow_dont_know"):
            scale.append(
                {"code": DONT_KNOW, "label": {c: w.dont_know_label(c) for c in w.languages}}
            )
        extra["generated_choices"] = True
        w.add_choices(q["code"], scale)
        return [row]

    def limesurvey_read(self, question, ls):
        question.update(scale_min=1, scale_max=5)


class Typed(OneBox, NumberType):
    """A number typed into a text box, within an optional range."""

    whole = False
    design_fields = (*QuestionType.design_fields, "min_value", "max_value")

    def clean(self, q, raw, other_text, language):
        value = self._number(q, raw)
        if q.min_value is not None and value < q.min_value:
            raise AnswerError(
                custom_message(
                    q, language, _("Enter at least %(min)s.") % {"min": fmt_number(q.min_value)}
                ),
                "min_value",
            )
        if q.max_value is not None and value > q.max_value:
            raise AnswerError(
                custom_message(
                    q, language, _("Enter at most %(max)s.") % {"max": fmt_number(q.max_value)}
                ),
                "max_value",
            )
        return Cleaned(value, [("", "", "", value, None)])

    def _number(self, q, raw) -> float:
        if isinstance(raw, (int, float)):
            value = finite_number(raw)
        else:
            text = str(raw).strip().replace(" ", "")
            if not self.whole and re.fullmatch(r"-?\d+,\d+", text):
                text = text.replace(",", ".")
            try:
                value = float(text)
            except ValueError:
                raise AnswerError(
                    _("Enter a whole number.") if self.whole else _("Enter a number.")
                ) from None
            value = finite_number(value)
        if self.whole and value != int(value):
            raise AnswerError(_("Enter a whole number."))
        return value

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = self.xlsform_types[0]
        return [row]

    def reads_limesurvey(self, ls):
        whole = ls.attrs.get("num_value_int_only") == "1"
        return super().reads_limesurvey(ls) and whole == self.whole

    def limesurvey_read(self, question, ls):
        question["min_value"] = ls.number(ls.attrs.get("min_num_value_n"))
        question["max_value"] = ls.number(ls.attrs.get("max_num_value_n"))
        if (
            question["min_value"] is not None
            and question["max_value"] is not None
            and question["max_value"] < question["min_value"]
        ):
            ls.warn(_("The range was not imported: its maximum is below its minimum."))
            question["min_value"] = question["max_value"] = None


class Integer(Typed):
    kind = "integer"
    whole = True
    input_mode = "numeric"
    xlsform_types = ("integer", "int", "range")
    limesurvey_types = ("N",)

    def raw_from_rows(self, q, rows):
        return as_int(rows[0][3]), ""

    def sample_answer(self, q, rng, texts):
        low = int(q.min_value or 0)
        high = int(q.max_value if q.max_value is not None else 100)
        return rng.randint(low, min(high, low + 60))

    def xlsform_read(self, question, row):
        if row.word == "range":
            question["min_value"] = row.number(row.params.get("start"))
            question["max_value"] = row.number(row.params.get("end"))
            if row.params.get("step") not in (None, "", "1"):
                row.warn(_("The step of the range was not imported."))


class Decimal(Typed):
    kind = "decimal"
    input_mode = "decimal"

    def sample_answer(self, q, rng, texts):
        return round(rng.uniform(q.min_value or 0, q.max_value or 100), 1)

    xlsform_types = ("decimal",)
    limesurvey_types = ("N",)
