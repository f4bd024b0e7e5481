"""Who may answer a survey with which credential: one rule (``response_admission``), asked by
the respondent pages and the API alike."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from surveys.models import Invitation, Response
from surveys.services import invitations as inv
from surveys.services.responses import response_admission
from tests.surveys.test_api import WHOLE, submit

pytestmark = pytest.mark.django_db


def _invitation(survey) -> Invitation:
    inv.invitations_import(survey=survey, user=None, rows=[{"email": "a@example.org"}])
    return Invitation.objects.get(survey=survey)


def _code(error: ValidationError) -> str:
    return error.error_dict["token"][0].code


def test_the_rule(make_survey, staff_user, outsider):
    public = make_survey()
    closed = make_survey(access_mode="invitation", anonymised=False)
    response_admission(survey=public, user=outsider)
    with pytest.raises(ValidationError) as refused:
        response_admission(survey=closed, user=outsider)
    assert _code(refused.value) == "invitation_required"
    response_admission(survey=closed, user=outsider, invitation=_invitation(closed))
    with pytest.raises(ValidationError) as refused:
        response_admission(survey=public, user=outsider, invitation=_invitation(closed))
    assert _code(refused.value) == "invalid"
    with pytest.raises(PermissionDenied):
        response_admission(survey=closed, user=outsider, test=True)
    response_admission(survey=closed, user=staff_user, test=True)


def test_api_door(api_client, make_survey, outsider):
    public = make_survey()
    closed = make_survey(access_mode="invitation", anonymised=False)
    refused = submit(api_client, closed, WHOLE)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "field": "token",
            "code": "invitation_required",
            "message": gettext("This survey needs a personal invitation token."),
        }
    ]
    other = submit(api_client, public, WHOLE, token=inv.token_for(_invitation(closed)))
    assert other.status_code == 400 and other.json()["errors"][0]["code"] == "invalid"
    api_client.force_authenticate(outsider)
    assert submit(api_client, closed, WHOLE, test=True).status_code == 403
    assert not Response.objects.exists()


def test_page_door(client, make_survey):
    closed = make_survey(access_mode="invitation", anonymised=False)
    url = reverse("surveys:respond_public", args=[closed.public_id])
    for response in (client.get(url), client.post(url, {"consent": "yes"})):
        assert response.status_code == 403
        with translation.override(closed.default_language):
            expected = gettext(
                "This survey is answered by personal invitation. "
                "Please use the link from your email."
            )
        assert expected in response.content.decode()
    assert not Response.objects.exists()
    client.get(reverse("surveys:respond_invitation", args=[inv.token_for(_invitation(closed))]))
    invited = client.post(
        reverse("surveys:respond_invited", args=[closed.public_id]), {"consent": "yes"}
    )
    assert invited.status_code == 302 and Response.objects.count() == 1
