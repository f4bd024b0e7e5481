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
