"""Progress report attachments: only through a permission-checked view, under random names."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from measures import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(adopted, staff, proc, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.reporting_link_create(
            user=staff,
            process=proc,
            organisation=org,
            contact_name="Frau Beispiel",
            contact_email="vhs@example.org",
        )


@pytest.fixture
def report(link, adopted):
    report = services.progress_report_submit(
        link=link,
        measure=adopted,
        progress=10,
        attachment=SimpleUploadedFile("bericht.pdf", b"%PDF-1.4 secret"),
    )
    yield report
    report.attachment.delete(save=False)


def test_attachment_is_served_only_to_readers_of_the_measure(
    client, api_client, report, adopted, staff, other_staff
):
    # Stored under 128 random bits, never under a guessable name.
    assert re.search(r"/[0-9a-f]{32}-bericht\.pdf$", report.attachment.name)
    url = reverse("measures:progress_attachment", args=[adopted.process_id, adopted.pk, report.pk])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(other_staff)
    assert client.get(url).status_code in (403, 404)
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
    assert response["Content-Disposition"] == 'attachment; filename="bericht.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("measures:measure_detail", args=[adopted.process_id, adopted.pk]))
    assert url in page.content.decode() and "/media/" not in page.content.decode()
    api_client.force_authenticate(staff)
    listed = api_client.get(f"/api/v1/measures/{adopted.pk}/progress-reports/").json()
    assert [r["attachment"] for r in listed] == [url]


def test_no_media_url_is_served(report):
    for path in (f"/media/{report.attachment.name}", "/media/survey_exports/x.csv"):
        with pytest.raises(Resolver404):
            resolve(path)
