"""The demo shows a living example: a coded interview, a conference with registrations and
table cards, all in the Statement pool; seeding twice creates nothing twice."""

import pytest
from django.core.management import call_command

from participation.models import (
    CodedPassage,
    ConferenceCard,
    Interview,
    Registration,
    Statement,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Interview.objects.count(),
        CodedPassage.objects.count(),
        Registration.objects.count(),
        ConferenceCard.objects.count(),
        Statement.objects.count(),
    )


def test_demo_has_coded_interview_and_conference_and_is_idempotent(demo_db):
    first = _counts()
    interviews, passages, registrations, cards, statements = first
    assert interviews >= 1 and passages >= 3 and registrations >= 5 and cards >= 3
    from workshops.models import Card as WorkshopCard

    workshop_cards = WorkshopCard.objects.filter(status="accepted").count()
    assert statements == passages + cards + workshop_cards
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()
    call_command("seed_demo")
    assert _counts() == first


def test_demo_pages_render_for_staff_and_facilitator(demo_db, client):
    from participation import demo
    from participation.models import Conference

    process = demo.seed().process
    conference = Conference.objects.get(process=process)
    interview = Interview.objects.get(interviewee_pseudonym="I-01")
    client.force_login(demo.seed().users["staff"])
    for url in [
        process.get_absolute_url(),
        f"/processes/{process.pk}/interviews/",
        interview.get_absolute_url(),
        f"/processes/{process.pk}/codes/",
        f"/processes/{process.pk}/coding/",
        "/statements/",
        "/conferences/",
        conference.get_absolute_url(),
        f"/conferences/{conference.pk}/registrations/",
        f"/conferences/{conference.pk}/check-in/?q=a",
        f"/conferences/{conference.pk}/documentation/",
        f"/register/{conference.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    body = client.get(process.get_absolute_url()).content.decode()
    assert "Codierte Textstellen" in body and "Teilnahme" in body


def test_demo_pages_render_for_the_facilitator(demo_db, client):
    from participation import demo
    from participation.models import Conference, TopicTable

    ctx = demo.seed()
    facilitator = ctx.users["facilitator"]
    conference = Conference.objects.get(process=ctx.process)
    own = TopicTable.objects.filter(facilitator=facilitator).first()
    other_interview = Interview.objects.get(interviewee_pseudonym="I-02")
    client.force_login(facilitator)
    for url in [
        ctx.process.get_absolute_url(),
        f"/processes/{ctx.process.pk}/interviews/",
        Interview.objects.get(interviewee_pseudonym="I-01").get_absolute_url(),
        f"/processes/{ctx.process.pk}/codes/",
        "/statements/",
        conference.get_absolute_url(),
        own.get_absolute_url(),
        f"/conferences/{conference.pk}/documentation/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(other_interview.get_absolute_url()).status_code == 403
    assert client.get(f"/conferences/{conference.pk}/check-in/").status_code == 403
