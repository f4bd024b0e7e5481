"""Results pages in the browser: the staff dashboard with a breakdown, the public page on a
phone (no horizontal scrolling, no accessibility violations)."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(transactional_db):
    """The whole demo (participation and the surveys with their counted results)."""
    from django.core.management import call_command

    from participation.models import Process

    call_command("seed_demo", verbosity=0)
    return Process.objects.first()


def test_staff_dashboard_with_breakdown(page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD
    from surveys.models import Survey

    survey = Survey.objects.filter(access_mode="public").first()
    login(page, live_server, "staff", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.wait_for_selector("h1")
    assert page.locator("svg.chart").count() > 3
    page.select_option("#by", index=1)
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_selector("table.cross")
    screenshot(page, "results-dashboard-breakdown")
    _matrix_results_show_every_answer_per_row(page, live_server, survey, screenshot)


def _matrix_results_show_every_answer_per_row(page, live_server, survey, screenshot):
    """The matrix question's chart at 1280 and 360 px: one bar per row split into all its
    answers with a legend, legible on a phone, axe-clean, the figures in tables under it.
    (Part of the dashboard test: seeding the demo is the slow part.)"""
    from axe_playwright_python.sync_playwright import Axe
    from django.urls import reverse

    from surveys.models import Question

    matrix = Question.objects.filter(version=survey.current_version, type="matrix").first()
    scale = [c.label.get("de") for c in matrix.choices.filter(kind="option")]
    rows = [r.label.get("de") for r in matrix.choices.filter(kind="row")]
    url = reverse(
        "surveys:results_question",
        args=[survey.pk, survey.current_version.number, matrix.code],
    )
    page.goto(live_server.url + url)
    chart = page.locator("svg.stacked-bar-chart")
    assert chart.count() == 1
    legend_and_rows = chart.locator("text").all_text_contents()
    for label in scale + rows:
        assert label in legend_and_rows, label
    description = chart.locator("desc").text_content()
    assert all(f"{label} " in description for label in scale)
    assert page.locator("table.results-table caption").count() >= len(rows)
    screenshot(page, "results-matrix-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("svg.stacked-bar-chart").bounding_box()
    assert box["width"] <= 360
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, "results-matrix-360")


def test_public_results_on_phone(phone_page, live_server, demo, screenshot):
    from axe_playwright_python.sync_playwright import Axe

    from surveys.results.models import ResultsPublication

    publication = ResultsPublication.objects.filter(public=True).first()
    phone_page.goto(f"{live_server.url}/surveys/public/{publication.survey.public_id}/results/")
    phone_page.wait_for_selector("h1")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    results = Axe().run(phone_page)
    assert results.violations_count == 0, results.generate_report()
    screenshot(phone_page, "results-public-360")
