"""A workshop in the browser: a facilitator types cards fast (one while the server cannot be
reached), clusters two and opens a vote; two phones join by code, one adds a card that the
facilitator accepts, both vote; the ranking is right; the phone pages are axe-clean at 360 px."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e
PASSWORD = "pw-12345-secret"


@pytest.fixture
def running_workshop(transactional_db):
    from participation.catalogue_data import ensure_catalogues
    from participation.models import FieldOfAction, ProcessMembership, TargetGroup
    from tests.factories import ProcessFactory, UserFactory
    from workshops import services

    ensure_catalogues(TargetGroup, FieldOfAction)
    process = ProcessFactory()
    staff = UserFactory(username="petra")
    facilitator = UserFactory(username="mia", first_name="Mia")
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    ProcessMembership.objects.create(process=process, user=facilitator, role="facilitator")
    workshop = services.workshop_save(
        process=process,
        user=staff,
        title="Workshop Sprache",
        fields_of_action=[FieldOfAction.objects.get(code="language")],
        starts_at=timezone.make_aware(datetime(2025, 10, 7, 14, 0)),
        place="Kreishaus",
        facilitators=[facilitator],
    )
    return services.workshop_transition(workshop=workshop, user=staff, to="running")


def _cards(workshop):
    from workshops.models import Card

    return list(
        Card.objects.filter(workshop=workshop, status="accepted")
        .order_by("number")
        .values_list("text", flat=True)
    )


def _axe_clean(page, name):
    from axe_playwright_python.sync_playwright import Axe

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} is {width}px wide on a 360px screen"
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def _join(phone, live_server, code):
    phone.goto(f"{live_server.url}/workshops/join/")
    phone.fill("#id_code", code.lower())
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/join/*/")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/p/*/")


def test_board_phones_vote_and_ranking(browser, page, live_server, running_workshop, screenshot):
    from workshops.models import Card, Vote

    workshop = running_workshop
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    field = page.locator("#new-ideas .card-text")
    field.wait_for()
    texts = [
        "Sprachcafé am Abend",
        "Sprachpatenschaften",
        "Kurs mit Kinderbetreuung",
        "Online-Kursfinder",
        "Lotsen an der VHS",
    ]
    for text in texts[:2]:
        field.fill(text)
        field.press("Enter")
    # expect() waits without evaluating strings, which the page's CSP forbids.
    expect(page.locator("#col-ideas .wcard:not(.pending)")).to_have_count(2)

    # The server cannot be reached for a moment: the third card waits in the browser.
    def refuse(route):
        route.abort("connectionrefused")

    board_requests = f"**/workshops/{workshop.pk}/board/**"
    page.route(board_requests, refuse)
    field.fill(texts[2])
    field.press("Enter")
    page.wait_for_selector("#col-ideas .wcard.pending")
    stored = page.evaluate(
        f"JSON.parse(localStorage.getItem('teilhabe-board-outbox-{workshop.pk}'))"
    )
    assert [item["text"] for item in stored] == [texts[2]]
    assert field.input_value() == ""  # ready for the next card at once
    page.wait_for_timeout(2500)  # at least one retry fails
    assert len(_cards(workshop)) == 2
    page.unroute(board_requests)
    for text in texts[3:]:
        field.fill(text)
        field.press("Enter")
    expect(page.locator("#col-ideas .wcard:not(.pending)")).to_have_count(5, timeout=15000)
    assert sorted(_cards(workshop)) == sorted(texts)
    assert Card.objects.filter(workshop=workshop).count() == 5  # retries stored nothing twice
    screenshot(page, "workshop-board-1280")

    # Cluster two cards (the page works without JavaScript).
    cards = {c.text: c for c in Card.objects.filter(workshop=workshop)}
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/clusters/new/?column=ideas")
    page.fill("#id_title", "Begegnung")
    page.check(f"input[name=cards][value='{cards[texts[0]].pk}']")
    page.check(f"input[name=cards][value='{cards[texts[1]].pk}']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".cluster h3")

    # Open a dot vote on the cluster and three cards.
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/votes/new/")
    page.fill("#id_title", "Punktabfrage")
    for text in texts[2:]:
        page.check(f"input[name=cards][value='{cards[text].pk}']")
    page.locator("input[name=clusters]").first.check()
    page.fill("#id_dots_per_participant", "3")
    page.fill("#id_max_per_item", "2")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/votes/*/")
    vote = Vote.objects.get(workshop=workshop)
    items = {i.label: i.pk for i in vote.items.all()}

    phones = []
    for _n in range(2):
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="de-DE",
        )
        phones.append((context, context.new_page()))
    try:
        first, second = phones[0][1], phones[1][1]
        _join(first, live_server, workshop.join_code)
        _axe_clean(first, "participant board")
        _join(second, live_server, workshop.join_code)
        first.fill("#id_text", "Sprachkurs im Betrieb")
        first.locator("form.form button[type=submit]").click()
        first.wait_for_selector(".message.success")
        queued = Card.objects.get(workshop=workshop, status="queued")

        page.goto(f"{live_server.url}/workshops/{workshop.pk}/queue/")
        page.locator(f"#id_q{queued.pk}_text").fill("Sprachkurse im Betrieb")
        page.locator("section.queue-item button[type=submit]").first.click()
        page.wait_for_selector(".message.success")
        queued.refresh_from_db()
        assert (queued.status, queued.text) == ("accepted", "Sprachkurse im Betrieb")

        # Phone 1: 2 dots on the cluster, 1 on card 3. Phone 2: 1 on the cluster, 2 on card 4.
        for phone, dots in (
            (first, {"Begegnung": 2, texts[2]: 1}),
            (second, {"Begegnung": 1, texts[3]: 2}),
        ):
            phone.goto(f"{live_server.url}/workshops/p/{workshop.join_code}/vote/")
            phone.wait_for_selector("form.form")
            _axe_clean(phone, "vote page")
            for label, n in dots.items():
                phone.fill(f"#dots-{items[label]}", str(n))
            phone.locator("form.form button[type=submit]").click()
            phone.wait_for_selector(".message.success")
        screenshot(first, "workshop-phone-360")
        # Voting twice is refused on the phone.
        first.goto(f"{live_server.url}/workshops/p/{workshop.join_code}/vote/")
        assert first.locator("form.form").count() == 0
    finally:
        for context, _page in phones:
            context.close()

    page.goto(f"{live_server.url}/workshops/{workshop.pk}/votes/{vote.pk}/close/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#vote-table")
    ranking = [(i.rank, i.label, i.dots) for i in vote.items.order_by("rank", "position")]
    assert ranking == [(1, "Begegnung", 3), (2, texts[3], 2), (3, texts[2], 1), (4, texts[4], 0)]
    rows = page.locator("#vote-table tbody tr").all_inner_texts()
    assert rows[0].startswith("1") and "Begegnung" in rows[0]


def test_removing_a_card_and_closing_the_workshop_ask_in_the_shared_dialog(
    page, live_server, running_workshop, screenshot
):
    """The board's "Remove" and the status change to "closed" open the one confirmation
    dialog (core/confirm.py) that says what happens; Cancel keeps everything, confirming
    carries it out."""
    from workshops import services
    from workshops.models import Card

    workshop = running_workshop
    facilitator = workshop.facilitators.get()
    card, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Karte zum Entfernen", column="ideas"
    )
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    item = page.locator(f"#card-{card.pk}")
    item.locator("summary").click()
    item.get_by_role("button", name=f"Entfernen Karte {card.number}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Karte zum Entfernen")
    screenshot(page, "workshop-remove-card-dialog")
    dialog.get_by_role("link", name="Abbrechen").click()
    expect(dialog).to_have_count(0)
    assert Card.objects.get(pk=card.pk).status == "accepted"
    item.get_by_role("button", name=f"Entfernen Karte {card.number}").click()
    page.get_by_role("dialog").get_by_role("button", name="Karte entfernen").click()
    expect(page.locator(f"#card-{card.pk}")).to_have_count(0)
    assert Card.objects.get(pk=card.pk).status == "rejected"

    services.workshop_transition(workshop=workshop, user=facilitator, to="documented")
    login(page, live_server, "petra", PASSWORD)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    page.get_by_role("button", name="Auf „Geschlossen“ setzen").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("nicht mehr geändert")
    dialog.get_by_role("button", name="Workshop abschließen").click()
    expect(page.locator(".messages")).to_be_visible()
    workshop.refresh_from_db()
    assert workshop.status == "closed"
