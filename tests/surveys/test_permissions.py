import uuid

import pytest

from surveys.models import Response

pytestmark = pytest.mark.django_db

PERMS = [
    "surveys.view_survey",
    "surveys.add_survey",
    "surveys.change_survey",
    "surveys.manage_invitations",
    "surveys.view_responses",
    "surveys.test_survey",
]


@pytest.mark.parametrize("perm", PERMS)
def test_rules(perm, survey, staff_user, facilitator_user, expert_user, outsider):
    assert staff_user.has_perm(perm, survey)
    assert staff_user.has_perm(perm, survey.process)
    assert not expert_user.has_perm(perm, survey)
    assert not outsider.has_perm(perm, survey)
    assert facilitator_user.has_perm(perm, survey) is (perm == "surveys.view_survey")


def test_api_test_mode_needs_permission(api_client, make_survey, outsider, staff_user):
    survey = make_survey(status="draft")
    payload = {
        "survey": survey.public_id,
        "client_id": str(uuid.uuid4()),
        "test": True,
        "answers": {"lang": "de", "satisfaction": 2},
    }
    assert api_client.post("/api/v1/survey-responses/", payload, format="json").status_code in (
        401,
        403,
    )
    api_client.force_authenticate(outsider)
    assert api_client.post("/api/v1/survey-responses/", payload, format="json").status_code == 403
    assert not Response.objects.exists()
    api_client.force_authenticate(staff_user)
    ok = api_client.post("/api/v1/survey-responses/", payload, format="json")
    assert ok.status_code == 201, ok.content
    assert Response.objects.get().is_test
