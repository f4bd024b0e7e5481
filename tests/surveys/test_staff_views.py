import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participation.dashboard import phase_counts
from surveys.models import Invitation, Survey
from surveys.services import responses as resp
from tests.factories import PersonFactory, PhaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_survey(make_survey):
    return make_survey(access_mode="invitation", anonymised=False)


def test_staff_pages(client, expert_survey, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        index = client.get(reverse("surveys:survey_index"))
    assert str(expert_survey) in index.content.decode()
    detail = client.get(reverse("surveys:survey_detail", args=[expert_survey.pk]))
    assert detail.status_code == 200 and "Einladungen" in detail.content.decode()
    with django_assert_max_num_queries(15):
        page = client.get(reverse("surveys:invitation_list", args=[expert_survey.pk]))
    assert page.status_code == 200


def test_import_and_invite_from_directory(
    client, expert_survey, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    url = reverse("surveys:invitation_import", args=[expert_survey.pk])
    good = SimpleUploadedFile("x.csv", b"email;name\na@example.org;A\n")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"file": good}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"email\nnope\n")})
    assert bad.status_code == 302
    assert "Zeile 2" in client.get(bad["Location"]).content.decode()
    person = PersonFactory()
    person.processes.add(expert_survey.process)
    people = reverse("surveys:invitation_people", args=[expert_survey.pk])
    assert client.post(people, {"people": [person.pk]}).status_code == 302
    assert client.post(people, {}).status_code == 400
    assert Invitation.objects.count() == 2


def test_transition_page(client, make_survey, staff_user):
    survey = make_survey(status="draft")
    client.force_login(staff_user)
    url = reverse("surveys:survey_transition", args=[survey.pk])
    # Opening shows the checklist first and changes nothing.
    checklist = client.post(url, {"to": "open"})
    assert checklist.status_code == 200 and "data-confirm-box" in checklist.content.decode()
    survey.refresh_from_db()
    assert survey.status == "draft"
    client.post(url, {"to": "open", "confirmed": "yes"})
    survey.refresh_from_db()
    assert survey.status == "open"
    client.post(url, {"to": "draft", "confirmed": "yes"})
    survey.refresh_from_db()
    assert survey.status == "open"


@pytest.mark.parametrize("who", ["facilitator_user", "outsider", "expert_user"])
def test_refused_without_permission(client, expert_survey, who, request):
    client.force_login(request.getfixturevalue(who))
    for name in ("invitation_list",):
        assert client.get(reverse(f"surveys:{name}", args=[expert_survey.pk])).status_code == 403
    for name in ("survey_transition", "invitation_send", "invitation_import", "invitation_people"):
        response = client.post(
            reverse(f"surveys:{name}", args=[expert_survey.pk]), {"to": "closed"}
        )
        assert response.status_code == 403
    expert_survey.refresh_from_db()
    assert expert_survey.status == "open" and not Invitation.objects.exists()
    detail = client.get(reverse("surveys:survey_detail", args=[expert_survey.pk])).status_code
    assert detail == (200 if who == "facilitator_user" else 403)


def test_anonymous_is_sent_to_login(client, expert_survey):
    response = client.get(reverse("surveys:survey_detail", args=[expert_survey.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_counts_survey_phase(process, make_survey):
    import uuid

    phase = PhaseFactory(process=process)
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(phase=phase)
    resp.response_submit(
        survey=survey, client_id=uuid.uuid4(), answers={"lang": "de", "satisfaction": 3}
    )
    resp.response_submit(
        survey=survey, client_id=uuid.uuid4(), answers={"lang": "de"}, section="p1", complete=False
    )
    phase.refresh_from_db()
    figures = dict(phase_counts(phase))
    assert figures["Abgeschlossene Antworten"] == 1 and figures["Begonnene Antworten"] == 1


def test_admin_is_read_only(client, survey, django_user_model):
    import uuid

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    resp.response_submit(
        survey=survey, client_id=uuid.uuid4(), answers={"lang": "de", "satisfaction": 3}
    )
    client.force_login(admin)
    for model in ("survey", "response", "invitation"):
        assert client.get(f"/admin/surveys/{model}/").status_code == 200
        assert client.get(f"/admin/surveys/{model}/add/").status_code == 403
