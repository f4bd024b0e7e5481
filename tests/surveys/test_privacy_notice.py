"""The survey privacy notice: a structured default, completed before the survey opens; every
public page links to the imprint and privacy statement of its process or installation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys.services import definition as defs
from surveys.services.privacy import PLACEHOLDER, privacy_notice_missing
from tests.surveys.conftest import PRIVACY_NOTICE, all_types_definition

pytestmark = pytest.mark.django_db


def test_new_survey_starts_with_the_structured_default(process, staff_user, settings):
    settings.TEILHABE_PRIVACY_CONTROLLER = "Kreis Beispiel, Musterstraße 1"
    settings.TEILHABE_PRIVACY_CONTACT = ""
    process.privacy_contact = "dsb@kreis.example"
    process.save()
    survey = defs.survey_create(
        user=staff_user, process=process, title="Neu", languages=["de", "en"]
    )
    german = survey.privacy_notice["de"]
    assert german.startswith("Verantwortlicher: Kreis Beispiel, Musterstraße 1\n")
    assert "Datenschutzkontakt: dsb@kreis.example" in german
    assert f"Rechtsgrundlage: {PLACEHOLDER}" in german
    assert survey.privacy_notice["en"].startswith("Controller: Kreis Beispiel")
    assert privacy_notice_missing(survey) == [
        "Zweck",
        "Rechtsgrundlage",
        "Empfänger",
        "Speicherdauer",
    ]


def test_opening_is_refused_with_the_missing_parts_named(process, staff_user):
    definition = all_types_definition(privacy_notice={"de": "Die Befragung ist anonym."})
    survey = defs.survey_create_from_definition(
        user=staff_user, process=process, definition=definition
    )
    with pytest.raises(ValidationError) as refused:
        defs.survey_transition(survey=survey, user=staff_user, to="open")
    message = refused.value.message_dict["privacy_notice"][0]
    for part in ("Verantwortlicher", "Datenschutzkontakt", "Zweck", "Speicherdauer"):
        assert part in message
    survey.refresh_from_db()
    assert survey.status == "draft"
    # A placeholder left in one part still counts as missing.
    survey.privacy_notice = {
        "de": PRIVACY_NOTICE["de"].replace("Empfänger: Projektteam", f"Empfänger: {PLACEHOLDER}")
    }
    survey.save()
    assert privacy_notice_missing(survey) == ["Empfänger"]
    with pytest.raises(ValidationError):
        defs.survey_transition(survey=survey, user=staff_user, to="open")
    survey.privacy_notice = PRIVACY_NOTICE
    survey.save()
    assert privacy_notice_missing(survey) == []
    assert defs.survey_transition(survey=survey, user=staff_user, to="open").status == "open"


def test_labels_in_english_and_text_over_several_lines_count(process, staff_user):
    survey = defs.survey_create(
        user=staff_user,
        process=process,
        title="X",
        languages=["de"],
        privacy_notice={
            "de": "Controller: Kreis X\nData protection contact: dsb@x.example\n"
            "**Purpose**: Konzept\nLegal basis:\n  Art. 6 Abs. 1 lit. a DSGVO\n"
            "Recipients: Team\nRetention period: 1 Jahr"
        },
    )
    assert privacy_notice_missing(survey) == []


def test_public_pages_link_imprint_and_privacy_of_the_process(client, survey, settings):
    from tests.participation.factories import ConferenceFactory

    settings.TEILHABE_IMPRINT_URL = "https://install.example/impressum"
    settings.TEILHABE_PRIVACY_URL = "https://install.example/datenschutz"
    process = survey.process
    process.privacy_url = "https://kreis.example/datenschutz-beteiligung"
    process.save()
    conference = ConferenceFactory(process=process)
    pages = [
        reverse("surveys:respond_public", args=[survey.public_id]),
        reverse("participation:conference_register", args=[conference.pk]),
        reverse("workshops:join"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert 'href="https://install.example/impressum"' in body, url
    for url in pages[:2]:  # pages of the process use its own privacy statement
        body = client.get(url).content.decode()
        assert 'href="https://kreis.example/datenschutz-beteiligung"' in body, url
    body = client.get(reverse("workshops:join")).content.decode()
    assert 'href="https://install.example/datenschutz"' in body
