"""The survey designer's pages at 360 px and 1280 px with five languages: the page never
scrolls sideways, no table is cut off (every table fits its region, so nothing hides behind
a scroll bar), and axe finds nothing. The staff survey page keeps a long public link inside
the screen. Screenshots land in test-artifacts/designer-layout/."""

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["de", "en", "uk", "ar", "tr"]
# Tables (or their scrolling regions) wider than the box they sit in, and elements sticking
# out on the right of the page.
CUT_OFF = """() => [...document.querySelectorAll('.table-scroll, table')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.getAttribute('aria-label') || e.className || e.tagName)
    + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
STICKING_OUT = """(w) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > w + 1)
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase()
    + (e.className ? '.' + String(e.className).split(' ')[0] : ''))"""


@pytest.fixture
def designer_survey(transactional_db):
    from participation.models import ProcessMembership
    from surveys.services import definition as defs
    from tests.factories import ProcessFactory, UserFactory
    from tests.surveys.conftest import all_types_definition

    process = ProcessFactory(title="Integrationskonzept Musterland")
    staff = UserFactory(username="planerin")
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    survey = defs.survey_create_from_definition(
        user=None,
        process=process,
        definition=all_types_definition(languages=LANGUAGES),
        status="draft",
    )
    survey.public_id = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"  # as long as a key may be
    survey.save(update_fields=["public_id"])
    return survey


def _designer_paths(survey) -> dict[str, str]:
    from django.urls import reverse

    from surveys.models import Question

    version = survey.current_version
    grid = Question.objects.get(version=version, code="grid")  # a matrix: scale and rows
    follow_up = Question.objects.get(version=version, code="uk_since")  # has a condition
    section = grid.section
    return {
        "questions": reverse("surveys:designer", args=[survey.pk]),
        "matrix-translations": reverse("surveys:question_edit", args=[survey.pk, grid.pk]),
        "conditions": reverse("surveys:question_edit", args=[survey.pk, follow_up.pk]),
        "page": reverse("surveys:section_edit", args=[survey.pk, section.pk]),
        "settings": reverse("surveys:survey_settings", args=[survey.pk]),
        "add-question": reverse("surveys:question_add", args=[survey.pk, section.pk]),
        "survey": reverse("surveys:survey_detail", args=[survey.pk]),
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_designer_pages_fit_without_sideways_scrolling_or_cut_off_tables(
    browser, live_server, designer_survey, width
):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        viewport={"width": width, "height": 800},
        is_mobile=width < 400,
        has_touch=width < 400,
        locale="de-DE",
    )
    page = context.new_page()
    login(page, live_server, "planerin", "pw-12345-secret")
    shots = ARTIFACTS / "designer-layout"
    shots.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    problems = []
    for name, path in _designer_paths(designer_survey).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, (name, response.status)
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            wide = ", ".join(page.evaluate(STICKING_OUT, width))
            problems.append(f"{name}: page {page_width}px wide ({wide})")
        cut = page.evaluate(CUT_OFF)
        if cut:
            problems.append(f"{name}: cut off: {cut}")
        for violation in axe.run(page).response["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:2]]
            problems.append(f"{name}: axe {violation['id']} at {'; '.join(targets)}")
    # The translation grid names its columns by language, once per language.
    page.goto(live_server.url + _designer_paths(designer_survey)["matrix-translations"])
    grid = page.get_by_role("region", name="Texte in allen Sprachen")
    assert grid.locator("thead th").all_inner_texts()[1:] == [
        "Deutsch",
        "English",
        "Українська",
        "العربية",
        "Türkçe",
    ]
    # Every language's input of a choice is reachable by its label; its delete button is
    # on the screen, not behind a scroll bar.
    page.get_by_label("good (Türkçe)").fill("iyi")
    delete = page.get_by_role("button", name="Löschen bad").first
    box = delete.bounding_box()
    assert box and box["x"] + box["width"] <= width, box
    context.close()
    assert not problems, "\n".join(problems)


def test_a_long_public_link_wraps_on_the_staff_survey_page(
    phone_page, live_server, designer_survey, screenshot
):
    from django.urls import reverse

    login(phone_page, live_server, "planerin", "pw-12345-secret")
    phone_page.goto(live_server.url + reverse("surveys:survey_detail", args=[designer_survey.pk]))
    link = phone_page.get_by_role("link", name=designer_survey.public_id)
    assert designer_survey.public_id in link.inner_text()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "survey-public-link-360")
