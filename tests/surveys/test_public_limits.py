"""Public survey limits: the client address rule (spoofed X-Forwarded-For changes nothing,
behind the proxy each respondent has their own budget) and the per-survey start limit that lets
a session on tablets sharing one Wi-Fi collect hundreds of responses while bots are held off."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from surveys.models import Response
from surveys.services import definition as defs

PROXY = "10.0.0.1"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _start(survey, **meta):
    return Client().post(
        reverse("surveys:respond_public", args=[survey.public_id]), {"consent": "yes"}, **meta
    )


def test_public_survey_starts_spoofing_and_proxy(settings, make_survey):
    settings.SURVEY_PUBLIC_STARTS_PER_HOUR = 2
    survey = make_survey(access_mode="public")
    assert [_start(survey, REMOTE_ADDR="203.0.113.5").status_code for _ in range(2)] == [302] * 2
    assert _start(survey, REMOTE_ADDR="203.0.113.5").status_code == 429
    spoofed = _start(survey, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert spoofed.status_code == 429
    # Behind the proxy, respondents are told apart by the address the proxy saw.
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(1, 4):
        assert (
            _start(survey, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
            == 302
        )
    assert Response.objects.count() == 5


def test_survey_api_uses_the_same_address_rule(settings, make_survey, api_client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "survey_submit": "2/minute",
        },
    }
    survey = make_survey(access_mode="public")

    def send(**meta):
        return Client().post(
            "/api/v1/survey-responses/",
            {
                "survey": survey.public_id,
                "client_id": str(uuid.uuid4()),
                "answers": {"lang": "de"},
                "section": "p1",
                "complete": False,
            },
            content_type="application/json",
            **meta,
        )

    assert [send(REMOTE_ADDR="203.0.113.8").status_code for _ in range(2)] == [201, 201]
    assert send(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="192.0.2.5").status_code == 429
    settings.TRUSTED_PROXIES = [PROXY]
    assert send(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 201


def test_shared_wifi_session_collects_hundreds_within_the_hour(settings, make_survey):
    """Tablets in a language café, all on one address: the survey's own limit (set by staff)
    replaces the installation's 30 starts per hour."""
    settings.SURVEY_PUBLIC_STARTS_PER_HOUR = 30
    survey = make_survey(access_mode="public")
    defs.survey_update(survey=survey, user=None, starts_per_hour=300)
    survey.refresh_from_db()
    statuses = [_start(survey, REMOTE_ADDR="192.0.2.50").status_code for _ in range(300)]
    assert statuses == [302] * 300
    # A bot on the same network is still held off beyond the survey's budget, and the
    # honeypot takes nothing.
    assert _start(survey, REMOTE_ADDR="192.0.2.50").status_code == 429
    assert Response.objects.count() == 300


def test_default_limit_holds_for_surveys_without_their_own(settings, make_survey):
    settings.SURVEY_PUBLIC_STARTS_PER_HOUR = 30
    survey = make_survey(access_mode="public")
    statuses = [_start(survey, REMOTE_ADDR="192.0.2.51").status_code for _ in range(31)]
    assert statuses == [302] * 30 + [429]


def test_survey_limit_is_bounded(make_survey):
    from django.core.exceptions import ValidationError

    survey = make_survey(access_mode="public")
    for bad in (0, 2001):
        with pytest.raises(ValidationError):
            defs.survey_update(survey=survey, user=None, starts_per_hour=bad)


def test_staff_set_the_limit_in_the_survey_settings(client, make_survey, staff_user):
    survey = make_survey(access_mode="public")
    client.force_login(staff_user)
    url = reverse("surveys:survey_settings", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="starts_per_hour"' in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["languages"] = survey.languages
    data["starts_per_hour"] = "400"
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    survey.refresh_from_db()
    assert survey.starts_per_hour == 400
    data["starts_per_hour"] = "5000"
    refused = client.post(url, data)
    assert refused.status_code == 400
    survey.refresh_from_db()
    assert survey.starts_per_hour == 400
