"""Staff design a survey in a real browser: two questions, a skip condition (first typed wrong,
refused with a clear message), translations side by side, and the preview with live show/hide."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _axe_clean(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_staff_design_a_survey_with_a_skip_condition_and_preview_it(
    page, live_server, transactional_db, screenshot
):
    from participation.models import ProcessMembership
    from surveys.models import Question, Response, Survey
    from tests.factories import ProcessFactory, UserFactory

    process = ProcessFactory(title="Integrationskonzept Musterland")
    staff = UserFactory(username="planerin")
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    login(page, live_server, "planerin", "pw-12345-secret")

    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="Neue Befragung").click()
    page.locator("#id_title").fill("Familienbefragung")
    page.locator("input[name=languages][value=en]").check()
    page.locator("#id_access_mode").select_option("public")
    page.get_by_role("button", name="Befragung anlegen").click()
    assert page.get_by_text("Sie bearbeiten Version 1.").is_visible()

    page.get_by_role("link", name="Seite hinzufügen").click()
    page.locator("#id_code").fill("familie")
    page.locator("#id_title__de").fill("Ihre Familie")
    page.locator("#id_title__en").fill("Your family")
    page.get_by_role("button", name="Speichern").click()

    page.get_by_role("link", name="Frage hinzufügen").click()
    page.locator("#id_code").fill("has_kids")
    page.locator("#id_type").select_option("yes_no")
    page.locator("#id_text").fill("Haben Sie Kinder?")
    page.get_by_role("button", name="Speichern").click()
    # The question page: texts of every language side by side.
    page.locator("#id_text__en").fill("Do you have children?")
    page.get_by_role("button", name="Frage speichern").click()

    page.get_by_role("link", name="Frage hinzufügen").click()
    page.locator("#id_code").fill("kids_n")
    page.locator("#id_type").select_option("integer")
    page.locator("#id_text").fill("Wie viele Kinder haben Sie?")
    page.get_by_role("button", name="Speichern").click()
    page.locator("#id_text__en").fill("How many children do you have?")
    # A condition written the LimeSurvey way is refused with a message saying what and where.
    page.locator("#id_relevant").fill("${has_kids} == 'yes'")
    page.get_by_role("button", name="Frage speichern").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Zeichen" in summary.inner_text()
    screenshot(page, "designer-condition-refused")
    page.locator("#id_relevant").fill("${has_kids} = 'yes'")
    page.get_by_role("button", name="Frage speichern").click()
    assert page.get_by_text("${has_kids} = 'yes'").is_visible()
    screenshot(page, "designer-structure")
    assert page.locator(".messages").is_visible()  # axe runs with the flash message shown
    _axe_clean(page)

    survey = Survey.objects.get()
    questions = list(Question.objects.filter(version=survey.current_version).order_by("order"))
    assert [q.code for q in questions] == ["has_kids", "kids_n"]
    assert questions[1].relevant == "${has_kids} = 'yes'"
    assert questions[1].text == {
        "de": "Wie viele Kinder haben Sie?",
        "en": "How many children do you have?",
    }

    # Preview in English: the skip condition hides the follow-up until "Yes" is chosen.
    page.get_by_role("link", name="Vorschau", exact=True).click()
    page.get_by_role("link", name="English").click()
    follow_up = page.locator("[data-code=kids_n]")
    assert page.get_by_text("Do you have children?").is_visible()
    assert follow_up.is_hidden()
    page.locator("[data-code=has_kids]").get_by_label("Yes").check()
    assert follow_up.is_visible()
    screenshot(page, "designer-preview-en")
    _axe_clean(page)
    page.locator("[data-code=has_kids]").get_by_label("No").check()
    assert follow_up.is_hidden()
    # Without JavaScript the server applies the condition on "Apply conditions".
    page.locator("[data-code=has_kids]").get_by_label("Yes").check()
    page.get_by_role("button", name="Bedingungen anwenden").click()
    assert page.locator("[data-code=kids_n]").is_visible()
    assert Response.objects.count() == 0
