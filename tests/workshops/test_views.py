"""Pages: every page renders for the workshop's people, refusals for everyone else, the
no-JavaScript flows of the board, the participants' phones and the protocol."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from participation.models import Statement
from workshops import services
from workshops.models import Card, Photo, Vote

pytestmark = pytest.mark.django_db


def _pages(workshop, card=None):
    pk = workshop.pk
    pages = [
        reverse("workshops:detail", args=[pk]),
        reverse("workshops:edit", args=[pk]),
        reverse("workshops:board", args=[pk]),
        reverse("workshops:board_state", args=[pk]),
        reverse("workshops:invitations", args=[pk]),
        reverse("workshops:check_in", args=[pk]),
        reverse("workshops:briefing", args=[pk]),
        reverse("workshops:protocol", args=[pk]),
        reverse("workshops:photos", args=[pk]),
        reverse("workshops:queue", args=[pk]),
        reverse("workshops:join_code", args=[pk]),
        reverse("workshops:vote_open", args=[pk]),
        reverse("workshops:cluster_new", args=[pk]),
        reverse("workshops:cards_merge", args=[pk]),
        reverse("workshops:agenda_new", args=[pk]),
    ]
    if card:
        pages.append(reverse("workshops:card_edit", args=[pk, card.pk]))
    return pages


def test_every_page_renders_for_the_facilitator(client, workshop, facilitator):
    card, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Karte", column="ideas"
    )
    client.force_login(facilitator)
    for url in _pages(workshop, card):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(reverse("workshops:list"))
    assert workshop.title in response.content.decode()
    assert (
        workshop.join_code
        in client.get(reverse("workshops:join_code", args=[workshop.pk])).content.decode()
    )
    assert "<svg" in client.get(reverse("workshops:join_code", args=[workshop.pk])).content.decode()


@pytest.mark.parametrize("who", ["other_facilitator", "foreign_staff", "expert_user", "outsider"])
def test_editing_pages_refuse_everyone_else(client, workshop, facilitator, who, request):
    card, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Karte", column="ideas"
    )
    user = request.getfixturevalue(who)
    client.force_login(user)
    editing = [
        u
        for u in _pages(workshop, card)
        if "/board/" not in u
        and u != reverse("workshops:detail", args=[workshop.pk])
        and "/protocol/" not in u
        and "/briefing/" not in u
    ]
    for url in editing:
        assert client.get(url).status_code == 403, (who, url)
    response = client.post(
        reverse("workshops:board", args=[workshop.pk]), {"text": "fremd", "column": "ideas"}
    )
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("workshops:card_move", args=[workshop.pk, card.pk]), {"column": "ist", "version": 1}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("workshops:transition", args=[workshop.pk]), {"to": "documented"}
    )
    assert response.status_code == 403
    assert Card.objects.count() == 1


@pytest.mark.parametrize("who", ["foreign_staff", "expert_user", "outsider"])
def test_viewing_is_refused_outside_the_process_and_to_uninvited_experts(
    client, workshop, who, request
):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("workshops:detail", args=[workshop.pk]),
        reverse("workshops:board", args=[workshop.pk]),
        reverse("workshops:protocol", args=[workshop.pk]),
        reverse("workshops:briefing", args=[workshop.pk]),
    ):
        assert client.get(url).status_code == 403, (who, url)
    assert workshop.title not in client.get(reverse("workshops:list")).content.decode()


def test_invited_expert_sees_the_workshop_but_cannot_edit(
    client, workshop, expert_user, process, staff_user
):
    from participation.models import Person

    person = Person.objects.create(first_name="Eva", email="eva@example.org", user=expert_user)
    person.processes.add(process)
    from workshops.models import WorkshopInvitation

    WorkshopInvitation.objects.create(
        workshop=workshop, person=person, token_salt="s", token_hash="h" * 64
    )
    client.force_login(expert_user)
    assert client.get(reverse("workshops:detail", args=[workshop.pk])).status_code == 200
    assert client.get(reverse("workshops:protocol", args=[workshop.pk])).status_code == 200
    assert client.get(reverse("workshops:board", args=[workshop.pk])).status_code == 200
    assert client.get(reverse("workshops:invitations", args=[workshop.pk])).status_code == 403
    assert workshop.title in client.get(reverse("workshops:list")).content.decode()


def test_anonymous_is_sent_to_sign_in(client, workshop):
    response = client.get(reverse("workshops:board", args=[workshop.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_board_without_javascript_adds_cards_and_keeps_text_on_error(client, workshop, facilitator):
    client.force_login(facilitator)
    url = reverse("workshops:board", args=[workshop.pk])
    response = client.post(url, {"text": "Sprachkurse am Abend", "column": "ideas"})
    assert response.status_code == 302
    assert Card.objects.get().text == "Sprachkurse am Abend"
    response = client.post(url, {"text": "x" * 2001, "column": "ideas"})
    assert response.status_code == 400
    assert "x" * 2001 in response.content.decode()  # nothing typed is lost
    response = client.post(url, {"text": "Problem", "column": "ist", "kind": "idea"})
    assert response.status_code == 400 and Card.objects.count() == 1


def test_board_fetch_entry_is_idempotent_and_state_shows_it(
    client, workshop, facilitator, other_facilitator
):
    client.force_login(facilitator)
    url = reverse("workshops:board", args=[workshop.pk])
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"}
    first = client.post(url, {"text": "A", "column": "ist", "client_key": "key-1"}, **headers)
    again = client.post(url, {"text": "A", "column": "ist", "client_key": "key-1"}, **headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["card"]["id"] == again.json()["card"]["id"]
    state = client.get(reverse("workshops:board_state", args=[workshop.pk])).json()
    assert [c["text"] for c in state["cards"]] == ["A"]


def test_card_edit_conflict_keeps_the_typed_text(client, workshop, facilitator, staff_user):
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="Alt", column="ist")
    services.card_update(card=card, user=staff_user, version=1, text="Von Petra")
    client.force_login(facilitator)
    url = reverse("workshops:card_edit", args=[workshop.pk, card.pk])
    response = client.post(url, {"text": "Von Mia", "kind": "problem", "version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Von Mia" in body and "Von Petra" in body
    card.refresh_from_db()
    assert card.text == "Von Petra"
    response = client.post(url, {"text": "Von Mia", "kind": "problem", "version": 2})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.text == "Von Mia"


def test_cluster_merge_and_queue_pages(client, workshop, facilitator, join):
    a, _ = services.card_create(workshop=workshop, user=facilitator, text="A", column="ideas")
    b, _ = services.card_create(workshop=workshop, user=facilitator, text="B", column="ideas")
    client.force_login(facilitator)
    response = client.post(
        reverse("workshops:cluster_new", args=[workshop.pk]),
        {"title": "Sprache", "column": "ideas", "cards": [a.pk, b.pk]},
    )
    assert response.status_code == 302
    assert set(Card.objects.values_list("cluster__title", flat=True)) == {"Sprache"}
    response = client.post(
        reverse("workshops:cards_merge", args=[workshop.pk]),
        {"cards": [a.pk, b.pk], "text": "A und B"},
    )
    assert response.status_code == 302
    assert Card.objects.get(pk=a.pk).text == "A und B"
    queued, _ = services.card_create(
        workshop=workshop, participant=join(), text="Von Handy", column="ideas"
    )
    response = client.post(
        reverse("workshops:queue", args=[workshop.pk]),
        {"card": queued.pk, "text": "Vom Handy", "column": "ideas"},
    )
    assert response.status_code == 302
    assert Statement.objects.filter(text="Vom Handy").exists()


def test_participant_joins_by_code_adds_a_card_and_votes(client, workshop, facilitator):
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("Eins", "Zwei")
    ]
    response = client.get(reverse("workshops:join"), {"code": workshop.join_code.lower()})
    assert response.status_code == 302
    response = client.post(reverse("workshops:join_with_code", args=[workshop.join_code]))
    assert response.status_code == 302 and "teilhabe_device" in response.cookies
    page = reverse("workshops:participant", args=[workshop.join_code])
    assert "Eins" in client.get(page).content.decode()
    response = client.post(page, {"text": "Mein Vorschlag", "column": "ideas"})
    assert response.status_code == 302
    assert Card.objects.get(text="Mein Vorschlag").status == "queued"
    vote = services.vote_open(
        workshop=workshop,
        user=facilitator,
        title="Prio",
        cards=ideas,
        dots_per_participant=2,
        max_per_item=2,
    )
    first, second = vote.items.order_by("position")
    vote_url = reverse("workshops:participant_vote", args=[workshop.join_code])
    response = client.post(vote_url, {f"dots-{first.pk}": 2, f"dots-{second.pk}": 1})
    assert response.status_code == 400
    assert "you placed 3" in response.content.decode()
    assert 'value="2"' in response.content.decode()  # the entry is kept
    response = client.post(vote_url, {f"dots-{first.pk}": 2})
    assert response.status_code == 302
    response = client.post(vote_url, {f"dots-{first.pk}": 1})
    assert response.status_code == 400 and "already voted" in response.content.decode()
    assert vote.ballots.count() == 1


def test_participant_pages_refuse_without_joining_and_bad_codes(client, workshop):
    assert client.get(reverse("workshops:join"), {"code": "ZZZZZZ"}).status_code == 400
    page = reverse("workshops:participant", args=[workshop.join_code])
    assert client.get(page).status_code == 302
    state = reverse("workshops:participant_state", args=[workshop.join_code])
    assert client.get(state).status_code == 403
    vote_url = reverse("workshops:participant_vote", args=[workshop.join_code])
    assert client.post(vote_url, {}).status_code == 403


def test_invitation_link_accept_and_decline(client, make_workshop, staff_user, person):
    from datetime import timedelta

    from django.utils import timezone

    planned = make_workshop(status="planned", starts_at=timezone.now() + timedelta(days=7))
    services.invitations_create(workshop=planned, user=staff_user, people=[person])
    invitation = planned.invitations.get()
    from workshops.services.invitations import token_for

    url = reverse("workshops:invitation_answer", args=[token_for(invitation)])
    assert client.get(url).status_code == 200
    client.post(url, {"answer": "accept"})
    invitation.refresh_from_db()
    assert invitation.response == "accepted"
    client.post(url, {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.response == "declined"
    assert client.get(reverse("workshops:invitation_answer", args=["wrong"])).status_code == 404


def test_invitation_link_closes_when_the_workshop_has_begun(
    client, make_workshop, staff_user, person
):
    """Still "planned" (nobody switched it to running), but its start time has passed."""
    from datetime import timedelta

    from django.utils import timezone

    from workshops.services.invitations import token_for

    begun = make_workshop(status="planned", starts_at=timezone.now() - timedelta(hours=1))
    services.invitations_create(workshop=begun, user=staff_user, people=[person])
    invitation = begun.invitations.get()
    url = reverse("workshops:invitation_answer", args=[token_for(invitation)])
    page = client.get(url).content.decode()
    assert 'value="accept"' not in page
    client.post(url, {"answer": "accept"})
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_sending_invitations_asks_first_and_says_how_many(
    client,
    make_workshop,
    staff_user,
    facilitator,
    person,
    foreign_staff,
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    from django.utils import timezone

    planned = make_workshop(status="planned", starts_at=timezone.now() + timedelta(days=7))
    services.invitations_create(workshop=planned, user=staff_user, people=[person])
    url = reverse("workshops:invitations", args=[planned.pk])
    for outsider in (foreign_staff,):
        client.force_login(outsider)
        assert client.post(url, {"confirmed": "yes"}).status_code in (403, 404)
    client.force_login(staff_user)
    page = client.post(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="confirmed" value="yes"' in body and "1" in body
    assert planned.invitations.get().sent_at is None
    reminder = client.post(url, {"reminder": "1"}).content.decode()
    assert 'name="reminder" value="1"' in reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert planned.invitations.get().sent_at is not None


def test_check_in_at_the_door_reuses_the_conference_script(client, workshop, staff_user, person):
    from workshops.models import WorkshopInvitation

    invitation = WorkshopInvitation.objects.create(
        workshop=workshop, person=person, token_salt="a", token_hash="b" * 64
    )
    client.force_login(staff_user)
    page = client.get(reverse("workshops:check_in", args=[workshop.pk])).content.decode()
    assert "js/check_in.js" in page and "Jonas" in page
    response = client.post(
        reverse("workshops:check_in_invitation", args=[workshop.pk, invitation.pk]),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200 and 'id="inv-' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.checked_in_at is not None


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 1.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_upload_strips_metadata_and_refuses_other_files(
    client, workshop, facilitator, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    raw = _jpeg_with_gps()
    assert b"PhoneMaker" in raw
    client.force_login(facilitator)
    url = reverse("workshops:photos", args=[workshop.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("flip.jpg", raw, "image/jpeg"), "caption": "Flipchart IST"}
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    stored = photo.file.read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}
    response = client.post(
        url, {"file": SimpleUploadedFile("evil.svg", b"<svg></svg>", "image/jpeg")}
    )
    assert response.status_code == 400
    assert "Only JPEG, PNG or PDF" in response.content.decode()
    settings.WORKSHOP_PHOTO_MAX_BYTES = 100
    response = client.post(url, {"file": SimpleUploadedFile("big.jpg", raw, "image/jpeg")})
    assert response.status_code == 400 and "files up to 1 KB" in response.content.decode()
    assert Photo.objects.count() == 1
    assert (
        client.get(reverse("workshops:photo_file", args=[workshop.pk, photo.pk])).status_code == 200
    )


def test_protocol_page_and_exports(client, workshop, facilitator, join, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("=Formel", "Zwei")
    ]
    services.cluster_save(
        workshop=workshop, user=facilitator, title="Cluster X", column="ideas", cards=ideas
    )
    vote = services.vote_open(workshop=workshop, user=facilitator, title="Punkte", cards=ideas)
    a = vote.items.first()
    services.ballot_cast(vote=vote, participant=join(), dots={a.pk: 2})
    services.vote_close(vote=vote, user=facilitator)
    rating = services.vote_open(
        workshop=workshop, user=facilitator, title="Matrix", mode="rating", cards=ideas
    )
    services.ballot_cast(
        vote=rating, participant=join(), ratings={i.pk: (4, 2) for i in rating.items.all()}
    )
    services.vote_close(vote=rating, user=facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("workshops:protocol", args=[workshop.pk])).content.decode()
    assert "Cluster X" in page and "bar-chart" in page and "matrix-chart" in page
    assert "Mia" in page  # facilitators are named; participants never
    assert _built_pdf(client, workshop, "protocol").startswith(b"%PDF")
    docx = client.get(reverse("workshops:protocol_export", args=[workshop.pk, "docx"]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    csv = client.get(reverse("workshops:protocol_export", args=[workshop.pk, "csv"]))
    assert "'=Formel" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("workshops:protocol_export", args=[workshop.pk, "xlsx"]))
    assert xlsx.status_code == 200


def test_protocol_is_sent_by_staff_after_confirmation(
    client,
    workshop,
    staff_user,
    facilitator,
    person,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from workshops.models import WorkshopInvitation

    WorkshopInvitation.objects.create(
        workshop=workshop,
        person=person,
        token_salt="a",
        token_hash="c" * 64,
        checked_in_at="2025-10-07T14:05Z",
    )
    url = reverse("workshops:protocol_send", args=[workshop.pk])
    client.force_login(facilitator)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302 and not mailoutbox  # not documented yet
    services.workshop_transition(workshop=workshop, user=staff_user, to="documented")
    assert "Send the protocol?" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirmed": "yes"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][2] == "application/pdf"


def test_briefing_pack_gathers_statements_by_kind_with_pseudonyms_only(
    client, workshop, facilitator, process
):
    from participation.models import FieldOfAction, Person
    from participation.services import statement_create

    person = Person.objects.create(first_name="Geheim", last_name="Name", email="g@example.org")
    statement_create(
        process=process,
        text="Kita-Plätze fehlen",
        kind="problem",
        source_label=f"Interview {person.pseudonym}",
        fields_of_action=[FieldOfAction.objects.get(code="education")],
    )
    statement_create(
        process=process,
        text="Anderes Feld",
        kind="problem",
        fields_of_action=[FieldOfAction.objects.get(code="housing")],
    )
    client.force_login(facilitator)
    page = client.get(reverse("workshops:briefing", args=[workshop.pk])).content.decode()
    assert "Kita-Plätze fehlen" in page and person.pseudonym in page
    assert "Anderes Feld" not in page and "Geheim" not in page
    assert _built_pdf(client, workshop, "briefing").startswith(b"%PDF")


def test_vote_pages_open_live_counts_and_close_with_confirmation(
    client, workshop, facilitator, join
):
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("Eins", "Zwei")
    ]
    client.force_login(facilitator)
    response = client.post(
        reverse("workshops:vote_open", args=[workshop.pk]),
        {
            "title": "Prio",
            "mode": "dots",
            "cards": [c.pk for c in ideas],
            "dots_per_participant": 3,
            "max_per_item": 2,
        },
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    item = vote.items.first()
    services.ballot_cast(vote=vote, participant=join(), dots={item.pk: 2})
    state = client.get(
        reverse("workshops:vote_detail", args=[workshop.pk, vote.pk]), HTTP_X_REQUESTED_WITH="fetch"
    ).json()
    assert state["ballots"] == 1 and {i["id"]: i["dots"] for i in state["items"]}[item.pk] == 2
    close = reverse("workshops:vote_close", args=[workshop.pk, vote.pk])
    assert "Close the vote" in client.get(close).content.decode()
    client.post(close, {"confirmed": "yes"})
    vote.refresh_from_db()
    assert vote.status == "closed"


def test_closing_a_workshop_asks_first(client, make_workshop, staff_user):
    workshop = make_workshop(status="documented")
    client.force_login(staff_user)
    url = reverse("workshops:transition", args=[workshop.pk])
    response = client.post(url, {"to": "closed"})
    assert response.status_code == 200 and "cannot be changed" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == "documented"
    client.post(url, {"to": "closed", "confirmed": "yes"})
    workshop.refresh_from_db()
    assert workshop.status == "closed"


def test_german_messages(client, workshop, facilitator, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "de"
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("Eins", "Zwei")
    ]
    vote = services.vote_open(workshop=workshop, user=facilitator, title="Prio", cards=ideas)
    client.post(reverse("workshops:join_with_code", args=[workshop.join_code]))
    item = vote.items.first()
    url = reverse("workshops:participant_vote", args=[workshop.join_code])
    with translation.override("de"):
        page = client.post(url, {f"dots-{item.pk}": 5}).content.decode()
    assert "Höchstens 2 Punkte je Karte." in page and "Stimme abgeben" in page


def test_the_admin_is_closed_to_project_staff(client, workshop, foreign_staff, staff_user):
    for user in (foreign_staff, staff_user):
        user.is_staff = True
        user.save()
        client.force_login(user)
        response = client.get("/admin/workshops/workshop/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_choose_the_survey_questions_of_the_briefing_pack(
    client, workshop, staff_user, facilitator, process
):
    from surveys.models import QuestionTopic
    from surveys.services import definition as defs
    from tests.surveys.conftest import all_types_definition

    survey = defs.survey_create_from_definition(
        user=None, process=process, definition=all_types_definition(), status="open"
    )
    url = reverse("workshops:briefing_questions", args=[workshop.pk])
    client.force_login(facilitator)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert f'name="q-{survey.pk}-lang"' in page
    response = client.post(url, {f"q-{survey.pk}-lang": "1"})
    assert response.status_code == 302
    topic = QuestionTopic.objects.get(survey=survey, question="lang")
    assert list(topic.fields_of_action.values_list("code", flat=True)) == ["education"]
    briefing = client.get(reverse("workshops:briefing", args=[workshop.pk])).content.decode()
    assert "results-question" in briefing  # the tagged question's figures (suppressed: n < 5)
    client.post(url, {})
    assert not QuestionTopic.objects.filter(survey=survey).exists()


def test_removing_a_card_asks_first_and_never_redirects_elsewhere(client, workshop, facilitator):
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="Weg", column="ist")
    client.force_login(facilitator)
    url = reverse("workshops:card_reject", args=[workshop.pk, card.pk])
    assert "Weg" in client.get(url).content.decode()
    card.refresh_from_db()
    assert card.status == "accepted"
    response = client.post(url, {"confirmed": "yes", "version": 1, "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    card.refresh_from_db()
    assert card.status == "rejected" and not Statement.objects.exists()


def _built_pdf(client, workshop, kind: str) -> bytes:
    """Ask for the PDF as a person would: the job page, then its download (the task runs
    eagerly at commit in the tests)."""
    from workshops.models import DocumentJob

    response = client.post(reverse("workshops:document_request", args=[workshop.pk, kind]))
    assert response.status_code == 302
    job = DocumentJob.objects.filter(workshop=workshop, kind=kind).latest("created_at")
    from workshops.tasks import build_document

    build_document.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done", job.error
    status = client.get(response["Location"] + "?format=json").json()
    assert status["progress"] == 100 and status["file_url"]
    page = client.get(response["Location"]).content.decode()
    assert status["file_url"] in page
    download = client.get(status["file_url"])
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def test_pdf_is_built_in_the_background_with_progress(
    client, workshop, staff_user, facilitator, foreign_staff, django_capture_on_commit_callbacks
):
    from workshops.models import DocumentJob

    url = reverse("workshops:document_request", args=[workshop.pk, "protocol"])
    client.force_login(foreign_staff)
    assert client.post(url).status_code in (403, 404)
    assert not DocumentJob.objects.exists()
    client.force_login(staff_user)
    assert client.get(url).status_code == 405
    first = client.post(url)
    again = client.post(url)  # still waiting: the same job, not a second one
    assert first["Location"] == again["Location"]
    job = DocumentJob.objects.get()
    page = client.get(first["Location"]).content.decode()
    assert "job_progress.js" in page and 'http-equiv="refresh"' in page
    assert client.get(first["Location"] + "?format=json").json()["status"] == "pending"
    file_url = reverse("workshops:document_file", args=[workshop.pk, job.pk])
    assert client.get(file_url).status_code == 404  # not ready yet
    client.force_login(foreign_staff)
    assert client.get(first["Location"]).status_code in (403, 404)
    from workshops.services import document_run

    assert document_run(job_id=job.pk) is True
    assert document_run(job_id=job.pk) is True  # idempotent
    client.force_login(foreign_staff)
    assert client.get(file_url).status_code in (403, 404)
    client.force_login(staff_user)
    assert b"".join(client.get(file_url).streaming_content).startswith(b"%PDF")
    unknown = reverse("workshops:document_request", args=[workshop.pk, "secret"])
    assert client.post(unknown).status_code == 404


def test_board_and_status_actions_ask_through_the_one_confirmation(
    client, make_workshop, facilitator, staff_user
):
    """Removing a card, dissolving a cluster, a new join code and closing the workshop answer
    with the shared confirmation page (it posts ``confirmed=yes``); the old ``confirm=1`` no
    longer carries any of them out."""
    from workshops.models import Cluster

    workshop = make_workshop(status="documented")
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="Weg", column="ideas")
    cluster = services.cluster_save(
        workshop=workshop, user=facilitator, cluster=None, title="Bündel", column="ideas", cards=[]
    )
    old_code = workshop.join_code
    client.force_login(staff_user)
    actions = [
        (reverse("workshops:card_reject", args=[workshop.pk, card.pk]), {"version": card.version}),
        (reverse("workshops:cluster_delete", args=[workshop.pk, cluster.pk]), {}),
        (reverse("workshops:join_code", args=[workshop.pk]), {}),
        (reverse("workshops:transition", args=[workshop.pk]), {"to": "closed"}),
    ]
    for url, fields in actions:
        page = client.post(url, {**fields, "confirm": "1"})
        body = page.content.decode()
        assert page.status_code == 200 and "data-confirm-box" in body, url
        assert 'name="confirmed" value="yes"' in body, url
    card.refresh_from_db()
    workshop.refresh_from_db()
    assert card.status == "accepted" and Cluster.objects.filter(pk=cluster.pk).exists()
    assert workshop.join_code == old_code and workshop.status == "documented"
    for url, fields in actions:
        assert client.post(url, {**fields, "confirmed": "yes"}).status_code == 302, url
    card.refresh_from_db()
    workshop.refresh_from_db()
    assert card.status == "rejected" and not Cluster.objects.filter(pk=cluster.pk).exists()
    assert workshop.join_code != old_code and workshop.status == "closed"
