"""A cascading select in the browser: the district's municipalities appear as soon as the
district is chosen on the same page, and change with it (respond.js)."""

import pytest

from tests.surveys.conftest import PRIVACY_NOTICE

pytestmark = pytest.mark.e2e


@pytest.fixture
def cascade_survey(demo):
    from surveys.services import definition as defs

    return defs.survey_create_from_definition(
        user=None,
        process=demo.process,
        status="open",
        definition={
            "title": {"de": "Wohnort"},
            "languages": ["de"],
            "privacy_notice": PRIVACY_NOTICE,
            "default_language": "de",
            "access_mode": "public",
            "anonymised": True,
            "sections": [
                {
                    "code": "p1",
                    "title": {"de": "Wohnort"},
                    "questions": [
                        {
                            "code": "district",
                            "type": "single",
                            "text": {"de": "Kreis"},
                            "choices": [
                                {"code": "gt", "label": {"de": "Gütersloh"}},
                                {"code": "bi", "label": {"de": "Bielefeld"}},
                            ],
                        },
                        {
                            "code": "town",
                            "type": "single",
                            "widget": "dropdown",
                            "text": {"de": "Gemeinde"},
                            "choice_filter": "district=${district}",
                            "choices": [
                                {
                                    "code": "verl",
                                    "label": {"de": "Verl"},
                                    "filter_values": {"district": "gt"},
                                },
                                {
                                    "code": "halle",
                                    "label": {"de": "Halle (Westf.)"},
                                    "filter_values": {"district": "gt"},
                                },
                                {
                                    "code": "mitte",
                                    "label": {"de": "Bielefeld-Mitte"},
                                    "filter_values": {"district": "bi"},
                                },
                            ],
                        },
                    ],
                }
            ],
        },
    )


def visible_options(page) -> list[str]:
    return page.eval_on_selector_all(
        "select[name=town] option",
        "nodes => nodes.filter(n => !n.hidden && n.value).map(n => n.value)",
    )


def test_municipalities_follow_the_district_live(page, live_server, cascade_survey):
    page.goto(f"{live_server.url}/surveys/s/{cascade_survey.public_id}/")
    page.locator("#consent").check()
    page.locator("button.primary").click()
    assert visible_options(page) == ["verl", "halle", "mitte"]  # nothing chosen yet
    page.get_by_label("Gütersloh", exact=True).check()
    assert visible_options(page) == ["verl", "halle"]
    page.locator("select[name=town]").select_option("verl")
    page.get_by_label("Bielefeld", exact=True).check()
    assert visible_options(page) == ["mitte"]
    assert page.locator("select[name=town]").input_value() == ""  # the old choice was cleared
