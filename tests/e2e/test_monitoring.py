"""The monitoring in the browser: dashboard, indicator page, phone width, the owner's form."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def monitoring_demo(demo):
    from monitoring import demo as monitoring_demo

    monitoring_demo.seed(demo)
    return demo


def test_dashboard_and_indicator_page(page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(page, live_server, "facilitator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/")
    assert page.get_by_role("heading", name="Bildung", exact=True).is_visible()
    assert page.locator(".tile").count() >= 30
    screenshot(page, "monitoring-dashboard")
    page.get_by_role("link", name="Arbeitslosenquote", exact=True).click()
    page.wait_for_selector("svg.chart")
    assert page.get_by_role("img", name="W2 Arbeitslosenquote").is_visible()
    assert page.locator("table").first.is_visible()
    screenshot(page, "monitoring-indicator")


def test_indicator_page_on_phone(phone_page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(phone_page, live_server, "expert", DEMO_PASSWORD)
    phone_page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/indicators/E1/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    screenshot(phone_page, "monitoring-indicator-360")


def test_data_owner_form_is_accessible(page, live_server, monitoring_demo, screenshot):
    from datetime import date

    from axe_playwright_python.sync_playwright import Axe

    from monitoring.models import DataRequest, Series, Territory

    request = DataRequest.objects.create(
        process=monitoring_demo.process,
        title="Schulstatistik 2025",
        owner_name="Schulamt",
        owner_email="schulamt@example.org",
        year=2025,
        territory=Territory.objects.get(key="05754"),
        due_date=date(2026, 3, 1),
    )
    request.series.set(Series.objects.filter(code__in=["abg_gesamt", "abg_ohne"]))
    from monitoring.services.requests import data_request_token

    page.goto(f"{live_server.url}/monitoring/deliver/{data_request_token(request)}/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, "monitoring-deliver")
