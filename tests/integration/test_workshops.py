"""Workshops against the real PostgreSQL and a real Celery worker: invitation and protocol emails
go through the worker once each; ballots racing the closing of a vote are either counted or
refused, never stored uncounted; parallel joins get distinct numbers."""

import threading
import time
from datetime import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from participation.models import FieldOfAction, Person, ProcessMembership
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory
from workshops import services
from workshops.models import Ballot, Participant

pytestmark = pytest.mark.integration


def _setup():
    from participation.catalogue_data import ensure_catalogues
    from participation.models import TargetGroup

    ensure_catalogues(TargetGroup, FieldOfAction)
    process = ProcessFactory()
    staff = UserFactory()
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    workshop = services.workshop_save(
        process=process,
        user=staff,
        title="Workshop Arbeit",
        fields_of_action=[FieldOfAction.objects.get(code="work")],
        starts_at=timezone.make_aware(datetime(2025, 11, 4, 14, 0)),
        place="Jobcenter",
        facilitators=[staff],
    )
    return process, staff, workshop


def _wait(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_invitations_and_protocol_go_through_the_worker(celery_worker_process):
    process, staff, workshop = _setup()
    person = Person.objects.create(
        first_name="Jonas", email="jonas@example.org", organisation=OrganisationFactory()
    )
    person.processes.add(process)
    services.invitations_create(workshop=workshop, user=staff, people=[person])
    with transaction.atomic():
        services.invitations_send(workshop=workshop, user=staff)
    invitation = workshop.invitations.get()
    assert _wait(lambda: workshop.invitations.filter(sent_at__isnull=False).exists())
    services.invitation_check_in(invitation=invitation, user=staff)
    workshop = services.workshop_transition(workshop=workshop, user=staff, to="running")
    workshop = services.workshop_transition(workshop=workshop, user=staff, to="documented")
    with transaction.atomic():
        assert services.protocol_send(workshop=workshop, user=staff) == 1
    assert _wait(lambda: workshop.invitations.filter(protocol_sent_at__isnull=False).exists())
    log = celery_worker_process["log"].read_text()
    assert "workshops.send_invitation" in log and "workshops.send_protocol" in log


def test_ballots_racing_the_close_are_counted_or_refused(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    process, staff, workshop = _setup()
    workshop = services.workshop_transition(workshop=workshop, user=staff, to="running")
    ideas = [
        services.card_create(workshop=workshop, user=staff, text=f"Idee {n}", column="ideas")[0]
        for n in range(3)
    ]
    participants = []
    errors = []

    def join(n):
        try:
            participants.append(
                services.participant_join(workshop=workshop, device_key=f"device-{n:04d}")[0]
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({p.number for p in participants}) == 40 == Participant.objects.count()
    vote = services.vote_open(workshop=workshop, user=staff, title="P", cards=ideas)
    item = vote.items.first()
    acknowledged = []

    def cast(participant):
        try:
            services.ballot_cast(vote=vote, participant=participant, dots={item.pk: 1})
            acknowledged.append(participant.pk)
        except Exception:  # noqa: BLE001 - refused after closing
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(p,)) for p in participants]
    for t in threads[:20]:
        t.start()
    services.vote_close(vote=vote, user=staff)
    for t in threads[20:]:
        t.start()
    for t in threads:
        t.join()
    item.refresh_from_db()
    stored = Ballot.objects.filter(vote=vote).count()
    assert stored == len(acknowledged) == item.dots
