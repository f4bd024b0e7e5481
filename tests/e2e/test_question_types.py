"""Every question type feeds the live conditions in the browser: respond.js reads a field the
way its type's ``client_value`` says, and what it reads satisfies the same condition as on the
server (a display text that depends on the question appears as soon as it is answered)."""

import pytest

from tests.surveys.conftest import PRIVACY_NOTICE

pytestmark = pytest.mark.e2e

CHOICES = [{"code": "a", "label": "Alpha"}, {"code": "b", "label": "Beta"}]
# question, the condition on it that the answer below satisfies, how to answer in the browser
CASES = [
    ({"type": "single", "choices": CHOICES}, "${q_single} = 'b'", "check:Beta"),
    (
        {"type": "single", "widget": "dropdown", "choices": CHOICES},
        "${q_dropdown} = 'b'",
        "select:b",
    ),
    ({"type": "multiple", "choices": CHOICES}, "selected(${q_multiple}, 'b')", "check:Beta"),
    ({"type": "yes_no"}, "${q_yes_no} = 'yes'", "check:Ja"),
    ({"type": "rating", "scale_min": 1, "scale_max": 5}, "${q_rating} >= 4", "check:4"),
    (
        {"type": "matrix", "choices": CHOICES, "rows": [{"code": "r1", "label": "Zeile"}]},
        "selected(${q_matrix}, 'b')",
        "check:Beta",
    ),
    ({"type": "ranking", "choices": CHOICES}, "count-selected(${q_ranking}) = 1", "rank:1"),
    ({"type": "integer"}, "${q_integer} > 10", "fill:12"),
    ({"type": "decimal"}, "${q_decimal} > 2", "fill:2,5"),
    ({"type": "text"}, "${q_text} = 'hallo'", "fill:hallo"),
    ({"type": "long_text"}, "${q_long_text} != ''", "fill:Ein Satz."),
    ({"type": "date"}, "${q_date} != ''", "fill:2025-05-01"),
]


def _code(question: dict, condition: str) -> str:
    return condition.split("${", 1)[1].split("}", 1)[0]


@pytest.fixture
def every_type_survey(demo):
    from surveys.services import definition as defs

    questions = []
    for question, condition, _how in CASES:
        code = _code(question, condition)
        questions.append({"code": code, "text": {"de": f"Frage {code}"}, **question})
        questions.append(
            {
                "code": f"shown_{code}",
                "type": "display",
                "text": {"de": f"Sichtbar {code}"},
                "relevant": condition,
            }
        )
    return defs.survey_create_from_definition(
        user=None,
        process=demo.process,
        status="open",
        definition={
            "title": {"de": "Alle Typen"},
            "languages": ["de"],
            "privacy_notice": PRIVACY_NOTICE,
            "default_language": "de",
            "access_mode": "public",
            "anonymised": True,
            "sections": [{"code": "p1", "title": {"de": "Seite"}, "questions": questions}],
        },
    )


def test_every_question_type_feeds_live_conditions(page, live_server, every_type_survey):
    page.goto(f"{live_server.url}/surveys/s/{every_type_survey.public_id}/")
    page.locator("#consent").check()
    page.locator("button.primary").click()
    for question, condition, how in CASES:
        code = _code(question, condition)
        field = page.locator(f"[data-code={code}]")
        shown = page.locator(f"[data-code=shown_{code}]")
        assert shown.is_hidden(), code
        action, value = how.split(":", 1)
        if action == "check":
            field.get_by_label(value, exact=True).first.check()
        elif action == "select":
            field.locator("select").select_option(value)
        elif action == "rank":
            field.locator("select").first.select_option(value)
        else:
            field.locator(f"[name={code}]").fill(value)
            field.locator(f"[name={code}]").dispatch_event("change")
        assert shown.is_visible(), f"{code}: {condition} did not show in the browser"
