"""Uploads waiting for the mapping step live in Django's storage, so the web process that
shows the mapping may run on another host: tested against a real S3-compatible server."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import services
from monitoring.models import Area, Value

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

DATA = (
    "\ufeffYear,Nationalität,GeoCode,Value\n"
    "2023,Deutsche,K05754,100\n2023,Ausländerinnen und Ausländer,K05754,20\n"
).encode("utf-8")


def _keys(client):
    listing = client.list_objects_v2(Bucket=client.bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_pending_open_sdg_upload_kept_in_the_object_store(
    client, lower_saxony, mprocess, member, s3_storage
):
    client.force_login(member("staff"))
    response = client.post(
        reverse("monitoring:imports", args=[mprocess.pk]),
        {"file": SimpleUploadedFile("indicator_7-7-7.csv", DATA), "format": "auto"},
    )
    assert response.status_code == 302 and "/check/" in response["Location"]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert _keys(s3_storage) == [f"{services.PENDING_DIR}/{token}"]

    page = client.get(response["Location"])  # read back from the bucket
    assert "Nationalität" in page.content.decode()
    form = page.context["form"]
    _column, role_field, value_fields = form.columns[0]
    post = {role_field: "target_group"}
    for name, value in value_fields:
        post[name] = "immigrants" if value.startswith("Ausl") else ""
    post.update(
        ind_0_name="Beschäftigte",
        ind_0_area=Area.objects.get(code="work").pk,
        ind_0_kind="count",
        ind_0_direction="1",
    )
    assert client.post(response["Location"], post).status_code == 302
    assert Value.objects.get(target_group__code="immigrants").value == 20
    assert _keys(s3_storage) == []  # imported: the pending file is gone


def test_housekeeping_deletes_abandoned_uploads(s3_storage, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save(f"{services.PENDING_DIR}/abandoned", ContentFile(DATA))
    assert services.pending_uploads_delete_abandoned(hours=1) == 0  # still fresh
    assert services.pending_uploads_delete_abandoned(hours=-1) == 1
    assert _keys(s3_storage) == []
    assert services.pending_uploads_delete_abandoned(hours=1) == 0  # nothing left, no error


def test_housekeeping_on_local_files(tmp_path, settings, db):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    assert services.pending_uploads_delete_abandoned(hours=1) == 0  # no folder yet
    default_storage.save(f"{services.PENDING_DIR}/abandoned", ContentFile(DATA))
    assert services.pending_uploads_delete_abandoned(hours=-1) == 1
    assert not list((tmp_path / services.PENDING_DIR).iterdir())
