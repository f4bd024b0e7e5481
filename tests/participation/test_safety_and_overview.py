"""Confirmation before irreversible actions, the public registration closing by itself, the
dashboard's phases and an expert's home page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.conference import services as conference_services
from participation.models import AuditEvent, Person, Phase, Process, Registration
from tests.factories import PersonFactory, PhaseFactory, ProcessFactory, UserFactory
from tests.participation.factories import ConferenceFactory, InterviewFactory

pytestmark = pytest.mark.django_db


# --- deleting a process -------------------------------------------------------------------


def test_deleting_a_process_asks_first_and_says_what_goes(client, process, staff_user, make_member):
    InterviewFactory(process=process)
    ConferenceFactory(process=process)
    url = reverse("participation:process_delete", args=[process.pk])
    # Staff of the process, and a superuser's peer in another process, may not delete it.
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    other_staff = make_member(ProcessFactory(), "staff")
    client.force_login(other_staff)
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert process.title in body and 'name="confirmed" value="yes"' in body
    assert "Interview" in body and "Konferenz" in body  # what goes with it, counted
    assert Process.objects.filter(pk=process.pk).exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert not Process.objects.filter(pk=process.pk).exists()
    event = AuditEvent.objects.get(action="process.delete")
    assert event.detail["title"] == process.title


def test_dashboard_offers_deletion_only_to_superusers(client, process, staff_user):
    client.force_login(staff_user)
    url = reverse("participation:process_dashboard", args=[process.pk])
    delete_url = reverse("participation:process_delete", args=[process.pk])
    assert delete_url not in client.get(url).content.decode()
    client.force_login(UserFactory(is_superuser=True))
    body = client.get(url).content.decode()
    assert delete_url in body and "data-confirm" in body and "js/confirm.js" in body


def test_deleting_a_phase_asks_first(client, process, staff_user, facilitator_user):
    phase = PhaseFactory(process=process)
    url = reverse("participation:phase_delete", args=[process.pk, phase.pk])
    client.force_login(facilitator_user)
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    client.force_login(staff_user)
    assert client.post(url).status_code == 200
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_erase_page_says_what_happens(client, facilitator_user):
    # A person in no process is in the directory of platform administrators only.
    person = PersonFactory(first_name="Olena", last_name="Koval")
    url = reverse("participation:person_erase", args=[person.pk])
    client.force_login(facilitator_user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    body = client.get(url).content.decode()
    assert person.pseudonym in body and "nicht rückgängig" in body
    client.post(url, {})  # without the confirmation box ticked nothing happens
    assert Person.objects.get(pk=person.pk).erased_at is None


# --- the public registration closes by itself --------------------------------------------


def test_registration_closes_when_the_conference_has_begun(client):
    yesterday = ConferenceFactory(date=timezone.localdate() - timedelta(days=1))
    url = reverse("participation:conference_register", args=[yesterday.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page and "begonnen" in page
    client.post(
        url, {"name": "Ada", "email": "ada@example.org", "consent": "on", "organisation": ""}
    )
    assert not Registration.objects.exists()
    with pytest.raises(Exception, match="geschlossen|closed"):
        conference_services.registration_create(
            conference=yesterday, name="Ada", email="ada@example.org", consent=True
        )


def test_no_confirmation_mail_and_no_moving_up_after_the_start(
    process, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    conference = ConferenceFactory(process=process, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = conference_services.registration_create(
            conference=conference, name="Ada", email="ada@example.org", consent=True
        ).registration
        waiting = conference_services.registration_create(
            conference=conference, name="Bo", email="bo@example.org", consent=True
        ).registration
    mailoutbox.clear()
    conference.date = date.today() - timedelta(days=1)
    conference.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert conference_services.registration_cancel(registration=first, user=staff_user) is None
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED and mailoutbox == []
    late = Registration.objects.create(
        conference=conference, name="Cy", email="cy@example.org", consent=True
    )
    assert conference_services.registration_confirm(registration_id=late.pk) is False


# --- dashboard and home ------------------------------------------------------------------


def test_phases_link_to_their_work_and_an_empty_past_phase_is_not_completed(
    client, process, staff_user
):
    today = timezone.localdate()
    past = dict(start_date=today - timedelta(days=60), end_date=today - timedelta(days=30))
    PhaseFactory(process=process, kind=Phase.Kind.INTERVIEWS, title="Interviews", order=1, **past)
    PhaseFactory(process=process, kind=Phase.Kind.CONFERENCE, title="Konferenz", order=2, **past)
    conference = ConferenceFactory(process=process, title="Auftakt 2026")
    client.force_login(staff_user)
    body = client.get(reverse("participation:process_dashboard", args=[process.pk])).content
    body = body.decode()
    assert reverse("participation:interview_list", args=[process.pk]) in body
    assert conference.get_absolute_url() in body
    # Nothing recorded in either phase although both are over: never "abgeschlossen".
    assert "abgeschlossen" not in body and "nichts erfasst" in body
    InterviewFactory(process=process)
    body = client.get(reverse("participation:process_dashboard", args=[process.pk])).content
    assert "abgeschlossen" in body.decode()


def test_expert_home_shows_their_processes(client, process, expert_user, make_member):
    other = ProcessFactory(title="Fremder Prozess")
    client.force_login(expert_user)
    body = client.get(reverse("participation:home")).content.decode()
    assert process.title in body and "Ihre Rolle" in body
    assert other.title not in body
    assert "not part of any process" not in body and "an keinem Prozess" not in body
    # The expert still cannot open the dashboard.
    url = reverse("participation:process_dashboard", args=[process.pk])
    assert client.get(url).status_code == 403
