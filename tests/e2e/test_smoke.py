import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_staff_signs_in_and_opens_process_dashboard(page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(page, live_server, "staff", DEMO_PASSWORD)
    page.get_by_role("link", name=demo.process.title).click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == demo.process.title
    assert page.get_by_role("heading", name="Phasen").is_visible()
    assert page.get_by_text("Auftaktkonferenz").first.is_visible()
    screenshot(page, "smoke-dashboard")


def test_login_page_has_no_accessibility_violations(page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server.url}/accounts/login/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_dashboard_on_phone(phone_page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(phone_page, live_server, "staff", DEMO_PASSWORD)
    phone_page.goto(f"{live_server.url}{demo.process.get_absolute_url()}")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    screenshot(phone_page, "smoke-dashboard-360")
