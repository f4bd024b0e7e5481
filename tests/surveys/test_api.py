import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import ratelimit
from surveys.models import Answer, Invitation, Response
from surveys.services import invitations as inv

pytestmark = pytest.mark.django_db

WHOLE = {
    "lang": "uk",
    "uk_since": 2022,
    "topics": ["work", "other"],
    "topics_other": "Sprachkurs",
    "resident": True,
    "satisfaction": "dont_know",
    "grid": {"r1": "good", "r2": "bad"},
    "rank": ["b", "a"],
    "share": 12.5,
    "zip": "33330",
    "arrived": "2022-03-10",
    "uk_help": "no",
}


def submit(api_client, survey, answers, **extra):
    payload = {
        "survey": survey.public_id,
        "client_id": str(extra.pop("client_id", uuid.uuid4())),
        "language": "de",
        "answers": answers,
        **extra,
    }
    return api_client.post("/api/v1/survey-responses/", payload, format="json")


def test_public_structure(api_client, survey, make_survey):
    data = api_client.get(f"/api/v1/public-surveys/{survey.public_id}/").json()
    assert [s["code"] for s in data["sections"]] == ["p1", "p2", "p3"]
    lang = data["sections"][0]["questions"][1]
    assert lang["code"] == "lang" and lang["choices"][1]["code"] == "uk"
    draft = make_survey(status="draft")
    assert api_client.get(f"/api/v1/public-surveys/{draft.public_id}/").status_code == 403


def test_whole_response_and_idempotent_retry(api_client, survey, django_assert_max_num_queries):
    client_id = uuid.uuid4()
    with django_assert_max_num_queries(10):
        first = submit(api_client, survey, WHOLE, client_id=client_id)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "complete" and first.json()["resume_code"] is None
    count = Answer.objects.count()
    retry = submit(api_client, survey, WHOLE, client_id=client_id)
    assert retry.status_code == 200 and retry.json()["client_id"] == str(client_id)
    assert Response.objects.count() == 1 and Answer.objects.count() == count
    assert Answer.objects.get(question__code="rank", choice="b").value_number == 1


def test_hidden_answers_are_dropped(api_client, survey):
    response = submit(api_client, survey, {**WHOLE, "lang": "de"})
    assert response.status_code == 201, response.content
    codes = set(Answer.objects.values_list("question__code", flat=True))
    assert "uk_since" not in codes and "uk_help" not in codes and "lang" in codes


def test_validation_errors_name_the_question(api_client, survey):
    bad = submit(
        api_client,
        survey,
        {**WHOLE, "uk_since": 1800, "zip": "x", "grid": {"r9": "good"}, "satisfaction": None},
    )
    assert bad.status_code == 400
    fields = {e["field"]: e for e in bad.json()["errors"]}
    assert set(fields) == {
        "answers.uk_since",
        "answers.zip",
        "answers.grid",
        "answers.satisfaction",
    }
    assert fields["answers.satisfaction"]["code"] == "required"
    assert "1950" in fields["answers.uk_since"]["message"]
    unknown = submit(api_client, survey, {**WHOLE, "nope": 1})
    assert [e["field"] for e in unknown.json()["errors"]] == ["answers.nope"]
    missing = api_client.post(
        "/api/v1/survey-responses/", {"survey": survey.public_id}, format="json"
    )
    assert {"client_id", "answers"} <= {e["field"] for e in missing.json()["errors"]}
    assert not Response.objects.exists()


def test_page_by_page(api_client, survey):
    client_id = uuid.uuid4()
    page1 = submit(
        api_client, survey, {"lang": "de"}, client_id=client_id, section="p1", complete=False
    )
    assert page1.status_code == 201, page1.content
    assert page1.json()["next_section"] == "p2" and page1.json()["resume_code"]
    again = submit(
        api_client, survey, {"lang": "de"}, client_id=client_id, section="p1", complete=False
    )
    assert again.status_code == 200 and Response.objects.count() == 1
    incomplete = submit(api_client, survey, {"zip": "33330"}, client_id=client_id, section="p2")
    assert incomplete.status_code == 400
    assert incomplete.json()["errors"][0]["field"] == "answers.satisfaction"
    done = submit(api_client, survey, {"satisfaction": 5}, client_id=client_id, section="p2")
    assert done.status_code == 200 and done.json()["status"] == "complete"


def test_closed_survey_refuses(api_client, survey):
    survey.status = "closed"
    survey.save()
    assert submit(api_client, survey, WHOLE).status_code == 403
    assert not Response.objects.exists()


def test_invitation_survey_needs_valid_token(api_client, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    assert submit(api_client, survey, WHOLE).status_code == 400
    assert submit(api_client, survey, WHOLE, token="bogus").status_code == 400
    inv.invitations_import(survey=survey, user=None, rows=[{"email": "a@example.org"}])
    invitation = Invitation.objects.get()
    token = inv.token_for(invitation)
    ok = submit(api_client, survey, WHOLE, token=token)
    assert ok.status_code == 201, ok.content
    assert Response.objects.get().invitation == invitation
    used = submit(api_client, survey, WHOLE, token=token)
    assert used.status_code == 403
    assert Response.objects.count() == 1


def test_staff_reads_responses_others_refused(
    api_client, survey, staff_user, facilitator_user, outsider, django_assert_max_num_queries
):
    for _ in range(3):
        submit(api_client, survey, WHOLE)
    assert api_client.get("/api/v1/survey-responses/").status_code in (401, 403)
    for user in (facilitator_user, outsider):
        api_client.force_authenticate(user)
        assert api_client.get("/api/v1/survey-responses/").json()["count"] == 0
        one = Response.objects.first()
        assert api_client.get(f"/api/v1/survey-responses/{one.pk}/").status_code in (403, 404)
    api_client.force_authenticate(staff_user)
    with django_assert_max_num_queries(8):
        listing = api_client.get(f"/api/v1/survey-responses/?survey={survey.pk}").json()
    assert listing["count"] == 3
    detail = api_client.get(f"/api/v1/survey-responses/{listing['results'][0]['id']}/").json()
    assert {
        "question": "zip",
        "row": "",
        "choice": "",
        "value_text": "33330",
        "value_number": None,
        "value_date": None,
    } in detail["answers"]


def test_survey_structure_for_staff(
    api_client, survey, staff_user, outsider, django_assert_max_num_queries
):
    api_client.force_authenticate(outsider)
    assert api_client.get("/api/v1/surveys/").json()["count"] == 0
    assert api_client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 404
    api_client.force_authenticate(staff_user)
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/v1/surveys/").json()["count"] == 1
    detail = api_client.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert detail["version"] == 1 and len(detail["sections"]) == 3


def test_invitations_api(
    api_client,
    make_survey,
    staff_user,
    facilitator_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    survey = make_survey(access_mode="invitation", anonymised=False)
    api_client.force_authenticate(facilitator_user)
    refused = api_client.post(
        "/api/v1/survey-invitations/",
        {"survey": survey.pk, "email": "x@example.org"},
        format="json",
    )
    assert refused.status_code == 403
    assert api_client.post(f"/api/v1/surveys/{survey.pk}/send-invitations/", {}).status_code == 403
    api_client.force_authenticate(staff_user)
    created = api_client.post(
        "/api/v1/survey-invitations/",
        {
            "survey": survey.pk,
            "email": "x@example.org",
            "name": "X",
            "language": "en",
            "target_group": "ukraine",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert "token" not in created.json() and "token_hash" not in created.json()
    bad = api_client.post(
        "/api/v1/survey-invitations/",
        {"survey": survey.pk, "email": "nope", "language": "xx"},
        format="json",
    )
    assert bad.status_code == 400
    csv = SimpleUploadedFile(
        "people.csv", b"email;name;language\nb@example.org;B;de\nx@example.org;X;en\n"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the worker (eager in tests)
        queued = api_client.post(
            "/api/v1/survey-invitations/import/",
            {"survey": survey.pk, "file": csv},
            format="multipart",
        )
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    report = api_client.get(queued.json()["url"])
    assert report.status_code == 200 and report.json()["status"] == "done"
    assert report.json()["created"] == 1 and report.json()["total"] == 2
    assert len(report.json()["messages"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        queued = api_client.post(
            f"/api/v1/surveys/{survey.pk}/send-invitations/", {}, format="json"
        )
    assert queued.json() == {"queued": 2}
    assert len(mailoutbox) == 2
    english = next(m for m in mailoutbox if m.to == ["x@example.org"])
    assert "Invitation" in english.subject
    listing = api_client.get(f"/api/v1/survey-invitations/?survey={survey.pk}").json()
    assert all(item["sent_at"] for item in listing["results"])


@pytest.mark.django_db
def test_api_submissions_are_refused_over_the_rate_per_client_address(api_client, survey, settings):
    """The API's submit limit counts on the same counter as the pages: over the rate, 429 in
    the API's JSON error shape with Retry-After; another address is not affected."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "survey_submit": "2/minute",
        },
    }
    from django.core.cache import cache

    cache.clear()  # counts of earlier tests in this minute
    assert [submit(api_client, survey, WHOLE).status_code for _ in range(2)] == [201, 201]
    refused = submit(api_client, survey, WHOLE)
    assert refused.status_code == 429
    body = refused.json()
    assert body["detail"] and body["errors"][0]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert ratelimit.hits("survey_submit", "127.0.0.1", 60) == 3
    other = api_client.post(
        "/api/v1/survey-responses/",
        {
            "survey": survey.public_id,
            "client_id": str(uuid.uuid4()),
            "language": "de",
            "answers": WHOLE,
        },
        format="json",
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 201, other.content
