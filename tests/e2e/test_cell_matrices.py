"""A matrix of numbers on a phone: one labelled box per cell, the page counts it as shown (so
submitting with JavaScript does not stop on "further questions are shown"), a wrong cell is
named in the error with everything typed kept, and the page is axe-clean without sideways
scrolling at 360 px."""

import pytest

from surveys.models import Answer

pytestmark = pytest.mark.e2e


@pytest.fixture
def cells_survey(demo):
    from surveys.interchange import limesurvey
    from surveys.services import definition as defs
    from tests.surveys.conftest import PRIVACY_NOTICE
    from tests.surveys.test_cell_matrices import arrays_lss

    definition = limesurvey.parse(arrays_lss()).definition
    definition.update(access_mode="public", privacy_notice=PRIVACY_NOTICE)
    return defs.survey_create_from_definition(
        user=None, process=demo.process, definition=definition, status="open"
    )


def test_a_matrix_of_numbers_is_answered_on_a_phone(
    phone_page, live_server, cells_survey, screenshot
):
    from axe_playwright_python.sync_playwright import Axe

    page = phone_page
    page.goto(f"{live_server.url}/surveys/s/{cells_survey.public_id}/")
    page.locator("#consent").check()
    page.locator("button.primary").click()
    page.get_by_label("Montag").first.fill("4")
    page.locator("[name=hours__kita__di]").fill("viele")
    page.locator("[name=notes__a__x]").fill("Mehr Plätze")
    page.locator("#page-form button.primary").last.click()
    error = page.locator(".field-errors").first
    assert "Kita – Dienstag" in error.inner_text()
    assert page.locator("[name=hours__kita__di]").input_value() == "viele"
    assert page.locator("[name=notes__a__x]").input_value() == "Mehr Plätze"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "cell-matrix-360")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator("[name=hours__kita__di]").fill("2,5")
    page.locator("#page-form button.primary").last.click()
    page.wait_for_url("**/thanks/")
    stored = dict(
        Answer.objects.filter(question__code="hours").values_list("choice", "value_number")
    )
    assert stored == {"mo": 4, "di": 2.5}
