import pytest

from surveys.models import Survey
from surveys.services import definition as defs


def all_types_definition(**overrides) -> dict:
    """A small survey with one question of every type, a same-page and a cross-page condition."""
    yes_no = [{"code": "yes", "label": {"de": "Ja", "en": "Yes"}}]
    data = {
        "title": {"de": "Testbefragung", "en": "Test survey"},
        "languages": ["de", "en", "ar"],
        "default_language": "de",
        "access_mode": Survey.AccessMode.PUBLIC,
        "anonymised": True,
        "privacy_notice": {"de": "Wir speichern Ihre Antworten anonym.", "en": "Anonymous."},
        "thank_you": {"de": "Danke!", "en": "Thank you!"},
        "sections": [
            {
                "code": "p1",
                "title": {"de": "Über Sie", "en": "About you"},
                "questions": [
                    {"code": "intro", "type": "display", "text": {"de": "Willkommen"}},
                    {
                        "code": "lang",
                        "type": "single",
                        "text": {"de": "Sprache?", "en": "Language?", "ar": "اللغة؟"},
                        "required": True,
                        "allow_other": True,
                        "choices": [
                            {"code": "de", "label": {"de": "Deutsch", "en": "German"}},
                            {"code": "uk", "label": {"de": "Ukrainisch", "en": "Ukrainian"}},
                        ],
                    },
                    {
                        "code": "uk_since",
                        "type": "integer",
                        "text": {"de": "Seit wann (Jahr)?", "en": "Since which year?"},
                        "relevant": "${lang} = 'uk'",
                        "required": True,
                        "min_value": 1950,
                        "max_value": 2025,
                    },
                    {
                        "code": "country",
                        "type": "single",
                        "widget": "dropdown",
                        "text": {"de": "Land"},
                        "choices": [{"code": "de", "label": "DE"}, {"code": "ua", "label": "UA"}],
                    },
                    {
                        "code": "topics",
                        "type": "multiple",
                        "text": {"de": "Themen"},
                        "allow_other": True,
                        "randomize_choices": True,
                        "choices": [
                            {"code": "work", "label": "Arbeit"},
                            {"code": "school", "label": "Schule"},
                            {"code": "housing", "label": "Wohnen"},
                        ],
                    },
                    {"code": "resident", "type": "yes_no", "text": {"de": "Wohnen Sie hier?"}},
                ],
            },
            {
                "code": "p2",
                "title": {"de": "Meinung"},
                "questions": [
                    {
                        "code": "satisfaction",
                        "type": "rating",
                        "text": {"de": "Zufriedenheit"},
                        "scale_min": 1,
                        "scale_max": 5,
                        "scale_min_label": {"de": "gar nicht"},
                        "scale_max_label": {"de": "sehr"},
                        "allow_dont_know": True,
                        "required": True,
                    },
                    {
                        "code": "grid",
                        "type": "matrix",
                        "text": {"de": "Bewerten Sie"},
                        "rows": [
                            {"code": "r1", "label": "Ämter"},
                            {"code": "r2", "label": "Schulen"},
                        ],
                        "choices": [
                            {"code": "good", "label": "gut"},
                            {"code": "bad", "label": "schlecht"},
                        ],
                    },
                    {
                        "code": "rank",
                        "type": "ranking",
                        "text": {"de": "Reihenfolge"},
                        "choices": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}],
                    },
                    {
                        "code": "share",
                        "type": "decimal",
                        "text": {"de": "Anteil"},
                        "min_value": 0,
                        "max_value": 100,
                    },
                    {
                        "code": "zip",
                        "type": "text",
                        "text": {"de": "PLZ"},
                        "pattern": "[0-9]{5}",
                        "validation_message": {"de": "Fünf Ziffern bitte.", "en": "Five digits."},
                    },
                    {"code": "comment", "type": "long_text", "text": {"de": "Kommentar"}},
                    {"code": "arrived", "type": "date", "text": {"de": "Ankunft"}},
                    {
                        "code": "hours",
                        "type": "matrix_number",
                        "text": {"de": "Stunden pro Woche"},
                        "min_value": 0,
                        "max_value": 60,
                        "rows": [{"code": "kita", "label": "Kita"}],
                        "choices": [
                            {"code": "mo", "label": "Montag"},
                            {"code": "di", "label": "Dienstag"},
                        ],
                    },
                    {
                        "code": "wishes",
                        "type": "matrix_text",
                        "text": {"de": "Wünsche"},
                        "rows": [{"code": "r1", "label": "Ämter"}],
                        "choices": [{"code": "now", "label": "heute"}],
                    },
                ],
            },
            {
                "code": "p3",
                "title": {"de": "Ukraine"},
                "relevant": "${lang} = 'uk'",
                "questions": [
                    {
                        "code": "uk_help",
                        "type": "yes_no",
                        "text": {"de": "Hilfe?"},
                        "choices": yes_no,
                    },
                ],
            },
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_survey(db, process):
    def make(status="open", **overrides):
        return defs.survey_create_from_definition(
            user=None, process=process, definition=all_types_definition(**overrides), status=status
        )

    return make


@pytest.fixture
def survey(make_survey):
    return make_survey()
