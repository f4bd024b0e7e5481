"""Invitee lists: size and unpacked-size limits before anything is read."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Invitation


@pytest.mark.django_db
def test_invitee_list_bomb_is_refused(client, staff_user, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    client.force_login(staff_user)
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    response = client.post(
        reverse("surveys:invitation_import", args=[survey.pk]),
        {"file": SimpleUploadedFile("invitees.xlsx", xlsx.getvalue())},
    )
    assert "invitees.xlsx" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitee_list_is_imported_by_the_worker_with_progress(
    client, staff_user, make_survey, django_capture_on_commit_callbacks
):
    from surveys.models import InvitationImport

    survey = make_survey(access_mode="invitation", anonymised=False)
    client.force_login(staff_user)
    rows = "\n".join(f"p{n}@example.org;Person {n}" for n in range(450))
    upload = SimpleUploadedFile("invitees.csv", f"email;name\n{rows}\n".encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("surveys:invitation_import", args=[survey.pk]), {"file": upload}
        )
    job = InvitationImport.objects.get()
    status_url = reverse("surveys:invitation_import_status", args=[survey.pk, job.pk])
    assert response.status_code == 302 and response["Location"] == status_url
    # Nothing imported in the request; the page says it is waiting and reloads itself.
    assert not Invitation.objects.exists()
    waiting = client.get(status_url).content.decode()
    assert 'http-equiv="refresh"' in waiting
    for callback in callbacks:  # the worker (eager in tests)
        callback()
    job.refresh_from_db()
    assert job.status == "done" and job.total == 450 and job.created == 450
    assert Invitation.objects.count() == 450
    done = client.get(status_url).content.decode()
    assert "450" in done and 'http-equiv="refresh"' not in done
    # The stored file is gone; running the task again changes nothing.
    from django.core.files.storage import default_storage

    assert not default_storage.exists(job.storage_name)
    from surveys.tasks import import_invitations

    assert import_invitations(job.pk) == 0
    assert Invitation.objects.count() == 450


def test_bad_invitee_list_in_the_worker_writes_nothing_and_says_why(
    client, staff_user, make_survey, django_capture_on_commit_callbacks
):
    from surveys.models import InvitationImport

    survey = make_survey(access_mode="invitation", anonymised=False)
    client.force_login(staff_user)
    upload = SimpleUploadedFile("invitees.csv", b"email\na@example.org\nkeine-adresse\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invitation_import", args=[survey.pk]), {"file": upload})
    job = InvitationImport.objects.get()
    assert job.status == "failed" and not Invitation.objects.exists()
    page = client.get(reverse("surveys:invitation_import_status", args=[survey.pk, job.pk]))
    assert "Zeile 3" in page.content.decode()


def test_import_status_of_another_process_is_refused(client, make_survey, outsider):
    from surveys.models import InvitationImport

    survey = make_survey(access_mode="invitation", anonymised=False)
    job = InvitationImport.objects.create(survey=survey, filename="x.csv")
    client.force_login(outsider)
    url = reverse("surveys:invitation_import_status", args=[survey.pk, job.pk])
    assert client.get(url).status_code in (403, 404)


def test_lists_whose_import_never_started_are_removed(make_survey):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from surveys.models import InvitationImport
    from surveys.tasks import delete_abandoned_invitation_imports

    survey = make_survey(access_mode="invitation", anonymised=False)
    name = default_storage.save("pending/invitations/test-old", ContentFile(b"email\n"))
    job = InvitationImport.objects.create(survey=survey, filename="x.csv", storage_name=name)
    InvitationImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert delete_abandoned_invitation_imports() == 1
    job.refresh_from_db()
    assert job.status == "failed" and not default_storage.exists(name)


def test_invitee_import_through_the_api_runs_in_the_worker_and_is_scoped(
    api_client, staff_user, make_survey, outsider, make_member, django_capture_on_commit_callbacks
):
    from tests.factories import ProcessFactory

    survey = make_survey(access_mode="invitation", anonymised=False)
    api_client.force_authenticate(staff_user)
    rows = "\n".join(f"p{n}@example.org;Person {n}" for n in range(300))
    upload = SimpleUploadedFile("invitees.csv", f"email;name\n{rows}\n".encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = api_client.post(
            "/api/v1/survey-invitations/import/",
            {"survey": survey.pk, "file": upload},
            format="multipart",
        )
    assert queued.status_code == 202
    assert not Invitation.objects.exists()  # nothing read in the request
    url = queued.json()["url"]
    assert api_client.get(url).json()["status"] == "queued"
    for callback in callbacks:
        callback()
    done = api_client.get(url).json()
    assert (done["status"], done["created"], done["progress"]) == ("done", 300, 300)
    for stranger in (outsider, make_member(ProcessFactory(), "staff")):
        api_client.force_authenticate(stranger)
        assert api_client.get(url).status_code in (403, 404)
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code in (401, 403)
