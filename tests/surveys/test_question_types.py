"""The question-type registry: every registered type answers every question of the interface,
an unknown type is refused clearly, and a new type plugs in without touching the callers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.http import QueryDict
from django.template.loader import get_template
from django.utils import translation

from surveys import question_types as registry
from surveys.answering import values
from surveys.answering.forms import QuestionView, data_from_post, question_views
from surveys.models import Question
from surveys.question_types import (
    CHOICE_TYPES,
    REGISTRY,
    TYPES,
    QuestionType,
    UnknownQuestionType,
    question_type,
)
from surveys.question_types.base import Column, LsQuestion, XlsRow
from surveys.question_types.text import Text
from surveys.results import cells as C
from surveys.results.reports import ResultContext
from surveys.structure import ChoiceDef, QuestionDef, SectionDef, Structure

CHOICES = (ChoiceDef("a", {"de": "A"}), ChoiceDef("b", {"de": "B"}))
ROWS = (ChoiceDef("r1", {"de": "Zeile 1"}), ChoiceDef("r2", {"de": "Zeile 2"}))

# One valid answer per type, and the value conditions then see.
SAMPLES = {
    "single": ("a", "a"),
    "multiple": (["a", "b"], ["a", "b"]),
    "yes_no": ("yes", "yes"),
    "rating": (4, 4.0),
    "matrix": ({"r1": "a", "r2": "b"}, ["a", "b"]),
    "matrix_number": ({"r1": {"a": 3, "b": "2,5"}, "r2": {"a": 0, "b": 7}}, ""),
    "matrix_text": ({"r1": {"a": "Kita", "b": "Schule"}, "r2": {"a": "Hort", "b": "AG"}}, ""),
    "ranking": (["b", "a"], ["b", "a"]),
    "integer": (12, 12.0),
    "decimal": ("2,5", 2.5),
    "text": ("Hallo", "Hallo"),
    "long_text": ("Ein längerer Text", "Ein längerer Text"),
    "date": ("2025-05-01", "2025-05-01"),
    "display": (None, ""),
}


def qdef(kind: str, **fields) -> QuestionDef:
    data = dict(
        id=1,
        code="q1",
        type=kind,
        section_code="p1",
        text={"de": "Frage"},
        hint={},
        required=False,
        relevant="",
        relevant_tree=None,
        widget="radio",
        allow_other=False,
        allow_dont_know=False,
        randomize_choices=False,
        scale_min=None,
        scale_max=None,
        scale_min_label={},
        scale_max_label={},
        min_value=None,
        max_value=None,
        min_length=None,
        max_length=None,
        pattern="",
        constraint="",
        constraint_tree=None,
        validation_message={},
        is_target_group_question=False,
        choices=CHOICES,
        rows=ROWS if kind.startswith("matrix") else (),
    )
    data.update(fields)
    return QuestionDef(**data)


def _views(structure: Structure, raw) -> list[QuestionView]:
    return question_views(
        structure.sections[0],
        structure=structure,
        raw={"q1": raw},
        other={},
        values={},
        errors={},
        language="de",
        default_language="de",
        seed="s",
    )


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def test_the_registry_holds_exactly_the_model_types():
    assert [t.kind for t in TYPES] == list(Question.Type.values)
    assert set(REGISTRY) == set(SAMPLES)
    assert all(isinstance(t, QuestionType) for t in TYPES)


ABSTRACT = (
    "clean",
    "raw_from_rows",
    "field_template",
    "fill_view",
    "result",
    "xlsform_rows",
    "sample_answer",
)


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_implements_the_whole_interface(kind):
    qtype = question_type(kind)
    for name in ABSTRACT:
        assert getattr(type(qtype), name) is not getattr(QuestionType, name), name
    interface = [n for n in vars(QuestionType) if not n.startswith("_")]
    assert all(hasattr(qtype, name) for name in interface)
    assert qtype.kind == kind and repr(qtype) == f"<question type {kind}>"
    assert qtype.xlsform_types or kind in (
        "yes_no",
        "matrix",
        "matrix_number",
        "matrix_text",
    )  # written, read by the teilhabe column
    assert qtype.limesurvey_types


def test_the_choice_types_are_one_registry_attribute():
    assert CHOICE_TYPES == {"single", "multiple", "ranking"}
    assert registry.kinds(needs_rows=True) == {"matrix", "matrix_number", "matrix_text"}
    import surveys.services.definition as definition
    import surveys.structure as structure

    assert not hasattr(structure, "CHOICE_TYPES")
    assert not hasattr(definition, "CHOICE_TYPES")


@pytest.mark.parametrize("kind", [None, "", "email", "SINGLE", ["single"]])
def test_an_unknown_type_is_refused_clearly(kind):
    with pytest.raises(UnknownQuestionType) as caught:
        question_type(kind)
    assert repr(kind) in str(caught.value)
    assert "single" in str(caught.value)  # names what is known
    assert caught.value.kind == kind


def test_a_question_of_an_unknown_type_is_refused_by_the_definition_service(db):
    from django.core.exceptions import ValidationError

    from surveys.services.definition import _validate_question

    question = Question(code="q1", type="email", text={"de": "E-Mail"})
    with pytest.raises(ValidationError) as caught:
        _validate_question(question)
    assert caught.value.message_dict["type"] == ["Unbekannter Fragetyp 'email'."]


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_cleans_its_answer_and_reads_it_back(kind):
    q = qdef(kind, allow_other=kind in ("single", "multiple"))
    raw, value = SAMPLES[kind]
    cleaned = values.clean(q, raw)
    assert cleaned.value == value
    assert cleaned.answered is question_type(kind).answered
    if cleaned.answered:
        back, other = values.raw_from_rows(q, cleaned.rows)
        assert values.clean(q, back, other).rows == cleaned.rows


@pytest.mark.parametrize("kind", [k for k in SAMPLES if k != "display"])
def test_every_answered_type_refuses_a_wrong_answer(kind):
    wrong = {"date": "1. Mai", "text": "x" * 1001, "long_text": "x" * 20001}.get(kind, "zz")
    with pytest.raises(values.AnswerError) as caught:
        values.clean(qdef(kind), wrong)
    assert caught.value.message


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_renders_its_field(kind):
    q = qdef(kind)
    qtype = question_type(kind)
    structure = Structure(1, 1, (SectionDef("p1", {}, {}, "", None, (q,)),), {q.code: q})
    post = QueryDict(mutable=True)
    post.setlist("q1", ["a"])
    data = data_from_post(structure.sections[0], post)
    assert ("q1" in data) is qtype.answered
    (view,) = _views(structure, SAMPLES[kind][0])
    assert isinstance(view, QuestionView)
    assert isinstance(view.is_group, bool)
    assert view.client_value in {
        "none", "checked", "checked_radios", "ranks", "one", "one_number", "number", "text",
        "cells",
    }  # fmt: skip
    html = get_template("surveys/respond/question.html").render({"qv": view})
    assert 'data-code="q1"' in html
    assert f'data-value="{view.client_value}"' in html
    if qtype.answered:
        assert 'name="q1' in html  # q1, or q1__<row> for matrix and ranking
        assert 'id="q-q1' in html


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_makes_result_cells_and_figures(kind):
    q = qdef(kind)
    qtype = question_type(kind)
    spec = C.Spec(types={"q1": kind})
    rows = [
        C.AnswerRow("q1", row, choice, number, date.isoformat() if date else "")
        for row, choice, _text, number, date in values.clean(q, SAMPLES[kind][0]).rows
    ]
    counted = C.response_cells(spec, rows, day="2025-05-01")
    own = {key[3:] for key in counted if key[0] == "q1"}
    if qtype.answered:
        assert ("n", "", "") in own
    total = {cell: 1 for cell in own}
    context = ResultContext(
        q=q,
        total=total,
        by_group={},
        n=1,
        small=False,
        suppress=False,
        bd=None,
        codes=qtype.choice_codes(q),
        labels={"a": "A", "b": "B", "other": "Andere", "dont_know": "Weiß nicht"},
        min_count=5,
    )
    result = qtype.result(q, context)
    assert result["kind"] in {"choices", "numbers", "matrix", "ranking", "months", "text", "cells"}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_names_and_fills_its_export_columns(kind):
    q = qdef(kind)
    qtype = question_type(kind)
    columns = qtype.export_columns(
        q, "Frage", {"a": "A", "b": "B", "dont_know": "Weiß nicht"}, ["a", "b"], lambda t: "Z"
    )
    assert all(isinstance(c, Column) and c.kind in ("text", "number") for c in columns)
    assert bool(columns) is qtype.answered
    index = {c.name: i for i, c in enumerate(columns)}
    put = qtype.export_writer("q1", index, lambda column, code: f"label of {code}")
    values_row = [None] * len(columns)
    for row, choice, text, number, date in values.clean(q, SAMPLES[kind][0]).rows:
        put(values_row, row, choice, text, number, date.isoformat() if date else "")
    assert values_row if qtype.answered else values_row == []
    assert all(v is not None for v in values_row)  # every column of the sample answer is filled
    if kind == "multiple":  # one column per choice, ticked with 1 (0 is filled in later)
        assert values_row == [1, 1]
    if kind == "single":
        assert values_row == ["label of a"]
    put(values_row, "", "zz", "", None, "")  # an answer whose column is gone: skipped


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_checks_its_design(kind):
    qtype = question_type(kind)
    errors: dict = {}
    qtype.validate(Question(type=kind, text={}), errors)
    assert "text" in errors  # every type needs a text (display items say so in their words)
    assert bool(qtype.ready_errors([], [])) is (qtype.needs_choices or qtype.needs_rows)
    assert qtype.ready_errors(["option"], ["row"]) == []


def _writer():
    from surveys.interchange.xlsform.write import _Writer

    added = {}
    writer = _Writer(
        lambda base, value: {f"{base}::Deutsch (de)": (value or {}).get("de", "")},
        lambda name, items: added.setdefault(name, []).extend(items),
        {"de": "Ja"},
        {"de": "Nein"},
    )
    return writer, added


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_writes_its_xlsform_rows_and_is_read_back(kind):
    qtype = question_type(kind)
    writer, added = _writer()
    q = {"code": "q1", "type": kind, "text": {"de": "Frage"}, "choices": [], "rows": []}
    q["choices"] = [{"code": c.code, "label": c.label} for c in CHOICES]
    if kind.startswith("matrix"):
        q["rows"] = [{"code": r.code, "label": r.label} for r in ROWS]
    rows = qtype.xlsform_rows(q, {"name": "q1"}, {"type": kind}, writer)
    assert rows and all(row.get("type") for row in rows)
    word, _space, list_name = rows[0]["type"].partition(" ")
    if kind.startswith("matrix"):
        assert word == "begin"  # a group of select_one or typed rows, read back as a group
        return
    read = XlsRow(
        word={"select_one": "select_one", "select_multiple": "select_multiple"}.get(word, word),
        select=bool(list_name),
        appearance=rows[0].get("appearance", ""),
        params={},
        options=added.get(list_name, []),
    )
    readers = [t for t in TYPES if t.reads_xlsform(read)]
    # yes/no is written as a select_one whose teilhabe column says yes_no
    assert readers == [REGISTRY["single" if kind == "yes_no" else kind]]


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_reads_its_limesurvey_questions(kind):
    qtype = question_type(kind)
    assert qtype.limesurvey_types
    for ls_type in qtype.limesurvey_types:
        ls = LsQuestion(
            ls_type=ls_type,
            row={"qid": "1"},
            attrs={"num_value_int_only": "1" if kind == "integer" else "0"},
            choice_list=lambda qid, scale="0": [{"code": "A1", "label": {"de": "A1"}}],
            sub_list=lambda qid, scale="0": [{"code": "SQ1", "label": {"de": "SQ1"}}],
            default="de",
            languages=["de"],
            labels=lambda pairs: [{"code": c, "label": {"de": t}} for c, t in pairs],
            warn=lambda message: None,
            number=lambda v: None,
            int_value=lambda v, d=0: d,
        )
        assert [t for t in TYPES if t.reads_limesurvey(ls)] == [qtype]
        question: dict = {"code": "q1"}
        qtype.limesurvey_read(question, ls)
        assert not qtype.needs_choices or question["choices"]
        assert not qtype.needs_rows or question["rows"]


class Email(Text):
    """A new type as a test would add it: one class, nothing else changed."""

    kind = "email"
    input_type = "email"
    xlsform_types = ("email",)
    limesurvey_types = ()

    def clean(self, q, raw, other_text, language):
        cleaned = super().clean(q, raw, other_text, language)
        if "@" not in cleaned.value:
            raise values.AnswerError("Enter an email address.", "email")
        return cleaned


@pytest.fixture
def email_type(monkeypatch):
    email = Email()
    monkeypatch.setattr(registry, "TYPES", (*TYPES, email))
    monkeypatch.setitem(REGISTRY, "email", email)
    return email


def test_a_new_type_plugs_into_every_caller(email_type):
    q = qdef("email", choices=())
    with pytest.raises(values.AnswerError):
        values.clean(q, "no address")
    cleaned = values.clean(q, " ana@example.org ")
    assert cleaned.rows == [("", "", "ana@example.org", None, None)]
    structure = Structure(1, 1, (SectionDef("p1", {}, {}, "", None, (q,)),), {q.code: q})
    (view,) = _views(structure, "ana@example.org")
    html = get_template("surveys/respond/question.html").render({"qv": view})
    assert 'type="email"' in html and 'value="ana@example.org"' in html
    counted = C.response_cells(C.Spec(types={"q1": "email"}), [C.AnswerRow("q1")], day="2025-05-01")
    assert counted[("q1", "", "", "n", "", "")] == 1
    assert registry.for_xlsform(XlsRow(word="email", select=False, appearance="", params={})) is (
        email_type
    )
    assert replace(q, type="text").qtype is REGISTRY["text"]


def test_the_registry_imports_without_django_settings():
    """The pure results code (``results.cells``) asks the registry; both import without
    configured settings, as pure modules should."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    script = "import surveys.results.cells as c; print(sorted(c.BREAKDOWN_TYPES))"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['single', 'yes_no']"


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_generates_answers_it_accepts(kind):
    import random

    from surveys.question_types.base import SampleTexts

    qtype = question_type(kind)
    rng = random.Random(kind)
    for q in (
        qdef(kind),
        qdef(kind, allow_dont_know=True, scale_min=0, scale_max=10, min_value=5.0),
        qdef(kind, pattern=r"\d{5}", max_value=7.0),
    ):
        texts = SampleTexts(matching=("33330",))
        for _ in range(50):
            raw = qtype.sample_answer(q, rng, texts)
            cleaned = values.clean(q, raw)
            assert cleaned.answered is (qtype.answered and not values.is_empty(raw))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, options, rows, help_text",
    [
        ("resident", True, False, True),  # yes/no: choices optional, said above them
        ("lang", True, False, False),  # single choice
        ("grid", True, True, False),  # matrix: scale and rows
        ("satisfaction", False, False, False),  # rating: no choices to edit
        ("uk_since", False, False, False),
    ],
)
def test_the_question_page_offers_what_the_type_edits(
    client, staff_user, make_survey, code, options, rows, help_text
):
    from django.urls import reverse

    survey = make_survey(status="draft")
    question = Question.objects.get(version=survey.current_version, code=code)
    client.force_login(staff_user)
    body = client.get(reverse("surveys:question_edit", args=[survey.pk, question.pk])).content
    body = body.decode()
    assert ('id="choices"' in body) is options
    assert ("Matrixzeilen" in body) is rows
    assert ("Ja/Nein-Fragen brauchen keine Optionen" in body) is help_text
