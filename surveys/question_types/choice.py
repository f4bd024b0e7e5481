"""Choice questions: single choice, multiple choice, yes/no."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import (
    DONT_KNOW,
    OTHER,
    AnswerError,
    Cleaned,
    Column,
    Option,
    QuestionType,
    choice_of,
    code_of,
    gettext_noop,
    is_empty,
    likert_numbers,
    ordered_choices,
    other_needs_text,
)

GENDER = [("F", gettext_noop("Female")), ("M", gettext_noop("Male"))]


class ChoiceType(QuestionType):
    """What the three share: counted per choice code, exported as codes or labels."""

    client_value = "one"

    def condition_codes(self, q):
        return self.choice_codes(q)

    def response_cells(self, answer, seen):
        return [("c", "", answer.choice)]

    def frame_cells(self, f, m):
        f.add(m, "c", f.no_rows(m), f.choices(m))

    def result(self, q, r):
        counts = r.metric(r.total, "c")
        data = {"kind": "choices", "choices": r.choices_block(counts, r.codes, r.n)}
        if r.bd:
            hidden = {c["code"]: c["suppressed"] for c in data["choices"]}
            data["cross"] = r.cross(counts, hidden, "c", "")
        return data

    def export_columns(self, q, text, labels, codes, label):
        columns = [Column(q.code, text, "text", {c: labels.get(c, c) for c in codes})]
        if q.allow_other:
            columns.append(Column(f"{q.code}_other", f"{text}: {_('Other')}", "text"))
        return columns

    def export_writer(self, code, index, label):
        at, other_at = index.get(code), index.get(f"{code}_other")

        def put(values, row, choice, text, number, day):
            if at is not None:
                values[at] = label(code, choice)
            if choice == OTHER and text and other_at is not None:
                values[other_at] = text

        return put

    def raw_from_rows(self, q, rows):
        row = rows[0]
        return row[1], (row[2] if row[1] == OTHER else "")


class SelectType(ChoiceType):
    """Single and multiple choice: the designer's choices, "other", an XLSForm select."""

    needs_choices = True
    edits_choices = True
    offers_other = True
    xlsform_select = True
    design_fields = (
        *QuestionType.design_fields,
        "allow_other",
        "randomize_choices",
    )

    def _other_cleaned(self, q, code: str, other_text: str) -> str:
        if other_needs_text(q, code):
            if not other_text:
                raise AnswerError(_("Please specify your other answer."), "other_required")
            return other_text
        return ""

    def _options(self, view, q, selected: set, label, seed: str) -> None:
        view.options = [
            Option(c.code, label(c.label), c.code in selected, f"q-{q.code}-{i}")
            for i, c in enumerate(ordered_choices(q, seed))
        ]
        view.other_checked = OTHER in selected

    def xlsform_read(self, question, row):
        options = row.options
        if row.or_other or any(c["code"] == OTHER for c in options):
            question["allow_other"] = True
            options = [c for c in options if c["code"] != OTHER]
        question["choices"] = options

    def xlsform_rows(self, q, row, extra, w):
        code = q["code"]
        row["type"] = f"{self.xlsform_types[0]} {code}"
        options = list(q.get("choices") or [])
        if q.get("allow_other"):
            options.append({"code": OTHER, "label": {c: w.other_label(c) for c in w.languages}})
        w.add_choices(code, options)
        rows = [row]
        if q.get("allow_other"):
            rows.append(
                {
                    "type": "text",
                    "name": f"{code}_other",
                    **w.texts("label", {c: w.specify_label(c) for c in w.languages}),
                    "relevant": f"selected(${{{code}}}, 'other')",
                }
            )
        return rows


class Single(SelectType):
    kind = "single"
    has_widget = True
    design_fields = (
        *SelectType.design_fields,
        "widget",
        "allow_dont_know",
        "is_target_group_question",
    )
    breakdown = True
    xlsform_types = ("select_one",)
    limesurvey_types = ("L", "!", "O", "G")

    def clean(self, q, raw, other_text, language):
        if isinstance(raw, (list, dict)):
            raise AnswerError(_("Choose one answer."))
        extra = (OTHER,) if q.allow_other else ()
        extra += (DONT_KNOW,) if q.allow_dont_know else ()
        code = choice_of(q, raw, extra)
        return Cleaned(code, [("", code, self._other_cleaned(q, code, other_text), None, None)])

    def sample_answer(self, q, rng, texts):
        return rng.choice([c.code for c in q.choices] + ([DONT_KNOW] if q.allow_dont_know else []))

    def is_group(self, q):
        return q.widget != "dropdown"

    def field_template(self, q):
        if q.widget == "dropdown":
            return "surveys/respond/fields/dropdown.html"
        return "surveys/respond/fields/radio.html"

    def fill_view(self, view, q, value, *, label, seed):
        selected = set(value) if isinstance(value, list) else {value}
        self._options(view, q, selected, label, seed)
        if q.allow_dont_know:
            view.options.append(
                Option(DONT_KNOW, _("Don't know"), DONT_KNOW in selected, f"q-{q.code}-dk")
            )
        if q.widget == "dropdown":
            view.value = value or ""

    def reads_xlsform(self, row):
        return super().reads_xlsform(row) and likert_numbers(row) is None

    def xlsform_read(self, question, row):
        if "minimal" in row.appearance or "autocomplete" in row.appearance:
            question["widget"] = "dropdown"
        super().xlsform_read(question, row)

    def xlsform_rows(self, q, row, extra, w):
        if q.get("widget") == "dropdown":
            row["appearance"] = "minimal"
        return super().xlsform_rows(q, row, extra, w)

    def limesurvey_read(self, question, ls):
        if ls.ls_type == "G":
            question["choices"] = ls.labels(GENDER)
            return
        question["choices"] = ls.choice_list(ls.row["qid"])
        if ls.ls_type == "!":
            question["widget"] = "dropdown"
        if ls.ls_type == "O":
            ls.warn(_("The comment field of the list was not imported."))
        question["allow_other"] = ls.row.get("other") == "Y"


class Multiple(SelectType):
    kind = "multiple"
    client_value = "checked"
    xlsform_types = ("select_multiple",)
    limesurvey_types = ("M", "P")
    limesurvey_option_names = True

    def clean(self, q, raw, other_text, language):
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        extra = (OTHER,) if q.allow_other else ()
        codes = list(
            dict.fromkeys(choice_of(q, item, extra) for item in items if not is_empty(item))
        )
        rows = [("", code, self._other_cleaned(q, code, other_text), None, None) for code in codes]
        return Cleaned(codes, rows)

    def sample_answer(self, q, rng, texts):
        codes = [c.code for c in q.choices]
        return rng.sample(codes, rng.randint(1, min(3, len(codes))))

    def raw_from_rows(self, q, rows):
        other = ""
        for row in rows:
            if row[1] == OTHER:
                other = row[2]
        return [row[1] for row in rows], other

    def from_post(self, q, post):
        return [v for v in post.getlist(q.code) if v]

    def field_template(self, q):
        return "surveys/respond/fields/checkboxes.html"

    def fill_view(self, view, q, value, *, label, seed):
        self._options(view, q, set(value) if isinstance(value, list) else {value}, label, seed)

    def export_columns(self, q, text, labels, codes, label):
        columns = [
            Column(f"{q.code}_{c.code}", f"{text}: {labels[c.code]}", "number", {}, True)
            for c in q.choices
        ]
        if q.allow_other:
            columns.append(
                Column(f"{q.code}_other_selected", f"{text}: {_('Other')}", "number", {}, True)
            )
            columns.append(Column(f"{q.code}_other", f"{text}: {_('Other')}", "text"))
        return columns

    def export_writer(self, code, index, label):
        other_at, other_ticked = index.get(f"{code}_other"), index.get(f"{code}_other_selected")

        def put(values, row, choice, text, number, day):
            at = other_ticked if choice == OTHER else index.get(f"{code}_{choice}")
            if at is not None:
                values[at] = 1
            if choice == OTHER and text and other_at is not None:
                values[other_at] = text

        return put

    def limesurvey_read(self, question, ls):
        question["choices"] = ls.sub_list(ls.row["qid"])
        question["allow_other"] = ls.row.get("other") == "Y"
        if ls.ls_type == "P":
            ls.warn(_("The comment fields of the options were not imported."))


class YesNo(ChoiceType):
    kind = "yes_no"
    edits_choices = True
    choices_help = gettext_lazy(
        "Yes/no questions need no choices; add them only to word the two answers differently "
        "(codes yes and no)."
    )
    breakdown = True
    limesurvey_types = ("Y",)

    def clean(self, q, raw, other_text, language):
        code = code_of(raw).lower()
        code = {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(code, code)
        if code not in ("yes", "no"):
            raise AnswerError(_("Answer yes or no."), "choice")
        return Cleaned(code, [("", code, "", 1.0 if code == "yes" else 0.0, None)])

    def sample_answer(self, q, rng, texts):
        return rng.choice(["yes", "no"])

    def field_template(self, q):
        return "surveys/respond/fields/radio.html"

    def fill_view(self, view, q, value, *, label, seed):
        view.options = [
            Option("yes", _("Yes"), value == "yes", f"q-{q.code}-yes"),
            Option("no", _("No"), value == "no", f"q-{q.code}-no"),
        ]

    def choice_codes(self, q):
        return ["yes", "no"]

    def extra_labels(self):
        return {"yes": _("Yes"), "no": _("No")}

    def xlsform_rows(self, q, row, extra, w):
        row["type"] = f"select_one {q['code']}"
        options = list(q.get("choices") or [])
        if not options:
            options = [{"code": "yes", "label": w.yes}, {"code": "no", "label": w.no}]
            extra["generated_choices"] = True
        w.add_choices(q["code"], options)
        return [row]

    def limesurvey_value(self, value):
        return {"Y": "yes", "N": "no"}.get(value, value)
