"""Interviews, the guide, the code system and coding: services, pages, API, refusals."""

import io
from datetime import date

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from participation.interviews import services
from participation.interviews.transcripts import (
    TranscriptFileError,
    read_transcript,
    segments,
)
from participation.models import (
    Code,
    CodedPassage,
    FieldOfAction,
    GuideQuestion,
    Interview,
    Statement,
    TargetGroup,
)
from tests.factories import PersonFactory
from tests.participation.factories import TRANSCRIPT, CodeFactory, InterviewFactory

pytestmark = pytest.mark.django_db

MESSAGES = {
    "too_large": "large {name} {limit}",
    "extension": "ext {name} {ext}",
    "empty": "empty {name}",
    "docx": "docx {name}",
    "encoding": "enc {name}",
}


def _docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- pure helpers -------------------------------------------------------------------------


def test_read_transcript_txt_docx_and_refusals():
    assert (
        read_transcript("a.txt", b"Hallo\r\n\r\n\r\nWelt ", max_bytes=100, messages=MESSAGES)
        == "Hallo\n\nWelt"
    )
    assert (
        read_transcript("a.txt", "Grüße".encode("cp1252"), max_bytes=100, messages=MESSAGES)
        == "Grüße"
    )
    assert (
        read_transcript(
            "b.DOCX", _docx_bytes("Erster", "Zweiter"), max_bytes=10**6, messages=MESSAGES
        )
        == "Erster\n\nZweiter"
    )
    with pytest.raises(TranscriptFileError, match="ext c.pdf .pdf"):
        read_transcript("c.pdf", b"%PDF", max_bytes=100, messages=MESSAGES)
    with pytest.raises(TranscriptFileError, match="large"):
        read_transcript("d.txt", b"x" * 101, max_bytes=100, messages=MESSAGES)
    with pytest.raises(TranscriptFileError, match="docx e.docx"):
        read_transcript("e.docx", b"not a zip", max_bytes=100, messages=MESSAGES)
    with pytest.raises(TranscriptFileError, match="empty"):
        read_transcript("f.txt", b"  \n ", max_bytes=100, messages=MESSAGES)


def test_segments_have_offsets_into_the_text():
    result = segments(TRANSCRIPT)
    assert [s.number for s in result[:3]] == ["1.1", "2.1", "2.2"]
    for s in result:
        assert TRANSCRIPT[s.start : s.end] == s.text
    assert result[2].text == "Der Sprachkurs hatte eine lange Warteliste."


# --- interviews ---------------------------------------------------------------------------


def test_transcript_needs_recorded_consent(process, staff_user, facilitator_user):
    with pytest.raises(ValidationError) as exc:
        services.interview_save(
            process=process,
            user=staff_user,
            held_on=date(2025, 3, 1),
            facilitator=facilitator_user,
            interviewee_pseudonym="I-01",
            transcript="Text",
        )
    assert "transcript" in exc.value.error_dict
    assert not Interview.objects.exists()
    interview = services.interview_save(
        process=process,
        user=staff_user,
        held_on=date(2025, 3, 1),
        facilitator=facilitator_user,
        interviewee_pseudonym="I-01",
    )
    assert interview.pk and interview.transcript == ""


def test_interviewee_is_person_or_pseudonym_and_facilitator_in_process(
    process, staff_user, facilitator_user, outsider
):
    base = {"process": process, "user": staff_user, "held_on": date(2025, 3, 1)}
    with pytest.raises(ValidationError):
        services.interview_save(
            **base,
            facilitator=facilitator_user,
            interviewee=PersonFactory(),
            interviewee_pseudonym="I-1",
        )
    with pytest.raises(ValidationError):
        services.interview_save(**base, facilitator=facilitator_user)
    with pytest.raises(ValidationError) as exc:
        services.interview_save(**base, facilitator=outsider, interviewee_pseudonym="I-1")
    assert "facilitator" in exc.value.error_dict
    assert not Interview.objects.exists()
    person = PersonFactory()
    person.processes.add(process)
    interview = services.interview_save(**base, facilitator=facilitator_user, interviewee=person)
    assert interview.interviewee_label == person.pseudonym


def _coded(process, facilitator, **kwargs):
    interview = InterviewFactory(process=process, facilitator=facilitator, **kwargs)
    code = CodeFactory(process=process, field_of_action=FieldOfAction.objects.get(code="language"))
    start = interview.transcript.index("Der Sprachkurs")
    passage = services.passage_code(
        interview=interview,
        user=facilitator,
        start=start - 1,
        end=start + 43,
        codes=[code],
        memo="Wartezeit",
        kind="problem",
    )
    return interview, code, passage


def test_coding_a_passage_creates_a_statement(process, facilitator_user):
    tg = TargetGroup.objects.get(code="ukraine")
    interview, code, passage = _coded(process, facilitator_user, target_group=tg)
    assert passage.text == "Der Sprachkurs hatte eine lange Warteliste."  # whitespace trimmed
    statement = Statement.objects.get()
    assert statement.source == passage and statement.kind == "problem"
    assert statement.text == passage.text and statement.author == facilitator_user
    assert list(statement.target_groups.all()) == [tg]
    assert list(statement.fields_of_action.values_list("code", flat=True)) == ["language"]
    assert interview.interviewee_pseudonym in statement.source_label


def test_transcript_cannot_change_once_coded(process, staff_user, facilitator_user):
    interview, _code, _p = _coded(process, facilitator_user)
    with pytest.raises(ValidationError) as exc:
        services.interview_save(
            process=process, user=staff_user, interview=interview, transcript="Neu"
        )
    assert "transcript" in exc.value.error_dict
    services.interview_save(process=process, user=staff_user, interview=interview, notes="ok")


@pytest.mark.parametrize(
    "start, end, codes, field",
    [(10, 5, True, "end"), (0, 10_000, True, "end"), (0, 10, False, "codes")],
)
def test_passage_code_refuses_bad_passages(process, facilitator_user, start, end, codes, field):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    code = CodeFactory(process=process)
    with pytest.raises(ValidationError) as exc:
        services.passage_code(
            interview=interview,
            user=facilitator_user,
            start=start,
            end=end,
            codes=[code] if codes else [],
        )
    assert field in exc.value.error_dict
    assert not CodedPassage.objects.exists() and not Statement.objects.exists()


def test_passage_code_refuses_codes_of_other_process_and_unassigned_facilitator(
    process, facilitator_user, make_member
):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    with pytest.raises(ValidationError):
        services.passage_code(
            interview=interview, user=facilitator_user, start=0, end=5, codes=[CodeFactory()]
        )
    other = make_member(process, "facilitator")
    with pytest.raises(PermissionDenied):
        services.passage_code(
            interview=interview, user=other, start=0, end=5, codes=[CodeFactory(process=process)]
        )
    assert not CodedPassage.objects.exists()


def test_deleting_passage_or_interview_removes_statements(process, staff_user, facilitator_user):
    interview, _code, passage = _coded(process, facilitator_user)
    services.passage_delete(passage=passage, user=facilitator_user)
    assert not Statement.objects.exists()
    _i, _c, _p = _coded(process, facilitator_user)
    services.interview_delete(interview=_i, user=staff_user)
    assert not Statement.objects.exists() and not CodedPassage.objects.exists()


def test_code_system_seed_and_hierarchy(process, staff_user):
    created = services.code_system_seed(process=process, user=staff_user)
    assert len(created) == process.fields_of_action.count()
    assert services.code_system_seed(process=process, user=staff_user) == []
    top = created[0]
    child = services.code_save(
        process=process, user=staff_user, name="Warteliste", parent=top, field_of_action=None
    )
    assert child.field_of_action == top.field_of_action  # inherited
    with pytest.raises(ValidationError):
        services.code_save(process=process, user=staff_user, code=top, parent=child)
    with pytest.raises(ValidationError):
        services.code_save(process=process, user=staff_user, name="Warteliste", parent=top)
    with pytest.raises(ValidationError):
        services.code_delete(code=top, user=staff_user)
    services.code_delete(code=child, user=staff_user)


# --- pages --------------------------------------------------------------------------------


def test_staff_creates_interview_with_docx_upload(client, process, staff_user, facilitator_user):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("interview.docx", _docx_bytes("I: Frage?", "B: Antwort."))
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": facilitator_user.pk,
            "interviewee_pseudonym": "I-09",
            "consent_given_on": "2025-03-04",
            "consent_scope": "Transkript",
            "text_kind": "transcript",
            "upload": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()
    interview = Interview.objects.get()
    assert interview.transcript == "I: Frage?\n\nB: Antwort."
    assert interview.transcript_filename == "interview.docx"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.pdf", b"%PDF-1.4", ".pdf"),
        ("broken.docx", b"nope", "Word"),
    ],
)
def test_upload_of_other_files_is_refused_clearly(
    client, process, staff_user, facilitator_user, name, content, message
):
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": facilitator_user.pk,
            "interviewee_pseudonym": "I-09",
            "consent_given_on": "2025-03-04",
            "consent_scope": "Transkript",
            "text_kind": "transcript",
            "upload": SimpleUploadedFile(name, content),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode() and name in response.content.decode()
    assert not Interview.objects.exists()


def test_upload_too_large(client, process, staff_user, facilitator_user, settings, monkeypatch):
    from participation.interviews import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": facilitator_user.pk,
            "interviewee_pseudonym": "I-09",
            "consent_given_on": "2025-03-04",
            "consent_scope": "Transkript",
            "text_kind": "transcript",
            "upload": SimpleUploadedFile("long.txt", b"x" * 50),
        },
    )
    assert response.status_code == 400 and "long.txt" in response.content.decode()
    assert not Interview.objects.exists()


def test_web_form_refuses_transcript_without_consent(client, process, staff_user, facilitator_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": facilitator_user.pk,
            "interviewee_pseudonym": "I-09",
            "text_kind": "transcript",
            "transcript": "Text",
        },
    )
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert not Interview.objects.exists()


def test_facilitator_may_only_record_for_themselves(client, process, facilitator_user, make_member):
    other = make_member(process, "facilitator")
    client.force_login(facilitator_user)
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": other.pk,
            "interviewee_pseudonym": "I-1",
            "text_kind": "transcript",
        },
    )
    assert response.status_code == 400 and not Interview.objects.exists()


def test_facilitator_codes_assigned_interview_by_sentences(client, process, facilitator_user):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    code = CodeFactory(process=process)
    client.force_login(facilitator_user)
    url = interview.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and 'data-start="' in page.content.decode()
    response = client.post(
        url, {"start_segment": "2.2", "end_segment": "4.1", "codes": [code.pk], "kind": "need"}
    )
    assert response.status_code == 302
    passage = CodedPassage.objects.get()
    assert passage.text.startswith("Der Sprachkurs") and passage.text.endswith("anerkannt.")
    assert Statement.objects.get().kind == "need"
    listing = client.get(reverse("participation:statement_list")).content.decode()
    assert "Der Sprachkurs hatte" in listing


def test_coding_by_offsets_and_bad_input(client, process, facilitator_user):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    code = CodeFactory(process=process)
    client.force_login(facilitator_user)
    url = interview.get_absolute_url()
    bad = client.post(url, {"start": 20, "end": 5, "codes": [code.pk], "kind": "other"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    missing = client.post(url, {"codes": [code.pk], "kind": "other"})
    assert missing.status_code == 400
    assert not CodedPassage.objects.exists()
    ok = client.post(url, {"start": 0, "end": 26, "codes": [code.pk], "kind": "other"})
    assert ok.status_code == 302
    assert CodedPassage.objects.get().text == "I: Wie sind Sie angekommen?"[:26]


def test_facilitator_cannot_open_or_code_others_interviews(
    client, process, facilitator_user, make_member
):
    other = make_member(process, "facilitator")
    interview = InterviewFactory(process=process, facilitator=other)
    code = CodeFactory(process=process)
    client.force_login(facilitator_user)
    url = interview.get_absolute_url()
    assert client.get(url).status_code == 403
    assert client.post(url, {"start": 0, "end": 5, "codes": [code.pk]}).status_code == 403
    assert (
        client.get(
            reverse("participation:interview_edit", args=[process.pk, interview.pk])
        ).status_code
        == 403
    )
    listing = client.get(reverse("participation:interview_list", args=[process.pk]))
    assert interview.interviewee_pseudonym not in listing.content.decode()
    assert not CodedPassage.objects.exists()


def test_staff_sees_all_interviews(client, process, staff_user, facilitator_user):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    client.force_login(staff_user)
    assert client.get(interview.get_absolute_url()).status_code == 200
    listing = client.get(reverse("participation:interview_list", args=[process.pk]))
    assert interview.interviewee_pseudonym in listing.content.decode()


@pytest.mark.parametrize("who", ["expert_user", "outsider"])
def test_interview_pages_refused_without_role(client, process, facilitator_user, who, request):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    client.force_login(request.getfixturevalue(who))
    for url in [
        reverse("participation:interview_list", args=[process.pk]),
        reverse("participation:interview_create", args=[process.pk]),
        interview.get_absolute_url(),
        reverse("participation:code_list", args=[process.pk]),
        reverse("participation:coding_overview", args=[process.pk]),
        reverse("participation:passage_export", args=[process.pk, "csv"]),
    ]:
        assert client.get(url).status_code == 403, url


def test_only_staff_edit_guide_and_code_system(client, process, staff_user, facilitator_user):
    client.force_login(facilitator_user)
    for name in ["guide_question_create", "code_create"]:
        assert client.get(reverse(f"participation:{name}", args=[process.pk])).status_code == 403
    assert client.post(reverse("participation:code_seed", args=[process.pk])).status_code == 403
    assert (
        client.get(reverse("participation:coding_overview", args=[process.pk])).status_code == 403
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:guide_question_create", args=[process.pk]),
        {"text": "Wie sind Sie angekommen?"},
    )
    assert response.status_code == 302
    assert GuideQuestion.objects.get().order == 1
    bad = client.post(
        reverse("participation:guide_question_create", args=[process.pk]),
        {"text": "Zweite", "order": 1},
    )
    assert bad.status_code == 400 and GuideQuestion.objects.count() == 1
    client.post(reverse("participation:code_seed", args=[process.pk]))
    assert Code.objects.filter(process=process).count() == process.fields_of_action.count()
    bad = client.post(reverse("participation:code_create", args=[process.pk]), {"name": ""})
    assert bad.status_code == 400


def test_coding_overview_chart_table_and_quotes(
    client, process, staff_user, facilitator_user, django_assert_max_num_queries
):
    tg = TargetGroup.objects.get(code="ukraine")
    interview, code, passage = _coded(process, facilitator_user, target_group=tg)
    client.force_login(staff_user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("participation:coding_overview", args=[process.pk]))
    body = response.content.decode()
    assert "<svg" in body and "<table" in body and code.name in body
    assert body.index("<svg") < body.index("<table")  # the table sits under the chart
    filtered = client.get(
        reverse("participation:coding_overview", args=[process.pk]),
        {"target_group": TargetGroup.objects.get(code="cse-europe").pk},
    )
    assert "<svg" not in filtered.content.decode()
    quotes = client.get(reverse("participation:code_quotes", args=[process.pk, code.pk]))
    assert passage.text in quotes.content.decode()
    assert interview.interviewee_label in quotes.content.decode()


def test_passage_exports_use_pseudonyms(client, process, staff_user, facilitator_user):
    person = PersonFactory(first_name="Olena", last_name="Koval")
    interview = InterviewFactory(
        process=process,
        facilitator=facilitator_user,
        interviewee=person,
        interviewee_pseudonym="",
        transcript="B: Ich bin Olena Koval. Frau Koval spricht gut.",
    )
    code = CodeFactory(process=process)
    services.passage_code(
        interview=interview,
        user=facilitator_user,
        start=3,
        end=len(interview.transcript),
        codes=[code],
        memo="Olena erzählt",
    )
    client.force_login(staff_user)
    csv_text = client.get(
        reverse("participation:passage_export", args=[process.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert "Olena" not in csv_text and "Koval" not in csv_text
    assert csv_text.count(person.pseudonym) >= 3
    response = client.get(reverse("participation:passage_export", args=[process.pk, "xlsx"]))
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert not any("Koval" in c for c in cells) and person.pseudonym in cells


# --- API ----------------------------------------------------------------------------------


def test_api_coding_and_refusals(api_client, process, facilitator_user, make_member):
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    code = CodeFactory(process=process)
    api_client.force_authenticate(facilitator_user)
    response = api_client.post(
        "/api/v1/coded-passages/",
        {"interview": interview.pk, "start": 0, "end": 26, "codes": [code.pk], "kind": "idea"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["statement"] == Statement.objects.get().pk
    bad = api_client.post(
        "/api/v1/coded-passages/",
        {"interview": interview.pk, "start": 30, "end": 2, "codes": [code.pk]},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "end"
    other = make_member(process, "facilitator")
    api_client.force_authenticate(other)
    refused = api_client.post(
        "/api/v1/coded-passages/",
        {"interview": interview.pk, "start": 0, "end": 5, "codes": [code.pk]},
        format="json",
    )
    assert refused.status_code == 403
    assert api_client.get(f"/api/v1/interviews/{interview.pk}/").status_code == 404
    assert api_client.get("/api/v1/interviews/").json()["count"] == 0
    assert CodedPassage.objects.count() == 1


def test_api_interview_create_refusals(
    api_client, process, staff_user, facilitator_user, expert_user
):
    payload = {
        "process": process.pk,
        "held_on": "2025-03-01",
        "facilitator": facilitator_user.pk,
        "interviewee_pseudonym": "I-5",
        "transcript": "Text ohne Einwilligung",
    }
    api_client.force_authenticate(staff_user)
    response = api_client.post("/api/v1/interviews/", payload, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "transcript"
    payload.update(consent_given_on="2025-03-01", consent_scope="Transkript")
    assert api_client.post("/api/v1/interviews/", payload, format="json").status_code == 201
    api_client.force_authenticate(expert_user)
    assert api_client.post("/api/v1/interviews/", payload, format="json").status_code == 403
    assert api_client.get("/api/v1/interviews/").json()["count"] == 0


def test_list_pages_and_apis_keep_query_counts_flat(
    client, api_client, process, staff_user, facilitator_user, django_assert_max_num_queries
):
    code = CodeFactory(process=process)
    for _ in range(8):
        interview = InterviewFactory(process=process, facilitator=facilitator_user)
        services.passage_code(
            interview=interview, user=facilitator_user, start=0, end=10, codes=[code]
        )
    client.force_login(staff_user)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("participation:interview_list", args=[process.pk])).status_code
            == 200
        )
    api_client.force_authenticate(staff_user)
    with django_assert_max_num_queries(10):
        data = api_client.get("/api/v1/coded-passages/").json()
    assert data["count"] == 8 and all(row["statement"] for row in data["results"])
    with django_assert_max_num_queries(10):
        assert api_client.get("/api/v1/interviews/").json()["count"] == 8


def test_a_process_goes_with_its_code_tree_and_passages(process, staff_user, facilitator_user):
    top = services.code_system_seed(process=process, user=staff_user)[0]
    child = services.code_save(
        process=process, user=staff_user, name="Warteliste", parent=top, field_of_action=None
    )
    interview = InterviewFactory(process=process, facilitator=facilitator_user)
    services.passage_code(interview=interview, user=facilitator_user, start=0, end=5, codes=[child])
    process.delete()
    assert not Code.objects.exists() and not Statement.objects.exists()


# --- who records and assigns interviews: one rule in interview_save, through both doors ----


def _interview_payload(facilitator, **extra):
    return {
        "held_on": "2025-03-01",
        "facilitator": facilitator.pk,
        "interviewee_pseudonym": "I-7",
        "text_kind": "transcript",
        **extra,
    }


def test_service_facilitators_record_only_their_own_and_staff_assign(
    process, staff_user, facilitator_user, make_member
):
    other = make_member(process, "facilitator")
    base = {"process": process, "held_on": date(2025, 3, 1), "interviewee_pseudonym": "I-7"}
    with pytest.raises(PermissionDenied) as refused:
        services.interview_save(**base, user=facilitator_user, facilitator=other)
    assert str(refused.value) == gettext("Facilitators record only their own interviews.")
    own = services.interview_save(**base, user=facilitator_user, facilitator=facilitator_user)
    with pytest.raises(PermissionDenied) as refused:
        services.interview_save(
            process=process, user=facilitator_user, interview=own, facilitator=other
        )
    assert str(refused.value) == gettext("Only project staff assign interviews.")
    own.refresh_from_db()
    assert own.facilitator == facilitator_user
    services.interview_save(process=process, user=staff_user, interview=own, facilitator=other)
    own.refresh_from_db()
    assert own.facilitator == other
    assert Interview.objects.count() == 1


def test_page_offers_and_accepts_only_the_facilitator_themselves(
    client, process, facilitator_user, make_member
):
    other = make_member(process, "facilitator")
    client.force_login(facilitator_user)
    url = reverse("participation:interview_create", args=[process.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["facilitator"].queryset) == [facilitator_user]
    refused = client.post(url, _interview_payload(other))
    assert refused.status_code == 400 and "facilitator" in refused.context["form"].errors
    assert not Interview.objects.exists()
    assert client.post(url, _interview_payload(facilitator_user)).status_code == 302
    interview = Interview.objects.get()
    edit = reverse("participation:interview_edit", args=[process.pk, interview.pk])
    refused = client.post(edit, _interview_payload(other))
    assert refused.status_code == 400
    interview.refresh_from_db()
    assert interview.facilitator == facilitator_user


def test_api_facilitators_record_only_their_own_and_staff_assign(
    api_client, process, staff_user, facilitator_user, make_member
):
    other = make_member(process, "facilitator")
    api_client.force_authenticate(facilitator_user)
    payload = {**_interview_payload(other), "process": process.pk}
    refused = api_client.post("/api/v1/interviews/", payload, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == gettext("Facilitators record only their own interviews.")
    assert not Interview.objects.exists()
    payload["facilitator"] = facilitator_user.pk
    created = api_client.post("/api/v1/interviews/", payload, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/interviews/{created.json()['id']}/"
    refused = api_client.patch(url, {"facilitator": other.pk}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == gettext("Only project staff assign interviews.")
    assert Interview.objects.get().facilitator == facilitator_user
    api_client.force_authenticate(staff_user)
    assert api_client.patch(url, {"facilitator": other.pk}, format="json").status_code == 200
    assert Interview.objects.get().facilitator == other


def test_api_refuses_interviewees_of_another_process_or_erased(
    api_client, process, staff_user, facilitator_user
):
    from participation import services as participation_services
    from tests.factories import ProcessFactory

    stranger = PersonFactory()
    stranger.processes.add(ProcessFactory())
    erased = PersonFactory()
    erased.processes.add(process)
    participation_services.person_erase(person=erased, user=staff_user)
    own = PersonFactory()
    own.processes.add(process)
    api_client.force_authenticate(staff_user)
    payload = {
        "process": process.pk,
        "held_on": "2025-03-01",
        "facilitator": facilitator_user.pk,
        "interviewee_pseudonym": "",
    }
    for person in (stranger, erased):
        response = api_client.post(
            "/api/v1/interviews/", {**payload, "interviewee": person.pk}, format="json"
        )
        assert response.status_code == 400, person
        assert response.json()["errors"][0]["field"] == "interviewee"
    assert not process.interviews.exists()
    created = api_client.post(
        "/api/v1/interviews/", {**payload, "interviewee": own.pk}, format="json"
    )
    assert created.status_code == 201
    # Relinking an existing interview to the other process's person is refused too.
    response = api_client.patch(
        f"/api/v1/interviews/{created.json()['id']}/", {"interviewee": stranger.pk}, format="json"
    )
    assert response.status_code == 400
    assert process.interviews.get().interviewee == own
