"""The catalogue in the browser: idea cards → proposed measure → review → adopted; the lead
organisation reports on a phone through its link; the public page shows the progress; the
evidence trail leads back to the cards."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def cards(demo):
    from participation.conference import services as conference_services
    from participation.models import Statement, TopicTable

    table = TopicTable.objects.get(
        conference__process=demo.process, field_of_action__code="language"
    )
    conference_services.card_create(
        table=table,
        user=demo.users["facilitator"],
        text="Sprachkurse mit Kinderbetreuung am Abend",
        kind=Statement.Kind.IDEA,
    )
    ideas = list(
        Statement.objects.filter(
            process=demo.process,
            kind=Statement.Kind.IDEA,
            source_type__model="conferencecard",
            fields_of_action__code="language",
        )
    )
    assert len(ideas) >= 2
    return ideas[:2]


def test_cards_to_adopted_measure_to_reported_progress(
    browser, page, phone_page, live_server, demo, cards, screenshot
):
    from axe_playwright_python.sync_playwright import Axe

    from measures import services
    from measures.models import Measure, ReportingLink
    from participation.demo import DEMO_PASSWORD

    process = demo.process
    lead = demo.organisations[2]  # Caritasverband
    services.catalogue_settings_update(user=demo.users["staff"], process=process, public=True)
    base = f"{live_server.url}/measures/{process.pk}"

    # 1. staff turns the two idea cards into a proposed measure
    login(page, live_server, "staff", DEMO_PASSWORD)
    page.goto(f"{base}/measures/propose/")
    for statement in cards:
        page.check(f"input[name=statements][value='{statement.pk}']")
    page.fill("input[name=title]", "Sprachkurse mit Kinderbetreuung, auch abends")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{base}/measures/*/")
    measure = Measure.objects.get(title="Sprachkurse mit Kinderbetreuung, auch abends")
    assert measure.status == "proposed"
    assert set(measure.origin_statements.all()) == set(cards)

    # the lead organisation is set on the edit page
    page.goto(f"{base}/measures/{measure.pk}/edit/")
    page.select_option("select[name=lead_organisation]", str(lead.pk))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{base}/measures/{measure.pk}/")

    # 2. through review to adopted, with reasons
    for to, reason in (
        ("in_review", "Zur Prüfung in der Lenkungsgruppe"),
        ("adopted", "Beschluss des Kreisausschusses vom 12.03."),
    ):
        page.goto(f"{base}/measures/{measure.pk}/decide/")
        page.check(f"input[name=to][value={to}]")
        page.fill("textarea[name=reason]", reason)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(f"{base}/measures/{measure.pk}/")
    measure.refresh_from_db()
    assert measure.status == "adopted"
    assert "Kreisausschusses" in page.content()
    screenshot(page, "measures-detail-adopted")

    # staff sends the lead organisation its personal link
    page.goto(f"{base}/links/")
    page.select_option("select[name=organisation]", str(lead.pk))
    page.fill("input[name=contact_name]", "Aylin Demir")
    page.fill("input[name=contact_email]", "a.demir@example.org")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{base}/links/")
    link = ReportingLink.objects.get(process=process, organisation=lead)

    # 3. the lead organisation reports on a phone, without an account
    phone_page.goto(f"{live_server.url}/measures/report/{link.token}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"report page is {width}px wide on a 360px screen"
    results = Axe().run(phone_page)
    assert results.violations_count == 0, results.generate_report()
    prefix = f"m{measure.pk}"
    phone_page.fill(f"input[name={prefix}-progress]", "40")
    phone_page.fill(f"textarea[name={prefix}-note]", "Zwei Kurse laufen, 24 Teilnehmende")
    phone_page.locator(f"#{prefix} button[type=submit]").click()
    phone_page.wait_for_selector(".message.success")
    screenshot(phone_page, "measures-report-360")
    measure.refresh_from_db()
    assert measure.progress == 40 and measure.status == "in_progress"

    # 4. the public catalogue shows the new progress (no login), axe-clean at 360 px
    public = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="de-DE", is_mobile=True, has_touch=True
    ).new_page()
    public.goto(f"{live_server.url}/measures/public/{process.pk}/")
    assert public.locator(f"progress#pm{measure.pk}").get_attribute("value") == "40"
    assert "Aylin" not in public.content() and "a.demir" not in public.content()
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"public page is {width}px wide on a 360px screen"
    results = Axe().run(public)
    assert results.violations_count == 0, results.generate_report()
    screenshot(public, "measures-public-360")
    public.context.close()

    # 5. the evidence trail leads back to the cards
    page.goto(f"{base}/measures/{measure.pk}/trail/")
    for statement in cards:
        assert statement.text in page.content()
    page.get_by_role("link", name=cards[0].source_label).first.click()
    page.wait_for_load_state()
    assert cards[0].text in page.content()
    screenshot(page, "measures-trail-card")
