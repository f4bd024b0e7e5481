"""Browser tests: a facilitator codes an interview passage; a visitor registers on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_facilitator_codes_a_passage_and_finds_it_in_statements(
    page, live_server, demo, screenshot
):
    from participation.demo import DEMO_PASSWORD
    from participation.models import Interview

    interview = Interview.objects.get(interviewee_pseudonym="I-01")
    login(page, live_server, "facilitator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/processes/{demo.process.pk}/interviews/")
    page.get_by_role("link", name="I-01").click()
    page.wait_for_selector("#transcript")
    assert page.locator("h1").inner_text().startswith("Interview I-01")

    # Select a sentence with the mouse (a DOM selection plus mouseup): the offsets fill in.
    target = "Das Jobcenter hat mir nur Helferjobs angeboten."
    page.evaluate(
        """(target) => {
          const spans = [...document.querySelectorAll('#transcript .segtext')];
          const span = spans.find(s => s.textContent === target);
          const range = document.createRange();
          range.setStart(span.firstChild, 0);
          range.setEnd(span.firstChild, target.length);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          span.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        target,
    )
    start = int(page.locator("#id_start").input_value())
    end = int(page.locator("#id_end").input_value())
    assert interview.transcript[start:end] == target
    page.get_by_label("Anerkennung von Abschlüssen", exact=False).first.check()
    page.get_by_label("Problem", exact=True).check()
    page.get_by_label("Memo (optional)").fill("Helferjobs trotz Qualifikation")
    page.get_by_role("button", name="Textstelle codieren").click()
    page.wait_for_selector(".messages")
    assert "codiert" in page.locator(".messages").inner_text()
    screenshot(page, "pool-interview-coded")

    page.get_by_role("link", name="Aussagen", exact=True).first.click()
    page.get_by_label("Suche").fill("Helferjobs")
    page.get_by_role("button", name="Filtern").click()
    statement = page.locator(".statement-list li").first
    assert target in statement.inner_text()
    assert "Interview I-01" in statement.inner_text()
    screenshot(page, "pool-statements")


def test_visitor_registers_on_a_phone(phone_page, live_server, demo, screenshot):
    from datetime import timedelta

    from axe_playwright_python.sync_playwright import Axe
    from django.utils import timezone

    from participation.models import Conference, Registration

    conference = Conference.objects.get(process=demo.process)
    # The demo conference lies in the past, where the registration has closed by itself: the
    # visitor registers for its next edition.
    conference.date = timezone.localdate() + timedelta(days=30)
    conference.save(update_fields=["date"])
    before = Registration.objects.filter(conference=conference).count()
    page = phone_page
    page.goto(f"{live_server.url}/register/{conference.pk}/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    page.get_by_label("Name").first.fill("Mira Besucherin")
    page.get_by_label("Organisation (optional)").fill("Nachbarschaftsverein")
    page.get_by_label("E-Mail").fill("mira@example.org")
    page.get_by_label("Bedarfe an Barrierefreiheit (optional)").fill("Stufenloser Zugang")
    page.get_by_label("Ich bin einverstanden", exact=False).check()
    screenshot(page, "pool-register-360")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_selector("[role=status]")
    text = page.locator("main").inner_text()
    assert "Warteliste" in text  # the demo conference is fully booked
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "pool-registered-360")
    assert Registration.objects.filter(conference=conference).count() == before + 1


def test_staff_checks_in_at_the_door_and_counts_update(page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD
    from participation.models import Conference, Registration

    conference = Conference.objects.get(process=demo.process)
    login(page, live_server, "staff", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/conferences/{conference.pk}/check-in/")
    before = page.locator("#attendance-counts div").nth(2).locator("dd").inner_text()
    page.get_by_label("Nach Namen suchen").fill("Ioana")
    page.get_by_role("button", name="Suche").click()
    page.get_by_role("button", name="Einchecken Ioana Popescu").click()
    page.get_by_text("anwesend seit").wait_for()
    # expect() waits without evaluating strings, which the page's CSP forbids.
    expect(page.locator("#attendance-counts div").nth(2).locator("dd")).not_to_have_text(before)
    after = page.locator("#attendance-counts div").nth(2).locator("dd").inner_text()
    assert int(after) == int(before) + 1
    assert Registration.objects.get(name="Ioana Popescu").checked_in_at is not None
    screenshot(page, "pool-check-in")


def test_staff_sees_coding_overview_and_documentation(page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD
    from participation.models import Conference

    login(page, live_server, "staff", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/processes/{demo.process.pk}/coding/")
    assert page.locator("svg.bar-chart rect").count() >= 3
    screenshot(page, "pool-coding-overview")
    conference = Conference.objects.get(process=demo.process)
    page.goto(f"{live_server.url}/conferences/{conference.pk}/documentation/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_text("Sprachcafés in jeder Stadt, auch abends").is_visible()
    screenshot(page, "pool-documentation-print")


def test_facilitator_pages_fit_a_phone(phone_page, live_server, demo, screenshot):
    from participation.demo import DEMO_PASSWORD
    from participation.models import Interview, TopicTable

    login(phone_page, live_server, "facilitator", DEMO_PASSWORD)
    table = TopicTable.objects.filter(facilitator=demo.users["facilitator"]).first()
    interview = Interview.objects.get(interviewee_pseudonym="I-01")
    for name, url in [
        ("statements", "/statements/"),
        ("interview", interview.get_absolute_url()),
        ("table", table.get_absolute_url()),
    ]:
        phone_page.goto(f"{live_server.url}{url}")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        screenshot(phone_page, f"pool-{name}-360")
        assert width <= 360, f"{url} is {width}px wide on a 360px screen"
    phone_page.get_by_label("Was gesagt wurde").fill("Mehr Kurse am Abend")
    phone_page.get_by_role("button", name="Karte hinzufügen").click()
    assert phone_page.get_by_text("Mehr Kurse am Abend").is_visible()
