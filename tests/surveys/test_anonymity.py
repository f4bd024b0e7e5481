"""What an anonymised survey guarantees (README, "Anonymised surveys"): no session, log line,
time or copied attribute links a response to an invitation or a user; one personal link gives
at most one complete response, through the pages or the API; a closed survey takes nothing."""

import logging
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, Response
from surveys.results.exports import layout
from surveys.selectors import forget_survey
from surveys.services import invitations as inv
from surveys.structure import get as get_structure

from .test_api import submit
from .test_respond import P1, P2, page_url

pytestmark = pytest.mark.django_db


def _invite(survey, email="eva@example.org", **extra):
    inv.invitations_import(
        survey=survey, user=None, rows=[{"email": email, "name": "Eva", **extra}]
    )
    invitation = Invitation.objects.get(survey=survey, email=email)
    return invitation, reverse("surveys:respond_invitation", args=[inv.token_for(invitation)])


def _invited(survey):
    return reverse("surveys:respond_invited", args=[survey.public_id])


def _sessions() -> list[dict]:
    return [s.get_decoded() for s in Session.objects.all()]


def _is_midnight(value) -> bool:
    local = timezone.localtime(value)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def test_no_session_holds_response_and_invitation_together(client, make_survey, staff_user):
    survey = make_survey(access_mode="invitation", anonymised=True)
    invitation, link = _invite(survey, language="ar")
    client.force_login(staff_user)  # a signed-in invitee
    assert client.get(link)["Location"] == _invited(survey)
    client.post(_invited(survey), {"consent": "yes"})
    response = Response.objects.get()
    for data in _sessions():
        slot = data.get("surveys", {}).get(survey.public_id, {})
        pending = data.get("survey_invitations", {}).get(survey.public_id)
        assert not (slot.get("r") and pending), data
        assert "inv" not in slot
    client.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    done = client.post(page_url(survey, "p2"), P2)
    assert done["Location"].endswith("/thanks/")
    response.refresh_from_db()
    invitation.refresh_from_db()
    assert response.status == "complete" and invitation.completed_at
    # After finishing, the signed-in user's session keeps nothing of the response.
    for data in _sessions():
        slot = data.get("surveys", {}).get(survey.public_id, {})
        assert "r" not in slot
    # The language is the respondent's, not copied from the invitation.
    assert response.language != invitation.language
    # Times only to the day, so none matches an invitation's or a log line's.
    for value in (response.started_at, response.consent_at, response.completed_at):
        assert _is_midnight(value)
    assert response.via_invitation


def test_export_of_anonymised_survey_omits_what_links(make_survey):
    survey = make_survey(anonymised=True)
    names = [c.name for c in layout(survey, get_structure(survey.current_version)).columns]
    assert "response_id" not in names and "language" not in names
    assert "target_group" not in names and "organisation" not in names


def test_access_log_has_no_token_and_no_respondent_address(client, api_client, make_survey, caplog):
    survey = make_survey(access_mode="invitation", anonymised=True)
    _invitation, link = _invite(survey)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with caplog.at_level(logging.INFO, logger="teilhabe.access"):
        client.get(link, REMOTE_ADDR="198.51.100.7")
        client.post(_invited(survey), {"consent": "yes"}, REMOTE_ADDR="198.51.100.7")
        client.post(page_url(survey, "p1"), {**P1, "lang": "de"}, REMOTE_ADDR="198.51.100.7")
        client.post(page_url(survey, "p2"), P2, REMOTE_ADDR="198.51.100.7")
    lines = [r.getMessage() for r in caplog.records if r.name == "teilhabe.access"]
    assert len(lines) == 4
    assert not any(token in line or "198.51.100.7" in line for line in lines), lines
    # The answering API likewise.
    with caplog.at_level(logging.INFO, logger="teilhabe.access"):
        submit(api_client, survey, {"lang": "de"}, section="p1", complete=False, token=token)
    api_line = [r for r in caplog.records if r.name == "teilhabe.access"][-1].getMessage()
    assert api_line.startswith('- "POST /api/v1/survey-responses/')
    # Other pages keep the address (it is what the log is for).
    with caplog.at_level(logging.INFO, logger="teilhabe.access"):
        client.get("/accounts/login/", REMOTE_ADDR="198.51.100.8")
    login_line = [r for r in caplog.records if r.name == "teilhabe.access"][-1].getMessage()
    assert "198.51.100.8" in login_line


def test_one_link_one_complete_response_through_the_pages(make_survey):
    survey = make_survey(access_mode="invitation", anonymised=True)
    invitation, link = _invite(survey)
    first, second = Client(), Client()
    for browser in (first, second):
        browser.get(link)
        browser.post(_invited(survey), {"consent": "yes"})
        browser.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    assert first.post(page_url(survey, "p2"), P2).status_code == 302
    refused = second.post(page_url(survey, "p2"), P2)
    assert refused.status_code == 200 and "bereits" in refused.content.decode()
    assert Response.objects.filter(status="complete").count() == 1


def test_resumed_elsewhere_completes_only_with_the_link(make_survey):
    survey = make_survey(access_mode="invitation", anonymised=True)
    _invitation, link = _invite(survey)
    browser = Client()
    browser.get(link)
    browser.post(_invited(survey), {"consent": "yes"})
    response = Response.objects.get()
    browser.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    # Another device without the link's cookie: the session is copied, the cookie is not.
    other = Client()
    other.cookies["sessionid"] = browser.cookies["sessionid"].value
    refused = other.post(page_url(survey, "p2"), P2)
    assert refused.status_code == 403 and "link" in refused.content.decode().lower()
    response.refresh_from_db()
    assert response.status == "in_progress"
    other.get(link)
    assert other.get(_invited(survey))["Location"] == page_url(survey, "p2")
    assert other.post(page_url(survey, "p2"), P2).status_code == 302
    response.refresh_from_db()
    assert response.status == "complete"


def test_one_token_one_complete_response_through_the_api(api_client, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=True)
    invitation, link = _invite(survey)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    completed = []
    for _attempt in range(3):
        client_id = uuid.uuid4()
        page1 = submit(
            api_client,
            survey,
            {"lang": "de"},
            client_id=client_id,
            section="p1",
            complete=False,
            token=token,
        )
        if page1.status_code != 201:
            assert page1.status_code == 403
            continue
        # Completing without the token is refused: the response came through a link.
        bare = submit(api_client, survey, {"satisfaction": 5}, client_id=client_id, section="p2")
        assert bare.status_code in (400, 403)
        done = submit(
            api_client, survey, {"satisfaction": 5}, client_id=client_id, section="p2", token=token
        )
        if done.status_code == 200 and done.json()["status"] == "complete":
            completed.append(client_id)
        else:
            assert done.status_code == 403
    assert len(completed) == 1
    assert Response.objects.filter(status="complete").count() == 1
    invitation.refresh_from_db()
    assert invitation.completed_at and _is_midnight(invitation.completed_at)
    assert _is_midnight(Response.objects.get(status="complete").completed_at)


def test_closed_survey_refuses_pages_and_completion_through_the_api(api_client, survey):
    client_id = uuid.uuid4()
    page1 = submit(
        api_client, survey, {"lang": "de"}, client_id=client_id, section="p1", complete=False
    )
    assert page1.status_code == 201
    survey.status = "closed"
    survey.save()
    forget_survey(survey.public_id)
    page = submit(
        api_client, survey, {"lang": "uk"}, client_id=client_id, section="p1", complete=False
    )
    assert page.status_code == 403
    done = submit(api_client, survey, {"satisfaction": 5}, client_id=client_id, section="p2")
    assert done.status_code == 403
    response = Response.objects.get()
    assert response.status == "in_progress"
    assert response.answers.get(question__code="lang").choice == "de"
