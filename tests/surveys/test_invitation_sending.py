"""Sending invitations: no row lock while the mail server talks, temporary failures retried,
permanent refusals recorded and shown to staff, one rate limit for all workers."""

import smtplib

import pytest
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from surveys import tasks
from surveys.models import Invitation
from surveys.services import invitations as inv


@pytest.fixture
def invitation(make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    inv.invitations_import(survey=survey, user=None, rows=[{"email": "a@example.org"}])
    return Invitation.objects.get(survey=survey)


def _refuse(exc):
    def send(self, fail_silently=False):
        raise exc

    return send


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_mail_server_talks(invitation, monkeypatch):
    seen = {}

    def send(self, fail_silently=False):
        seen["in_transaction"] = transaction.get_connection().in_atomic_block
        # The claim is committed before the mail server is asked.
        seen["claimed"] = Invitation.objects.get(pk=invitation.pk).sent_at is not None
        return 1

    monkeypatch.setattr(EmailMessage, "send", send)
    assert inv.invitation_send(invitation_id=invitation.pk) is True
    assert seen == {"in_transaction": False, "claimed": True}
    assert inv.invitation_send(invitation_id=invitation.pk) is False  # at most once


@pytest.mark.django_db
def test_permanent_refusal_is_recorded_and_shown_to_staff(
    invitation, monkeypatch, client, staff_user
):
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 no such user")})
    monkeypatch.setattr(EmailMessage, "send", _refuse(refused))
    assert inv.invitation_send(invitation_id=invitation.pk) is False  # no retry
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.last_error == "550 5.1.1 no such user"
    client.force_login(staff_user)
    page = client.get(reverse("surveys:invitation_list", args=[invitation.survey_id]))
    text = page.content.decode()
    assert "nicht zugestellt" in text and "5.1.1 no such user" in text


@pytest.mark.django_db
def test_temporary_failure_undoes_the_claim_and_raises_for_a_retry(invitation, monkeypatch):
    monkeypatch.setattr(EmailMessage, "send", _refuse(smtplib.SMTPServerDisconnected("gone")))
    with pytest.raises(OSError):
        inv.invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None and "gone" in invitation.last_error
    greylisted = smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"try later")})
    monkeypatch.setattr(EmailMessage, "send", _refuse(greylisted))
    with pytest.raises(OSError):
        inv.invitation_send(invitation_id=invitation.pk)
    monkeypatch.undo()
    assert inv.invitation_send(invitation_id=invitation.pk) is True
    invitation.refresh_from_db()
    assert invitation.sent_at and invitation.last_error == ""


def test_global_rate_limit_counts_across_callers(settings):
    from django.core.cache import cache

    from config.celery import global_rate_wait

    cache.clear()
    waits = [global_rate_wait("test-key", "3/m") for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert all(0 < w <= 60 for w in waits[3:])
    assert global_rate_wait("other-key", "1/h") == 0.0


@pytest.mark.django_db
def test_invitation_task_over_the_limit_queues_itself_for_later(invitation, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "global_rate_wait", lambda key, rate: 42.0)
    monkeypatch.setattr(
        tasks.send_invitation, "apply_async", lambda args, countdown: queued.append(countdown)
    )
    # .run() outside eager mode: the path a worker takes.
    assert tasks.send_invitation.run(invitation.pk) is False
    assert len(queued) == 1 and 42 <= queued[0] <= 47
    invitation.refresh_from_db()
    assert invitation.sent_at is None


@pytest.mark.django_db
def test_refusal_visible_in_the_api(invitation, monkeypatch, api_client, staff_user):
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"mailbox unavailable")})
    monkeypatch.setattr(EmailMessage, "send", _refuse(refused))
    inv.invitation_send(invitation_id=invitation.pk)
    api_client.force_authenticate(staff_user)
    body = api_client.get(f"/api/v1/survey-invitations/{invitation.pk}/").json()
    assert body["last_error"] == "550 mailbox unavailable" and body["sent_at"] is None
