"""Factories for interviews, coding, the conference and statements."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from participation.models import (
    Code,
    Conference,
    FieldOfAction,
    Interview,
    Registration,
    TopicTable,
)
from tests.factories import ProcessFactory, UserFactory

TRANSCRIPT = (
    "I: Wie sind Sie angekommen?\n"
    "B: Eine Nachbarin hat uns geholfen. Der Sprachkurs hatte eine lange Warteliste.\n"
    "I: Und die Arbeit?\n"
    "B: Mein Abschluss wird nicht anerkannt. Eine Beratung wäre gut."
)


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    process = factory.SubFactory(ProcessFactory)
    held_on = date(2025, 3, 1)
    facilitator = factory.SubFactory(UserFactory)
    interviewee_pseudonym = factory.Sequence(lambda n: f"I-{n:02d}")
    consent_given_on = date(2025, 3, 1)
    consent_scope = "Transkript und anonymisierte Zitate"
    transcript = TRANSCRIPT


class CodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Code

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Code {n}")


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Auftaktkonferenz {n}")
    # Ahead of today: the public registration closes by itself once the conference has begun.
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    venue = "Kreishaus"
    capacity = 3


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Gast {n}")
    email = factory.Sequence(lambda n: f"gast{n}@example.org")
    consent = True


class TopicTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicTable

    conference = factory.SubFactory(ConferenceFactory)
    facilitator = factory.SubFactory(UserFactory)
    field_of_action = factory.LazyFunction(lambda: FieldOfAction.objects.order_by("order").first())
