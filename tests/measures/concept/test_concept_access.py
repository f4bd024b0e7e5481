"""Pages and API of the concept document, and who may do what (refusals on page and API,
including a member of another process)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from measures.concept import services
from measures.models import Chapter, ConceptVersion, GenerationJob
from participation.models import ProcessMembership
from tests.factories import ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member(process, role):
    user = UserFactory()
    ProcessMembership.objects.create(process=process, user=user, role=role)
    return user


@pytest.fixture
def version(concept_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.concept_generate(
            concept=concept_data.concept, user=concept_data.staff, variant="summary"
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job.version


@pytest.fixture
def people(concept_data):
    other = ProcessFactory()
    return {
        "facilitator": _member(concept_data.process, "facilitator"),
        "expert": _member(concept_data.process, "expert"),
        "other_staff": _member(other, "staff"),
    }


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- staff -----------------------------------------------------------------------------------


def test_staff_page_lists_chapters_and_edits_one(client, concept_data):
    client.force_login(concept_data.staff)
    pk = concept_data.process.pk
    response = client.get(reverse("measures:concept", args=[pk]))
    assert response.status_code == 200
    assert "Daten und Fakten" in response.content.decode()
    chapter = concept_data.concept.chapters.get(kind="foreword")
    url = reverse("measures:concept_chapter", args=[pk, chapter.pk])
    response = client.post(
        url, {"title": "", "text": "Liebe Leserinnen", "summary_text": "", "in_summary": "on"}
    )
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.text == "Liebe Leserinnen"
    response = client.post(
        reverse("measures:concept_chapter_move", args=[pk, chapter.pk]), {"direction": "down"}
    )
    assert response.status_code == 302
    assert Chapter.objects.get(pk=chapter.pk).order == 2


def test_staff_page_refuses_bad_generation_input_with_a_message(client, concept_data):
    client.force_login(concept_data.staff)
    response = client.post(
        reverse("measures:concept_generate", args=[concept_data.process.pk]),
        {"variant": "report", "year": "", "language": "de"},
    )
    assert response.status_code == 400
    assert "Berichtsjahr" in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_staff_generates_and_follows_progress(
    client, concept_data, django_capture_on_commit_callbacks
):
    client.force_login(concept_data.staff)
    pk = concept_data.process.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("measures:concept_generate", args=[pk]),
            {"variant": "summary", "language": "de"},
        )
    job = GenerationJob.objects.get()
    assert response.url == reverse("measures:concept_job", args=[pk, job.pk])
    data = client.get(response.url + "?format=json").json()
    assert data["status"] == "done" and data["progress"] == 100 and data["version"]
    page = client.get(response.url).content.decode()
    assert "PDF herunterladen" in page
    pdf = client.get(reverse("measures:concept_download", args=[pk, data["version"], "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_publish_asks_for_confirmation_then_public_reads(client, concept_data, version):
    client.force_login(concept_data.staff)
    pk = concept_data.process.pk
    url = reverse("measures:concept_publish", args=[pk, version.pk])
    assert "Ja, veröffentlichen" in client.get(url).content.decode()
    version.refresh_from_db()
    assert not version.published
    public = reverse("measures:concept_public_version", args=[pk, version.pk])
    client.logout()
    assert client.get(public).status_code == 404
    assert client.get(reverse("measures:concept_public", args=[pk])).status_code == 404
    client.force_login(concept_data.staff)
    client.post(url, {"published": "1"})
    client.logout()
    response = client.get(public)
    assert response.status_code == 200
    assert "Mehrsprachige" in response.content.decode()
    download = client.get(reverse("measures:concept_public_download", args=[pk, version.pk, "pdf"]))
    assert download.status_code == 200


def test_compare_page_lists_changes(
    client, concept_data, version, django_capture_on_commit_callbacks
):
    concept_data.measure.title = "Neuer Titel der Maßnahme"
    concept_data.measure.save()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.concept_generate(
            concept=concept_data.concept, user=concept_data.staff, variant="summary"
        )
    job.refresh_from_db()
    client.force_login(concept_data.staff)
    url = reverse("measures:concept_compare", args=[concept_data.process.pk])
    page = client.get(url, {"a": version.pk, "b": job.version_id}).content.decode()
    assert "Geänderte Maßnahmen" in page and "Neuer Titel der Maßnahme" in page
    assert client.get(url, {"a": "x", "b": "1"}).status_code == 400


# --- refusals: pages -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["facilitator", "expert", "other_staff"])
def test_page_refuses_editing_and_generating_to_non_staff(client, concept_data, people, who):
    client.force_login(people[who])
    pk = concept_data.process.pk
    chapter = concept_data.concept.chapters.first()
    assert client.get(reverse("measures:concept_chapter", args=[pk, chapter.pk])).status_code == 403
    response = client.post(
        reverse("measures:concept_chapter", args=[pk, chapter.pk]),
        {"title": "x", "text": "x", "summary_text": ""},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("measures:concept_generate", args=[pk]), {"variant": "full", "language": "de"}
    )
    assert response.status_code == 403
    assert client.get(reverse("measures:concept_summary", args=[pk])).status_code == 403
    assert not GenerationJob.objects.exists()
    assert Chapter.objects.get(pk=chapter.pk).text != "x"


@pytest.mark.parametrize("who", ["facilitator", "expert"])
def test_readers_see_published_versions_only(client, concept_data, people, version, who):
    client.force_login(people[who])
    pk = concept_data.process.pk
    url = reverse("measures:concept_version", args=[pk, version.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("measures:concept_download", args=[pk, version.pk, "pdf"])).status_code
        == 404
    )
    home = client.get(reverse("measures:concept", args=[pk]))
    assert home.status_code == 200 and "noch keine Version" in home.content.decode()
    services.version_publish(version=version, user=concept_data.staff, published=True)
    assert client.get(url).status_code == 200
    assert client.get(reverse("measures:concept_publish", args=[pk, version.pk])).status_code == 403


def test_member_of_another_process_reads_nothing(client, concept_data, people, version):
    services.version_publish(version=version, user=concept_data.staff, published=True)
    client.force_login(people["other_staff"])
    pk = concept_data.process.pk
    assert client.get(reverse("measures:concept", args=[pk])).status_code == 403
    assert client.get(reverse("measures:concept_version", args=[pk, version.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, concept_data):
    response = client.get(reverse("measures:concept", args=[concept_data.process.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- API -------------------------------------------------------------------------------------


def test_api_staff_edits_a_chapter_and_starts_a_job(
    concept_data, django_capture_on_commit_callbacks
):
    api = _api(concept_data.staff)
    chapters = api.get("/api/v1/concept-chapters/", {"process": concept_data.process.pk}).json()
    assert chapters["count"] == concept_data.concept.chapters.count()
    chapter_id = chapters["results"][0]["id"]
    response = api.patch(
        f"/api/v1/concept-chapters/{chapter_id}/", {"text": "# Vorwort"}, format="json"
    )
    assert response.status_code == 200 and response.json()["text"] == "# Vorwort"
    response = api.post(
        f"/api/v1/concept-chapters/{chapter_id}/move/", {"direction": "up"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "direction"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/concept-jobs/",
            {"process": concept_data.process.pk, "variant": "summary"},
            format="json",
        )
    assert response.status_code == 202
    job = api.get(f"/api/v1/concept-jobs/{response.json()['id']}/").json()
    assert job["status"] == "done" and job["progress"] == 100
    version = api.get(f"/api/v1/concept-versions/{job['version']}/").json()
    assert set(version["files"]) == {"pdf", "docx", "html"}
    assert version["pages"] >= 2 and len(version["fingerprint"]) == 64
    pdf = api.get(f"/api/v1/concept-versions/{job['version']}/files/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"


def test_api_rejects_bad_input_in_the_one_error_shape(concept_data):
    api = _api(concept_data.staff)
    response = api.post(
        "/api/v1/concept-jobs/",
        {"process": concept_data.process.pk, "variant": "report", "year": 1800},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "year"
    response = api.post(
        "/api/v1/concept-jobs/",
        {"process": concept_data.process.pk, "variant": "report"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "year"


@pytest.mark.parametrize("who", ["facilitator", "expert", "other_staff"])
def test_api_refuses_editing_and_generating_to_non_staff(concept_data, people, who):
    api = _api(people[who])
    chapter = concept_data.concept.chapters.first()
    response = api.patch(f"/api/v1/concept-chapters/{chapter.pk}/", {"text": "x"}, format="json")
    assert response.status_code in (403, 404)
    assert api.get("/api/v1/concept-chapters/").json()["count"] == 0
    response = api.post(
        "/api/v1/concept-jobs/",
        {"process": concept_data.process.pk, "variant": "full"},
        format="json",
    )
    assert response.status_code == 403
    assert not GenerationJob.objects.exists()
    assert Chapter.objects.get(pk=chapter.pk).text != "x"


@pytest.mark.parametrize("who", ["facilitator", "expert"])
def test_api_readers_see_published_versions_only(concept_data, people, version, who):
    api = _api(people[who])
    assert api.get("/api/v1/concept-versions/").json()["count"] == 0
    assert api.get(f"/api/v1/concept-versions/{version.pk}/files/pdf/").status_code == 404
    response = api.post(
        f"/api/v1/concept-versions/{version.pk}/publish/", {"published": True}, format="json"
    )
    assert response.status_code == 404
    services.version_publish(version=version, user=concept_data.staff, published=True)
    assert api.get("/api/v1/concept-versions/").json()["count"] == 1
    assert api.get(f"/api/v1/concept-versions/{version.pk}/files/pdf/").status_code == 200
    response = api.post(
        f"/api/v1/concept-versions/{version.pk}/publish/", {"published": False}, format="json"
    )
    assert response.status_code == 403
    assert ConceptVersion.objects.get(pk=version.pk).published


def test_api_other_process_staff_sees_no_versions(concept_data, people, version):
    services.version_publish(version=version, user=concept_data.staff, published=True)
    api = _api(people["other_staff"])
    assert api.get("/api/v1/concept-versions/").json()["count"] == 0
    assert api.get(f"/api/v1/concept-versions/{version.pk}/").status_code == 404
    assert api.get("/api/v1/concept-jobs/").json()["count"] == 0


def test_api_anonymous_is_refused(concept_data):
    assert APIClient().get("/api/v1/concept-versions/").status_code in (401, 403)


def test_openapi_schema_names_the_concept_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/concept-chapters/", "/api/v1/concept-jobs/", "/api/v1/concept-versions/"):
        assert path in schema
