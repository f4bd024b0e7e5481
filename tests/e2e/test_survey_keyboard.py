"""Keyboard use of a survey page: Enter in a text field moves to the next page (the header's
language switch is a form of its own, never the page's default button), the switch keeps what
was typed, and the skip link speaks the survey's language."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def resident_survey(demo):
    from surveys import demo as surveys_demo_module
    from surveys.models import Survey

    surveys_demo_module.seed(demo)
    return Survey.objects.get(title__de=surveys_demo_module.RESIDENT_TITLE)


def _start(page, live_server, survey, lang="de"):
    page.goto(f"{live_server.url}/surveys/s/{survey.public_id}/?lang={lang}")
    page.locator("input[type=checkbox]").first.check()
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("#page-form")


def test_enter_in_a_text_field_goes_to_the_next_page(
    phone_page, live_server, resident_survey, screenshot
):
    page = phone_page
    _start(page, live_server, resident_survey)
    assert page.get_by_text("Seite 1 von").is_visible()
    page.locator("[data-code=age_group] input[type=radio]").nth(2).check()
    page.locator("[data-code=born_abroad] input[value=yes]").check()
    page.locator("[data-code=origin] input[type=radio]").first.check()
    year = page.locator("[data-code=arrival_year] input").first
    year.fill("2016")
    year.press("Enter")
    page.wait_for_load_state("load")
    assert page.get_by_text("Seite 2 von").is_visible()
    screenshot(page, "survey-enter-next-page-360")
    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"


def test_language_switch_keeps_what_was_typed(phone_page, live_server, resident_survey):
    from surveys.models import Answer

    page = phone_page
    _start(page, live_server, resident_survey)
    page.locator("[data-code=born_abroad] input[value=yes]").check()
    page.locator("[data-code=arrival_year] input").first.fill("2019")
    page.locator("#switch-lang").select_option("ar")
    page.locator("#survey-lang-form button").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-code=arrival_year] input").first.input_value() == "2019"
    assert page.locator(".skip-link").inner_text() == "انتقل إلى المحتوى"
    assert Answer.objects.filter(question__code="arrival_year", value_number=2019).exists()
