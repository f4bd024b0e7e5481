"""The designer's condition builder and the confirmation dialogs in a real browser, at 1280 px
and on a 360 px phone: conditions picked from lists, irreversible actions confirmed in a
dialog that says what happens, the checklist before opening."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _axe_clean(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _fits(page, locator):
    """The element lies within the viewport's width (the text grid of the question form is
    a wide table with its own scrolling, laid out by the general layout work)."""
    width = locator.evaluate("el => el.getBoundingClientRect().width")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.fixture
def draft_survey(transactional_db):
    from participation.models import ProcessMembership
    from surveys.services import definition as defs
    from tests.factories import ProcessFactory, UserFactory
    from tests.surveys.conftest import all_types_definition

    process = ProcessFactory(title="Integrationskonzept Musterland")
    staff = UserFactory(username="planerin")
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    return defs.survey_create_from_definition(
        user=None, process=process, definition=all_types_definition(), status="draft"
    )


def _question(survey, code):
    from surveys.models import Question

    survey.refresh_from_db()
    return Question.objects.get(version=survey.current_version, code=code)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_condition_builder_picks_question_operator_and_answer(
    viewport, request, live_server, draft_survey, screenshot
):
    page = request.getfixturevalue(viewport)
    survey = draft_survey
    login(page, live_server, "planerin", "pw-12345-secret")
    share = _question(survey, "share")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/design/questions/{share.pk}/")
    # The form offers what fits a decimal question, and nothing of other types.
    assert page.locator("#id_min_value").is_visible()
    assert page.locator("#id_scale_min").count() == 0
    assert page.locator("#id_widget").count() == 0

    builder = page.locator("[data-condition-builder]")
    builder.get_by_label("Frage", exact=True).select_option("resident")
    # With the script the answer is a list of the question's answers.
    answer = builder.get_by_label("Antwort oder Wert")
    assert answer.evaluate("el => el.tagName") == "SELECT"
    assert answer.locator("option").all_inner_texts() == ["Ja (yes)", "Nein (no)"]
    answer.select_option("yes")
    builder.get_by_role("button", name="Zur Bedingung hinzufügen").click()
    relevant = page.locator("#id_relevant")
    assert relevant.input_value() == "${resident} = 'yes'"
    assert "${resident} = 'yes'" in builder.locator(".builder-status").inner_text()

    # A multiple-choice question offers "includes" and its answers; joined with "or".
    builder.get_by_label("Frage", exact=True).select_option("topics")
    assert builder.get_by_label("Vergleich").input_value() == "selected"
    builder.get_by_label("Antwort oder Wert").select_option("work")
    builder.get_by_label("Verknüpfung mit der bisherigen Bedingung").select_option("or")
    builder.get_by_role("button", name="Zur Bedingung hinzufügen").click()
    expected = "${resident} = 'yes' or selected(${topics}, 'work')"
    assert relevant.input_value() == expected
    name = "designer-builder-" + ("360" if viewport == "phone_page" else "1280")
    screenshot(page, name)
    _axe_clean(page)
    if viewport == "phone_page":
        _fits(page, builder)

    if viewport == "phone_page":
        return
    # Typing stays possible; a value that is not an answer code is refused, naming the codes.
    relevant.fill("${resident} = 'ja'")
    page.get_by_role("button", name="Frage speichern").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "'yes', 'no'" in summary.inner_text()
    # Enter in a field saves the form (the builder's button is not the default button).
    page.locator("#id_relevant").fill(expected)
    page.locator("#id_relevant").press("Enter")
    page.wait_for_url(f"**/surveys/{survey.pk}/design/**")
    assert _question(survey, "share").relevant == expected


def test_deleting_a_question_asks_in_a_dialog(page, live_server, draft_survey, screenshot):
    from surveys.models import Question

    survey = draft_survey
    login(page, live_server, "planerin", "pw-12345-secret")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/design/")
    item = page.locator("#question-country")
    item.get_by_role("button", name="Löschen").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    assert "country" in dialog.inner_text() and "2 Antwortmöglichkeit(en)" in dialog.inner_text()
    screenshot(page, "designer-delete-dialog")
    _axe_clean(page)
    # Cancel closes the dialog and deletes nothing.
    dialog.get_by_role("link", name="Abbrechen").click()
    dialog.wait_for(state="detached")
    assert Question.objects.filter(version=survey.current_version, code="country").exists()
    item.get_by_role("button", name="Löschen").click()
    page.get_by_role("dialog").get_by_role("button", name="Frage löschen").click()
    page.get_by_role("dialog").wait_for(state="detached")
    page.wait_for_url(f"**/surveys/{survey.pk}/design/**")
    assert page.locator(".messages").is_visible()
    assert not Question.objects.filter(version=survey.current_version, code="country").exists()


def test_opening_shows_the_checklist_and_closing_asks(
    phone_page, live_server, draft_survey, screenshot
):
    page = phone_page
    survey = draft_survey
    login(page, live_server, "planerin", "pw-12345-secret")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/design/")
    page.get_by_role("button", name="Veröffentlichen (Befragung öffnen) …").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    text = dialog.inner_text()
    assert "Checkliste" in text and "Alle Sprachen übersetzt" in text
    assert "Eine Testantwort wurde ausgefüllt" in text and "trotzdem öffnen" in text
    screenshot(page, "survey-open-checklist-360")
    _axe_clean(page)
    dialog.get_by_role("button", name="Befragung öffnen").click()
    page.wait_for_load_state()
    survey.refresh_from_db()
    assert survey.status == "open"

    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    page.get_by_role("button", name="Befragung schließen …").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    assert "keine Antworten mehr" in dialog.inner_text()
    screenshot(page, "survey-close-dialog-360")
    _axe_clean(page)
    _fits(page, dialog)
    dialog.get_by_role("button", name="Befragung schließen").click()
    page.wait_for_load_state()
    survey.refresh_from_db()
    assert survey.status == "closed"


def test_without_javascript_the_confirmation_is_a_page(browser, live_server, draft_survey):
    from surveys.models import Section

    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        survey = draft_survey
        login(page, live_server, "planerin", "pw-12345-secret")
        page.goto(f"{live_server.url}/surveys/{survey.pk}/design/")
        page.locator("#section-p3").get_by_role("button", name="Seite löschen").click()
        assert page.get_by_role("heading", name="Seite p3 löschen?").is_visible()
        assert "uk_help" in page.locator("[data-confirm-box]").inner_text()
        page.get_by_role("button", name="Seite löschen").click()
        assert not Section.objects.filter(version=survey.current_version, code="p3").exists()
    finally:
        context.close()
