"""Exports in an S3-compatible object store: a worker writes the file through Django's storage,
any web process streams it back; housekeeping deletes old files. Against moto's real server."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.results.models import ExportJob
from surveys.results.services import export_job_create, exports_delete_old
from surveys.services.responses import response_submit

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _keys(client):
    listing = client.list_objects_v2(Bucket=client.bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture
def answered(survey):
    for satisfaction in (4, 2, 5):
        response_submit(
            survey=survey,
            client_id=uuid.uuid4(),
            answers={"lang": "de", "satisfaction": satisfaction},
            language="de",
        )
    return survey


def test_export_written_to_the_object_store_and_downloaded(
    answered, staff_user, client, s3_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(survey=answered, user=staff_user, format="csv")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    # In the bucket (read with boto3, not through Django), not on the local disk.
    assert _keys(s3_storage) == [job.file.name]
    body = s3_storage.get_object(Bucket=s3_storage.bucket, Key=job.file.name)["Body"].read()
    assert body.decode("utf-8-sig").count("\n") == 4  # header and three responses

    client.force_login(staff_user)
    url = reverse("surveys:results_export_download", args=[answered.pk, job.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == body
    assert "attachment" in response["Content-Disposition"]


def test_housekeeping_deletes_old_export_files_from_the_object_store(
    answered, staff_user, s3_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = export_job_create(survey=answered, user=staff_user, format="csv")
        new = export_job_create(survey=answered, user=staff_user, format="xlsx")
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=30))
    new.refresh_from_db()
    assert len(_keys(s3_storage)) == 2
    assert exports_delete_old(days=7) == 1
    assert _keys(s3_storage) == [new.file.name]
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_housekeeping_marks_interrupted_exports_as_failed(answered, staff_user, s3_storage):
    job = ExportJob.objects.create(survey=answered, format="csv", status="running")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=7))
    exports_delete_old(days=7)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error
