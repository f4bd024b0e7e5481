from datetime import datetime

import pytest
from django.utils import timezone

from participation.models import FieldOfAction, Person
from tests.factories import ProcessFactory, UserFactory
from workshops import services
from workshops.models import Workshop


@pytest.fixture
def facilitator(process, make_member):
    return make_member(process, "facilitator", first_name="Mia", last_name="Moderation")


@pytest.fixture
def other_facilitator(process, make_member):
    """Facilitator in the same process, but not of this workshop."""
    return make_member(process, "facilitator")


@pytest.fixture
def foreign_staff(db, make_member):
    """Project staff of ANOTHER process."""
    return make_member(ProcessFactory(), "staff")


@pytest.fixture
def make_workshop(process, staff_user, facilitator):
    def make(status=Workshop.Status.RUNNING, **data):
        values = {
            "title": "Workshop Bildung",
            "fields_of_action": [FieldOfAction.objects.get(code="education")],
            "starts_at": timezone.make_aware(datetime(2025, 10, 7, 14, 0)),
            "place": "Kreishaus, Raum 3",
            "capacity": 20,
            "facilitators": [facilitator],
        }
        values.update(data)
        workshop = services.workshop_save(process=process, user=staff_user, **values)
        if status != Workshop.Status.PLANNED:
            path = ["running", "documented", "closed"]
            for step in path[: path.index(status) + 1]:
                workshop = services.workshop_transition(workshop=workshop, user=staff_user, to=step)
        return workshop

    return make


@pytest.fixture
def workshop(make_workshop):
    return make_workshop()


@pytest.fixture
def join(workshop):
    counter = {"n": 0}

    def make(user=None):
        counter["n"] += 1
        participant, _created = services.participant_join(
            workshop=workshop, device_key=f"device-{counter['n']}-key", user=user
        )
        return participant

    return make


@pytest.fixture
def person(process):
    from tests.factories import OrganisationFactory

    p = Person.objects.create(
        first_name="Jonas",
        last_name="Becker",
        email="jonas@example.org",
        language="en",
        organisation=OrganisationFactory(kind="job_centre"),
    )
    p.processes.add(process)
    return p


__all__ = ["UserFactory"]


@pytest.fixture(autouse=True)
def english(settings):
    """The workshop tests read the English messages; test_german_messages checks German.
    The language active before is restored afterwards (requests of the test client activate
    theirs in this thread), so later tests see the project's default again."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()  # rate-limit counters of earlier tests
    before = translation.get_language()
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.activate(before)
