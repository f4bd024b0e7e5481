"""Kick-off conference: registration (public, abuse protection), check-in, tables, cards."""

import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from participation.conference import services
from participation.dashboard import phase_counts
from participation.models import ConferenceCard, Phase, Registration, Statement
from tests.factories import PhaseFactory
from tests.participation.factories import (
    ConferenceFactory,
    RegistrationFactory,
    TopicTableFactory,
)

pytestmark = pytest.mark.django_db


def _register(client, conference, **overrides):
    data = {
        "name": "Olena Koval",
        "email": "olena@example.org",
        "organisation": "Verein",
        "accessibility_needs": "",
        "consent": "on",
        **overrides,
    }
    return client.post(reverse("participation:conference_register", args=[conference.pk]), data)


def test_public_registration_confirms_and_sends_email(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(capacity=2)
    page = client.get(reverse("participation:conference_register", args=[conference.pk]))
    assert page.status_code == 200 and conference.title in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, conference)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.REGISTERED
    assert registration.confirmation_sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olena@example.org"]
    assert conference.title in mail.outbox[0].subject
    thanks = client.get(response["Location"]).content.decode()
    assert "E-Mail" in thanks


def test_capacity_then_waiting_list(db, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        results = [
            services.registration_create(
                conference=conference, name=f"G{i}", email=f"g{i}@example.org", consent=True
            )
            for i in range(3)
        ]
    assert [r.registration.status for r in results] == ["registered", "registered", "waitlisted"]
    assert "Warteliste" in mail.outbox[2].body


def test_duplicate_email_registers_once_and_tells_only_the_address(
    client, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(client, conference)
    first_page = client.get(first["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = _register(client, conference, email="OLENA@example.org", name="Someone")
    # A stranger sees the same answer as for a new address ...
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]

    def without_token(page: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)

    assert without_token(client.get(second["Location"]).content.decode()) == without_token(
        first_page
    )
    assert Registration.objects.count() == 1
    # ... while the address's owner learns the truth by email, once an hour at most.
    assert [m.to for m in mail.outbox] == [["olena@example.org"], ["olena@example.org"]]
    assert "nichts geändert" in mail.outbox[1].body or "nothing" in mail.outbox[1].body
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, conference, email="olena@example.org")
    assert len(mail.outbox) == 2


def test_confirmation_is_sent_once(db):
    registration = RegistrationFactory()
    assert services.registration_confirm(registration_id=registration.pk) is True
    assert services.registration_confirm(registration_id=registration.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "overrides, field",
    [({"consent": ""}, "consent"), ({"email": "kein-email"}, "email"), ({"name": ""}, "name")],
)
def test_registration_bad_input(client, overrides, field):
    conference = ConferenceFactory()
    response = _register(client, conference, **overrides)
    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_needs_csrf_token():
    conference = ConferenceFactory()
    response = _register(Client(enforce_csrf_checks=True), conference)
    assert response.status_code == 403 and not Registration.objects.exists()


def test_registration_rate_limited_per_ip(client, settings):
    settings.TEILHABE_REGISTRATION_RATE_LIMIT = 2
    conference = ConferenceFactory(capacity=10)
    for i in range(2):
        assert _register(client, conference, email=f"r{i}@example.org").status_code == 302
    blocked = _register(client, conference, email="r9@example.org")
    assert blocked.status_code == 429 and Registration.objects.count() == 2
    other_ip = client.post(
        reverse("participation:conference_register", args=[conference.pk]),
        {"name": "X", "email": "x@example.org", "consent": "on"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_ip.status_code == 302


def test_closed_registration(client):
    conference = ConferenceFactory(registration_open=False)
    _register(client, conference)
    assert not Registration.objects.exists()


def test_public_sees_only_the_registration_form(client, process):
    conference = ConferenceFactory(process=process)
    table = TopicTableFactory(conference=conference)
    for url in [
        reverse("participation:conference_detail", args=[conference.pk]),
        reverse("participation:registration_list", args=[conference.pk]),
        reverse("participation:check_in", args=[conference.pk]),
        reverse("participation:conference_documentation", args=[conference.pk]),
        table.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get("/api/v1/registrations/").status_code in (401, 403)


def test_staff_registration_list_and_csv(client, process, staff_user, facilitator_user):
    conference = ConferenceFactory(process=process)
    RegistrationFactory(conference=conference, name="Ada Lovelace", accessibility_needs="Rampe")
    client.force_login(staff_user)
    body = client.get(
        reverse("participation:registration_list", args=[conference.pk])
    ).content.decode()
    assert "Ada Lovelace" in body and "Rampe" in body
    csv_text = client.get(
        reverse("participation:registration_export", args=[conference.pk])
    ).content.decode("utf-8-sig")
    assert "Ada Lovelace" in csv_text and "Rampe" in csv_text
    client.force_login(facilitator_user)
    assert (
        client.get(reverse("participation:registration_list", args=[conference.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("participation:registration_export", args=[conference.pk])).status_code
        == 403
    )


def test_check_in_search_click_and_counts(client, process, staff_user):
    conference = ConferenceFactory(process=process)
    ada = RegistrationFactory(conference=conference, name="Ada Lovelace")
    RegistrationFactory(conference=conference, name="Grace Hopper")
    client.force_login(staff_user)
    url = reverse("participation:check_in", args=[conference.pk])
    body = client.get(url, {"q": "ada"}).content.decode()
    assert "Ada Lovelace" in body and "Grace Hopper" not in body
    response = client.post(
        reverse("participation:check_in_registration", args=[conference.pk, ada.pk]), {"q": "ada"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=ada")
    ada.refresh_from_db()
    assert ada.checked_in_at is not None
    counts = client.get(reverse("participation:check_in_counts", args=[conference.pk]))
    assert "1</dd>" in counts.content.decode()
    partial = client.post(
        reverse("participation:check_in_registration", args=[conference.pk, ada.pk]),
        {"undo": "1"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert partial.status_code == 200 and partial.content.decode().lstrip().startswith("<li")
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_check_in_refused_for_facilitators(client, api_client, process, facilitator_user):
    conference = ConferenceFactory(process=process)
    ada = RegistrationFactory(conference=conference)
    client.force_login(facilitator_user)
    assert client.get(reverse("participation:check_in", args=[conference.pk])).status_code == 403
    assert (
        client.post(
            reverse("participation:check_in_registration", args=[conference.pk, ada.pk])
        ).status_code
        == 403
    )
    api_client.force_authenticate(facilitator_user)
    assert api_client.post(f"/api/v1/registrations/{ada.pk}/check-in/").status_code == 404
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_api_check_in_and_attendance(api_client, process, staff_user):
    conference = ConferenceFactory(process=process)
    ada = RegistrationFactory(conference=conference)
    api_client.force_authenticate(staff_user)
    response = api_client.post(f"/api/v1/registrations/{ada.pk}/check-in/", {}, format="json")
    assert response.status_code == 200 and response.json()["checked_in_at"]
    figures = api_client.get(f"/api/v1/conferences/{conference.pk}/attendance/").json()
    assert figures == {"registered": 1, "waitlisted": 0, "checked_in": 1, "capacity": 3}


def test_facilitator_writes_cards_only_on_own_table(client, process, facilitator_user, make_member):
    conference = ConferenceFactory(process=process)
    own = TopicTableFactory(conference=conference, facilitator=facilitator_user)
    other = TopicTableFactory(
        conference=conference, facilitator=make_member(process, "facilitator")
    )
    client.force_login(facilitator_user)
    response = client.post(own.get_absolute_url(), {"text": "Mehr Sprachcafés", "kind": "idea"})
    assert response.status_code == 302
    card = ConferenceCard.objects.get()
    statement = Statement.objects.get()
    assert statement.source == card and statement.kind == "idea"
    assert list(statement.fields_of_action.all()) == [own.field_of_action]
    assert client.get(other.get_absolute_url()).status_code == 200  # may read
    refused = client.post(other.get_absolute_url(), {"text": "Fremd", "kind": "idea"})
    assert refused.status_code == 403
    bad = client.post(own.get_absolute_url(), {"text": " ", "kind": "idea"})
    assert bad.status_code == 400
    assert ConferenceCard.objects.count() == 1


def test_api_cards_refusal(api_client, process, facilitator_user, make_member):
    conference = ConferenceFactory(process=process)
    own = TopicTableFactory(conference=conference, facilitator=facilitator_user)
    other = TopicTableFactory(
        conference=conference, facilitator=make_member(process, "facilitator")
    )
    api_client.force_authenticate(facilitator_user)
    ok = api_client.post(
        "/api/v1/conference-cards/", {"table": own.pk, "text": "Gut"}, format="json"
    )
    assert ok.status_code == 201
    refused = api_client.post(
        "/api/v1/conference-cards/", {"table": other.pk, "text": "x"}, format="json"
    )
    assert refused.status_code == 403
    assert ConferenceCard.objects.count() == 1


def test_staff_sets_up_conference_agenda_and_tables(
    client, process, staff_user, facilitator_user, outsider
):
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:conference_create", args=[process.pk]),
        {
            "title": "Auftakt",
            "date": "2025-09-18",
            "venue": "Kreishaus",
            "capacity": 0,
        },
    )
    assert response.status_code == 400  # capacity must be at least 1
    response = client.post(
        reverse("participation:conference_create", args=[process.pk]),
        {
            "title": "Auftakt",
            "date": "2025-09-18",
            "venue": "Kreishaus",
            "capacity": 50,
            "registration_open": "on",
        },
    )
    assert response.status_code == 302
    conference = process.conferences.get()
    client.post(
        reverse("participation:agenda_item_create", args=[conference.pk]),
        {"starts_at": "10:00", "title": "Begrüßung", "speaker": "Landrat"},
    )
    field = process.fields_of_action.first()
    bad = client.post(
        reverse("participation:table_create", args=[conference.pk]),
        {"field_of_action": field.pk, "facilitator": outsider.pk},
    )
    assert bad.status_code == 400
    client.post(
        reverse("participation:table_create", args=[conference.pk]),
        {"field_of_action": field.pk, "facilitator": facilitator_user.pk},
    )
    assert conference.agenda.count() == 1 and conference.tables.count() == 1
    client.force_login(facilitator_user)
    assert (
        client.get(reverse("participation:conference_edit", args=[conference.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("participation:table_create", args=[conference.pk])).status_code == 403
    )
    assert client.get(conference.get_absolute_url()).status_code == 200


def test_documentation_page_and_exports(
    client, process, staff_user, facilitator_user, django_assert_max_num_queries
):
    conference = ConferenceFactory(process=process)
    table = TopicTableFactory(conference=conference, facilitator=facilitator_user)
    for i in range(5):
        services.card_create(table=table, user=facilitator_user, text=f"Karte {i}", kind="need")
    RegistrationFactory(conference=conference)
    client.force_login(facilitator_user)
    with django_assert_max_num_queries(15):
        response = client.get(
            reverse("participation:conference_documentation", args=[conference.pk])
        )
    body = response.content.decode()
    assert "Karte 4" in body and "Bedarf" in body and "@media print" not in body
    xlsx = client.get(
        reverse("participation:conference_documentation_export", args=[conference.pk, "xlsx"])
    )
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 6 and rows[1][4] == "Karte 0"


@pytest.mark.parametrize("who", ["expert_user", "outsider"])
def test_conference_pages_refused_without_role(client, process, who, request):
    conference = ConferenceFactory(process=process)
    table = TopicTableFactory(conference=conference)
    client.force_login(request.getfixturevalue(who))
    for url in [
        reverse("participation:conference_list"),
        conference.get_absolute_url(),
        reverse("participation:conference_documentation", args=[conference.pk]),
        table.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 403, url


def test_dashboard_counters(process, facilitator_user):
    conference = ConferenceFactory(process=process)
    table = TopicTableFactory(conference=conference, facilitator=facilitator_user)
    RegistrationFactory(conference=conference)
    services.card_create(table=table, user=facilitator_user, text="x")
    phase = PhaseFactory(process=process, kind=Phase.Kind.CONFERENCE)
    figures = dict(phase_counts(phase))
    assert list(figures.values()) == [1, 0, 0, 1]
    interviews = PhaseFactory(process=process, kind=Phase.Kind.INTERVIEWS)
    assert [n for _label, n in phase_counts(interviews)] == [0, 0, 0]


def test_registrations_anonymised_after_the_conference(
    client, process, staff_user, facilitator_user
):
    from datetime import date

    conference = ConferenceFactory(process=process, date=date(2025, 9, 18))
    ada = RegistrationFactory(conference=conference, name="Ada", accessibility_needs="Rampe")
    ada.checked_in_at = "2025-09-18T09:30:00+02:00"
    ada.save()
    with pytest.raises(Exception, match="vorbei|over"):
        services.registrations_anonymise(
            conference=conference, user=staff_user, today=date(2025, 9, 1)
        )
    url = reverse("participation:registrations_anonymise", args=[conference.pk])
    client.force_login(facilitator_user)
    assert client.post(url).status_code == 403
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    client.force_login(staff_user)
    # Without confirmation the page says what will happen and changes nothing.
    page = client.post(url)
    assert page.status_code == 200 and b'name="confirmed" value="yes"' in page.content
    assert "Teilnehmende 1" in page.content.decode()
    ada.refresh_from_db()
    assert ada.name == "Ada"
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    ada.refresh_from_db()
    assert "Ada" not in ada.name and "example" in ada.email and ada.accessibility_needs == ""
    assert ada.checked_in_at is not None
    assert services.registrations_anonymise(conference=conference, user=staff_user) == 0


def test_staff_edit_statement_facilitator_refused(client, process, staff_user, facilitator_user):
    from participation.services import statement_create

    statement = statement_create(process=process, text="Alt", author=facilitator_user)
    url = reverse("participation:statement_edit", args=[statement.pk])
    client.force_login(facilitator_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.post(url, {"text": " ", "kind": "idea"}).status_code == 400
    # Rewording needs a reason (the original words stay visible).
    assert client.post(url, {"text": "Neu", "kind": "idea"}).status_code == 400
    response = client.post(url, {"text": "Neu", "kind": "idea", "reason": "Tippfehler"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.text, statement.kind) == ("Neu", "idea")


def test_cancel_moves_the_first_on_the_waiting_list_up(
    client, api_client, process, staff_user, facilitator_user, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory(process=process, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (
            services.registration_create(
                conference=conference, name=n, email=f"{n}@example.org", consent=True
            ).registration
            for n in ("ada", "bob", "cy")
        )
    assert [r.status for r in (first, second, third)] == ["registered", "waitlisted", "waitlisted"]
    mail.outbox.clear()
    url = reverse("participation:registration_cancel", args=[conference.pk, first.pk])
    client.force_login(facilitator_user)
    assert client.post(url).status_code == 403
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    client.force_login(staff_user)
    page = client.post(url)
    assert page.status_code == 200
    assert "bob" in page.content.decode() and "Warteliste" in page.content.decode()
    first.refresh_from_db()
    assert first.status == "registered"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirmed": "yes"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "registered")
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "bestätigt" in mail.outbox[0].body
    assert services.registration_cancel(registration=first, user=staff_user) is None
    api_client.force_authenticate(facilitator_user)
    assert api_client.post(f"/api/v1/registrations/{second.pk}/cancel/").status_code == 404
    api_client.force_authenticate(staff_user)
    response = api_client.post(f"/api/v1/registrations/{second.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    third.refresh_from_db()
    assert third.status == "registered"


def test_confirmation_in_the_language_of_the_form(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    client.post(reverse("set_language"), {"language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, conference)
    assert Registration.objects.get().language == "en"
    assert "is confirmed" in mail.outbox[0].body
