import json
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from surveys import expressions
from surveys.expressions import ExpressionError, evaluate, parse, references, validate
from tests.surveys.expression_cases import ANSWERS, CASES, MALFORMED

JS = Path(__file__).resolve().parents[2] / "surveys/static/surveys/js/expressions.js"


@pytest.mark.parametrize("source,expected", CASES)
def test_evaluates_table(source, expected):
    assert evaluate(source, ANSWERS) is expected


@pytest.mark.parametrize("source", MALFORMED)
def test_malformed_expressions_raise_clear_errors(source):
    with translation.override("en"), pytest.raises(ExpressionError) as info:
        parse(source)
    assert info.value.message and info.value.position is not None
    # The message says where the problem is (1-based, as people count characters).
    if source.strip():
        assert f"character {info.value.position + 1}" in info.value.message, info.value.message
    else:
        assert info.value.message == "The condition is empty."


def test_error_names_position():
    with pytest.raises(ExpressionError) as info:
        parse("${lang} = 'de' and oops")
    assert info.value.position == 19
    assert "'oops'" in info.value.message


def test_empty_condition_is_true_and_self_reference():
    assert evaluate("", {}) is True
    assert evaluate(". >= 18 and . <= 120", {}, this=40.0) is True
    assert evaluate(". >= 18", {}, this=None) is False


def test_references_and_validation():
    assert references("selected(${a}, 'x') or ${b} > 2") == {"a", "b"}
    validate("${a} = 1", known={"a"})
    with pytest.raises(ExpressionError, match=r"\$\{b\}"):
        validate("${a} = 1 or ${b} = 2", known={"a"})
    with pytest.raises(ExpressionError):
        validate(". > 1", known=set())
    validate(". > 1", known=set(), allow_self=True)


def test_no_python_evaluation():
    # Nothing in the module reaches eval/exec; attribute access is not even tokenised.
    source = Path(expressions.__file__).read_text()
    assert "eval(" not in source.replace("_eval(", "").replace("evaluate(", "")
    with pytest.raises(ExpressionError):
        parse("${a}.__class__")


@pytest.mark.node
def test_javascript_port_agrees_with_python():
    script = (
        f"const E = require({json.dumps(str(JS))});"
        f"const answers = {json.dumps(ANSWERS)};"
        f"const cases = {json.dumps([c for c, _ in CASES])};"
        f"const bad = {json.dumps(MALFORMED)};"
        "const out = cases.map(c => E.evaluate(c, answers));"
        "const errs = bad.map(c => {"
        "  try { E.parse(c); return false; } catch (e) { return true; } });"
        "console.log(JSON.stringify({out, errs}));"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["out"] == [expected for _, expected in CASES]
    assert all(data["errs"]), [m for m, e in zip(MALFORMED, data["errs"], strict=True) if not e]
