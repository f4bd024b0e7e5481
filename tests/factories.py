from datetime import date

import factory
from django.contrib.auth import get_user_model

from participation.models import FieldOfAction, Organisation, Person, Phase, Process, TargetGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-12345-secret")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Integrationskonzept {n}")
    territory = "Kreis Musterland"
    territory_key = "05754"
    period_start = date(2025, 1, 1)
    period_end = date(2026, 12, 31)
    status = Process.Status.ACTIVE

    @factory.post_generation
    def catalogues(obj, create, extracted, **kwargs):
        if create:
            obj.target_groups.set(TargetGroup.objects.all())
            obj.fields_of_action.set(FieldOfAction.objects.all())


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    kind = Phase.Kind.SURVEY
    title = factory.Sequence(lambda n: f"Phase {n}")
    start_date = date(2025, 3, 1)
    end_date = date(2025, 4, 30)
    order = factory.Sequence(lambda n: n + 1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.WELFARE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda p: f"{p.last_name.lower()}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
