"""The public survey on a phone links to the imprint and the privacy statement of its process,
fits the screen, and shows the structured privacy notice."""

import pytest

from tests.surveys.conftest import all_types_definition

pytestmark = pytest.mark.e2e


def test_public_survey_footer_links_on_a_phone(phone_page, live_server, demo, settings, screenshot):
    from surveys.services import definition as defs

    settings.TEILHABE_IMPRINT_URL = "https://kreis.example/impressum"
    demo.process.privacy_url = "https://kreis.example/datenschutz-beteiligung"
    demo.process.save()
    survey = defs.survey_create_from_definition(
        user=None, process=demo.process, definition=all_types_definition(), status="open"
    )
    phone_page.goto(f"{live_server.url}/surveys/s/{survey.public_id}/")
    footer = phone_page.locator("footer")
    imprint = footer.get_by_role("link", name="Impressum")
    privacy = footer.get_by_role("link", name="Datenschutzerklärung")
    assert imprint.get_attribute("href") == "https://kreis.example/impressum"
    assert privacy.get_attribute("href") == "https://kreis.example/datenschutz-beteiligung"
    assert phone_page.get_by_text("Rechtsgrundlage: Einwilligung").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    screenshot(phone_page, "survey-legal-links-360")
