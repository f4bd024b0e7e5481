"""Results API: result rows by role, bad input, export jobs (create, poll, download)."""

import pytest
from rest_framework.test import APIClient

from surveys.results import aggregation
from surveys.results.models import ExportJob
from tests.surveys.results_helpers import submit_random


@pytest.fixture
def counted(survey):
    for response in submit_random(survey, 30, seed=4):
        aggregation.results_add_response(response_id=response.pk)
    return survey


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_overview_and_question_rows(api, counted, staff_user, django_assert_max_num_queries):
    api.force_authenticate(staff_user)
    with django_assert_max_num_queries(20):
        response = api.get(f"/api/v1/surveys/{counted.pk}/results/")
    assert response.status_code == 200
    data = response.json()
    assert data["overview"]["responses"] == 30 and data["suppressed"] is False
    url = next(q["url"] for q in data["questions"] if q["code"] == "lang")
    assert url.endswith(f"/api/v1/surveys/{counted.pk}/results/v1/q/lang/")
    rows = api.get(url + "?by=q:resident").json()
    assert rows["n"] == 30 and rows["cross"]["groups"]
    assert sum(c["count"] for c in rows["choices"]) == 30


@pytest.mark.django_db
def test_facilitator_gets_suppressed_rows(api, counted, facilitator_user):
    api.force_authenticate(facilitator_user)
    data = api.get(f"/api/v1/surveys/{counted.pk}/results/v1/q/lang/?by=q:country").json()
    assert data["suppressed"] is False and data["min_count"] == 5
    for group in data["cross"]["groups"]:
        for cell in group["cells"]:
            assert cell["count"] is None or cell["count"] == 0 or cell["count"] >= 5


@pytest.mark.django_db
def test_bad_input_and_refusals(api, counted, staff_user, outsider, expert_user):
    assert api.get(f"/api/v1/surveys/{counted.pk}/results/").status_code in (401, 403)
    for user in (outsider, expert_user):
        api.force_authenticate(user)
        assert api.get(f"/api/v1/surveys/{counted.pk}/results/").status_code == 403
        assert api.get(f"/api/v1/surveys/{counted.pk}/results/v1/q/lang/").status_code == 403
        assert (
            api.post(f"/api/v1/surveys/{counted.pk}/exports/", {"format": "csv"}).status_code == 403
        )
    api.force_authenticate(staff_user)
    response = api.get(f"/api/v1/surveys/{counted.pk}/results/v1/q/lang/?by=nope")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "by"
    assert api.get(f"/api/v1/surveys/{counted.pk}/results/v1/q/nope/").status_code == 404
    assert api.get(f"/api/v1/surveys/{counted.pk}/results/?version=x").status_code == 400
    response = api.post(f"/api/v1/surveys/{counted.pk}/exports/", {"format": "pptx"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_export_job_create_poll_download(
    api, survey, staff_user, facilitator_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    submit_random(survey, 5, seed=9)
    api.force_authenticate(staff_user)
    response = api.post(
        f"/api/v1/surveys/{survey.pk}/exports/", {"format": "csv", "labels": True}, format="json"
    )
    assert response.status_code == 201
    job_id = response.json()["id"]
    poll = api.get(f"/api/v1/survey-exports/{job_id}/").json()
    assert poll["status"] == "done" and poll["progress"] == 100
    download = api.get(poll["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 6
    assert api.get(f"/api/v1/surveys/{survey.pk}/exports/").json()["count"] == 1
    api.force_authenticate(facilitator_user)
    assert api.get(f"/api/v1/survey-exports/{job_id}/").status_code == 403
    assert api.get(f"/api/v1/survey-exports/{job_id}/download/").status_code == 403


@pytest.mark.django_db
def test_free_texts_through_the_api_follow_the_small_group_rule(
    api, counted, staff_user, facilitator_user
):
    from participation.models import ProcessMembership
    from tests.factories import ProcessFactory, UserFactory

    url = f"/api/v1/surveys/{counted.pk}/results/v1/free-texts/comment/"
    api.force_authenticate(staff_user)
    listed = api.get(url)
    assert listed.status_code == 200
    texts = [row["text"] for row in listed.json()["results"]]
    assert texts and listed.json()["count"] == len(texts)
    assert listed.json()["small_group"] is False
    search = api.get(url, {"q": texts[0][:5]}).json()
    assert search["results"] and all(
        texts[0][:5].lower() in row["text"].lower() for row in search["results"]
    )
    # A group too small to publish lists nothing, whoever asks (as on the page).
    small = api.get(url, {"by": "q:lang", "group": "zz"}).json()
    assert small["small_group"] is True and small["results"] == [] and small["count"] == 0
    bad = api.get(url, {"by": "nope", "group": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "by"
    assert api.get(url.replace("comment", "nope")).status_code == 404
    # Without the raw-data right, and for staff of another process: refused.
    api.force_authenticate(facilitator_user)
    assert api.get(url).status_code == 403
    stranger = UserFactory()
    ProcessMembership.objects.create(process=ProcessFactory(), user=stranger, role="staff")
    api.force_authenticate(stranger)
    assert api.get(url).status_code == 403
