from datetime import date

import pytest

from monitoring import services as monitoring_services
from participation import services as participation_services
from participation.models import (
    Conference,
    FieldOfAction,
    ProcessMembership,
    Statement,
    TopicTable,
)
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory


@pytest.fixture
def standard(db):
    monitoring_services.standard_indicators_load()


@pytest.fixture
def proc(db):
    return ProcessFactory(territory_key="05754", territory="Kreis Gütersloh")


@pytest.fixture
def member(proc):
    def make(role, process=None, **kwargs):
        user = UserFactory(**kwargs)
        ProcessMembership.objects.create(process=process or proc, user=user, role=role)
        return user

    return make


@pytest.fixture
def staff(member):
    return member("staff")


@pytest.fixture
def facilitator(member):
    return member("facilitator")


@pytest.fixture
def other_staff(db):
    """Staff of ANOTHER process: must see and change nothing here."""
    other = ProcessFactory()
    user = UserFactory()
    ProcessMembership.objects.create(process=other, user=user, role="staff")
    return user


@pytest.fixture
def language(db):
    return FieldOfAction.objects.get(code="language")


@pytest.fixture
def org(db):
    return OrganisationFactory(name="VHS Gütersloh")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Jobcenter Kreis Gütersloh")


@pytest.fixture
def ideas(proc, language, staff):
    """Two idea cards written at the kick-off conference (each becomes a Statement)."""
    from participation.conference.services import card_create

    conference = Conference.objects.create(
        process=proc,
        title="Auftaktkonferenz",
        date=date(2025, 5, 1),
        venue="Kreishaus",
        capacity=100,
    )
    table = TopicTable.objects.create(
        conference=conference, field_of_action=language, facilitator=staff
    )
    cards = [
        card_create(table=table, user=staff, text=text, kind=Statement.Kind.IDEA)
        for text in ("Sprachkurse mit Kinderbetreuung anbieten", "Mehr Abendkurse für Berufstätige")
    ]
    return [participation_services.statement_for_source(c) for c in cards]


@pytest.fixture
def make_measure(proc, staff, language):
    from measures import services

    def make(**values):
        values.setdefault("title", "Sprachcafé im Quartier")
        values.setdefault("field_of_action", language)
        return services.measure_save(user=staff, process=proc, **values)

    return make


@pytest.fixture
def adopted(make_measure, staff, org):
    from measures import services

    measure = make_measure(lead_organisation=org, title="Sprachkurse mit Kinderbetreuung")
    for to in ("in_review", "adopted"):
        measure = services.measure_transition(
            user=staff, measure=measure, to=to, reason="Beschluss"
        )
    return measure
