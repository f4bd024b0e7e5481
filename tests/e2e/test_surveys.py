"""Respondents in a real browser: Arabic on a phone with a skip condition and resume, an
invited expert, and the JavaScript condition evaluator agreeing with the server's."""

import json

import pytest

from tests.surveys.expression_cases import ANSWERS, CASES

pytestmark = pytest.mark.e2e


@pytest.fixture
def surveys_demo(demo):
    from surveys import demo as surveys_demo_module

    surveys_demo_module.seed(demo)
    return surveys_demo_module


def _axe_clean(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _fits(page, width=360):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll}px wide on a {width}px screen"


def test_resident_answers_in_arabic_on_a_phone_and_resumes(
    browser, phone_page, live_server, surveys_demo, screenshot
):
    from surveys.models import Answer, Response, Survey

    survey = Survey.objects.get(title__de=surveys_demo.RESIDENT_TITLE)
    before = Response.objects.count()
    page = phone_page
    page.goto(f"{live_server.url}/surveys/s/{survey.public_id}/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    _fits(page)
    _axe_clean(page)
    screenshot(page, "survey-ar-consent-360")
    page.get_by_label("لقد قرأت إشعار الخصوصية وأوافق على المشاركة.").check()
    page.get_by_role("button", name="ابدأ الاستطلاع").click()

    # Page 1: the arrival year is asked only of people born abroad (live show/hide).
    arrival = page.locator("[data-code=arrival_year]")
    assert page.get_by_text("الصفحة 1 من").is_visible()
    assert arrival.is_hidden()
    page.get_by_label("30–49").check()
    born = page.locator("[data-code=born_abroad]")
    born.get_by_label("لا").check()
    assert arrival.is_hidden()
    born.get_by_label("نعم").check()
    assert arrival.is_visible()
    page.get_by_label("في أي عام أتيت إلى ألمانيا؟").fill("2016")
    page.get_by_label("أتيت طالبًا للحماية منذ 2015").check()
    code = page.locator("[data-resume-code]").inner_text().strip()
    assert len(code) == 14
    _fits(page)
    _axe_clean(page)
    screenshot(page, "survey-ar-page1-360")
    page.get_by_role("button", name="التالي").click()

    # Page 2 (language): answer and go on, then the respondent closes the browser.
    assert page.get_by_text("الصفحة 2 من").is_visible()
    page.locator("[data-code=german_level]").get_by_label("2", exact=True).check()
    page.get_by_role("button", name="التالي").click()
    assert page.get_by_text("الصفحة 3 من").is_visible()
    page.context.close()

    # Another phone, later: resume with the code.
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="ar"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/surveys/s/{survey.public_id}/resume/?lang=ar")
    page.get_by_label("رمز المتابعة الخاص بك").fill(code)
    page.get_by_role("button", name="متابعة").click()
    assert page.get_by_text("الصفحة 3 من").is_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("button", name="رجوع").click()
    assert page.locator("[data-code=german_level] input[value='2']").is_checked()
    page.get_by_role("button", name="التالي").click()
    page.get_by_role("button", name="التالي").click()
    # Page 4: the municipality is required.
    page.get_by_role("button", name="التالي").click()
    assert page.locator("#error-summary").is_visible()
    _axe_clean(page)
    screenshot(page, "survey-ar-error-360")
    page.get_by_label("في أي مدينة أو بلدة تعيش؟").select_option("m07")
    page.get_by_role("button", name="التالي").click()
    page.get_by_role("button", name="إنهاء").click()
    assert page.get_by_text("ستُؤخذ إجاباتك في الاعتبار").is_visible()
    _fits(page)
    screenshot(page, "survey-ar-thanks-360")
    context.close()

    response = Response.objects.order_by("-pk").first()
    assert Response.objects.count() == before + 1
    assert response.status == "complete" and response.language == "ar"
    assert Answer.objects.get(response=response, question__code="arrival_year").value_number == 2016
    assert Answer.objects.get(response=response, question__code="origin").choice == "refugee"


def test_invited_expert_answers_and_link_is_used_up(page, live_server, surveys_demo, screenshot):
    from surveys.models import Invitation, Response, Survey
    from surveys.services import invitations

    survey = Survey.objects.get(title__de=surveys_demo.EXPERT_TITLE)
    invitations.invitations_import(
        survey=survey, user=None, rows=[{"email": "neu@example.org", "name": "Nora Neu"}]
    )
    invitation = Invitation.objects.get(email="neu@example.org")
    link = f"{live_server.url}/surveys/i/{invitations.token_for(invitation)}/"
    page.goto(link)
    _axe_clean(page)
    # Keyboard only: tick the consent box and start with the keyboard.
    page.get_by_label("Ich habe den Datenschutzhinweis gelesen").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.get_by_label("Wohlfahrtsverband").check()
    page.get_by_label("Schutzsuchende aus der Ukraine").check()
    page.get_by_role("button", name="Weiter").click()
    fields = page.locator("[data-code=fields]")
    for row in fields.locator("fieldset.matrix-row").all():
        row.get_by_label("eher gut").check()
    _axe_clean(page)
    screenshot(page, "survey-expert-matrix")
    page.get_by_role("button", name="Weiter").click()
    page.locator("[data-code=ukr_work]").get_by_label("Nein").check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Abschließen").click()
    assert page.get_by_text("Vielen Dank für Ihre Einschätzung!").is_visible()
    response = Response.objects.get(invitation=invitation)
    assert response.status == "complete"

    page.goto(link)
    assert page.get_by_role("heading", name="Befragung bereits abgeschlossen").is_visible()
    screenshot(page, "survey-expert-used-link")


def test_javascript_evaluator_agrees_with_server(page, live_server):
    from surveys import expressions

    page.goto(f"{live_server.url}/accounts/login/")
    page.add_script_tag(url=f"{live_server.url}/static/surveys/js/expressions.js")
    sources = [source for source, _expected in CASES]
    results = page.evaluate(
        "([cases, answers]) => cases.map(c => window.SurveyExpr.evaluate(c, answers))",
        [sources, json.loads(json.dumps(ANSWERS))],
    )
    assert results == [expressions.evaluate(source, ANSWERS) for source in sources]
