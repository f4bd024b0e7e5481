"""Indicator charts in the browser: legible at 360 px, lines chosen by the reader (with and
without JavaScript), the target drawn, municipalities as rows, no judgement on context figures."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

# the rendered size of the smallest chart text, in CSS pixels
SMALLEST_TEXT = """
(selector) => {
  const svg = [...document.querySelectorAll(selector)]
    .find((s) => s.getBoundingClientRect().width > 0);
  if (!svg) return null;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")]
    .map((t) => parseFloat(t.getAttribute("font-size")) * scale);
  return Math.min(...sizes);
}
"""


@pytest.fixture
def monitoring_demo(demo):
    from monitoring import demo as monitoring_demo

    monitoring_demo.seed(demo)
    return demo


def _axe_clean(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_indicator_chart_on_a_phone(phone_page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    page = phone_page
    login(page, live_server, "expert", DEMO_PASSWORD)
    url = f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/indicators/W2/"
    page.goto(url)
    # the phone gets its own layout: the wide one is not displayed, the text stays readable
    assert page.locator(".chart-narrow svg.chart").is_visible()
    assert not page.locator(".chart-wide svg.chart").is_visible()
    smallest = page.evaluate(SMALLEST_TEXT, ".chart-narrow svg.chart")
    assert smallest >= 12, f"chart text is {smallest:.1f}px on a 360px screen"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    # not every line at once; the target of the demo (immigrants, 2030) is drawn
    chart = page.locator(".chart-narrow svg.chart")
    assert 1 <= chart.locator("polyline").count() <= 5
    assert chart.locator(".target-marker").count() == 1
    assert chart.locator("text", has_text="2030").count() >= 1
    _axe_clean(page)
    screenshot(page, "monitoring-chart-360")
    # municipalities are the rows of their table
    rows = page.locator("table:below(h2#municipalities) tbody th[scope=row]")
    assert rows.first.inner_text() == "Borgholzhausen"


def test_reader_chooses_the_lines_without_javascript(browser, live_server, monitoring_demo):
    from participation.demo import DEMO_PASSWORD

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, live_server, "facilitator", DEMO_PASSWORD)
        page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/indicators/W2/")
        boxes = page.locator("#chart-choice input[type=checkbox]")
        checked = [i for i in range(boxes.count()) if boxes.nth(i).is_checked()]
        unchecked = [i for i in range(boxes.count()) if not boxes.nth(i).is_checked()]
        assert checked and unchecked and boxes.count() > len(checked)
        for index in checked:
            boxes.nth(index).uncheck()
        boxes.nth(unchecked[0]).check()
        label = boxes.nth(unchecked[0]).locator("xpath=..").inner_text().strip()
        page.get_by_role("button", name="Im Diagramm zeigen").click()
        page.wait_for_load_state()
        assert "show=" in page.url
        chart = page.locator(".chart-narrow svg.chart")
        assert chart.locator("polyline").count() >= 1
        assert chart.locator("text", has_text=label[:20]).count() == 1
    finally:
        context.close()


def test_reader_chooses_the_lines_with_javascript(page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(page, live_server, "facilitator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/indicators/W2/")
    chart = page.locator(".chart-wide svg.chart")
    assert chart.is_visible()
    assert page.evaluate(SMALLEST_TEXT, ".chart-wide svg.chart") >= 11
    before = chart.locator("polyline").count()
    box = page.locator("#chart-choice input[type=checkbox]:not(:checked)").first
    box.check()
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator(".chart-wide svg.chart polyline").nth(before).wait_for(state="attached")
    assert "show=" in page.url  # the choice stays in the address, for a link or a reload
    _axe_clean(page)
    screenshot(page, "monitoring-chart-1280")


def test_context_indicator_carries_no_judgement(page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    login(page, live_server, "facilitator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/")
    tile = page.locator(".tile", has=page.get_by_role("link", name="Ausländeranteil", exact=True))
    assert "Kontextindikator" in tile.inner_text()
    assert "Auf Kurs" not in tile.inner_text() and "Fortschritt" not in tile.inner_text()
    page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/indicators/D2/")
    text = page.locator("main").inner_text()
    assert "Kontextindikator" in text
    assert "Geringer Fortschritt" not in text and "Auf Kurs" not in text
    screenshot(page, "monitoring-context-indicator")


def test_import_check_page_on_a_phone(phone_page, live_server, monitoring_demo, screenshot):
    from participation.demo import DEMO_PASSWORD

    page = phone_page
    login(page, live_server, "staff", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/{monitoring_demo.process.pk}/imports/")
    page.set_input_files("input[name=file]", "/work/shared/samples/opensdg/indicator_5-3-2.csv")
    page.set_input_files("input[name=metadata]", "/work/shared/samples/opensdg/meta_5-3-2.md")
    page.get_by_label("Nur prüfen, nichts speichern (Probelauf)").check()
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_url("**/imports/check/**")
    assert page.get_by_role("heading", name="Was gespeichert wird").is_visible()
    assert page.get_by_label("Nur prüfen, nichts speichern (Probelauf)").is_checked()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    _axe_clean(page)
    screenshot(page, "monitoring-import-check-360")
