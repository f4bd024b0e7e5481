from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from participation import services
from participation.models import AuditEvent, Person, Phase, Process, ProcessMembership, TargetGroup
from tests.factories import PersonFactory, PhaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_catalogues_are_seeded_by_migration():
    assert TargetGroup.objects.count() == 4
    assert set(TargetGroup.objects.values_list("code", flat=True)) == {
        "immigrants",
        "cse-europe",
        "protection-2015",
        "ukraine",
    }


def test_process_create_makes_creator_staff_and_uses_catalogues(platform_staff):
    process = services.process_create(
        user=platform_staff,
        title="IK 2025",
        territory="Kreis X",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    assert process.memberships.get().role == ProcessMembership.Role.STAFF
    assert process.target_groups.count() == 4
    assert process.fields_of_action.count() == 7
    assert AuditEvent.objects.filter(action="process.create", object_id=str(process.pk)).exists()


def test_process_create_refused_without_right(outsider):
    with pytest.raises(PermissionDenied):
        services.process_create(
            user=outsider,
            title="x",
            territory="y",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 2, 1),
        )
    assert not Process.objects.exists()


def test_process_create_rejects_reversed_period_and_writes_nothing(platform_staff):
    with pytest.raises(ValidationError) as excinfo:
        services.process_create(
            user=platform_staff,
            title="x",
            territory="y",
            period_start=date(2025, 5, 1),
            period_end=date(2025, 2, 1),
        )
    assert "Ende des Zeitraums" in str(excinfo.value)
    assert not Process.objects.exists()
    assert not ProcessMembership.objects.exists()


def test_phase_save_appends_order_and_allows_two_surveys(process, staff_user):
    first = services.phase_save(
        process=process,
        user=staff_user,
        kind=Phase.Kind.SURVEY,
        title="Fachkräfte",
        start_date=date(2025, 3, 1),
        end_date=date(2025, 4, 1),
    )
    second = services.phase_save(
        process=process,
        user=staff_user,
        kind=Phase.Kind.SURVEY,
        title="Bevölkerung",
        start_date=date(2025, 5, 1),
        end_date=date(2025, 6, 1),
    )
    assert (first.order, second.order) == (1, 2)


def test_phase_save_rejects_taken_position(process, staff_user):
    PhaseFactory(process=process, order=3)
    with pytest.raises(ValidationError) as excinfo:
        services.phase_save(
            process=process,
            user=staff_user,
            kind=Phase.Kind.WORKSHOPS,
            title="W",
            start_date=date(2025, 3, 1),
            end_date=date(2025, 4, 1),
            order=3,
        )
    assert "order" in excinfo.value.error_dict
    assert process.phases.count() == 1


def test_person_erase_blanks_personal_data_and_keeps_record(process, staff_user, make_member):
    account = make_member(process, "expert", first_name="Erika", email="erika@example.org")
    person = PersonFactory(user=account, phone="0521 123", notes="Rückruf", function="Leitung")
    person.processes.add(process)
    platform_staff = staff_user
    person = services.person_erase(person=person, user=platform_staff, reason="Anfrage per Mail")
    person.refresh_from_db()
    account.refresh_from_db()
    assert person.is_erased
    assert (person.first_name, person.last_name, person.email, person.phone, person.notes) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert person.display_name.endswith(f"({person.pseudonym})")
    assert person.user is None
    assert not account.is_active and account.email == "" and not account.has_usable_password()
    event = AuditEvent.objects.get(action="person.erase")
    assert "Erika" not in str(event.detail) and "Anfrage" not in str(event.detail)
    # idempotent
    services.person_erase(person=person, user=platform_staff)
    assert AuditEvent.objects.filter(action="person.erase").count() == 1


def test_erased_person_cannot_be_edited(db):
    platform_staff = UserFactory(is_superuser=True)
    person = services.person_erase(person=PersonFactory(), user=platform_staff)
    with pytest.raises(ValidationError):
        services.person_save(user=platform_staff, person=person, first_name="Neu")
    assert Person.objects.get(pk=person.pk).first_name == ""


def test_person_consent_needs_purpose(process, staff_user):
    with pytest.raises(ValidationError):
        services.person_save(
            user=staff_user,
            first_name="A",
            last_name="B",
            consent_to_contact=True,
            processes=[process],
        )
    assert not Person.objects.exists()


def test_membership_set_notifies_once(process, staff_user, django_capture_on_commit_callbacks):
    member = UserFactory(email="neu@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_set(
            process=process, user=staff_user, member=member, role="facilitator"
        )
    membership.refresh_from_db()
    assert membership.notified_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu@example.org"]
    # re-running the task sends nothing more
    assert services.membership_notify(membership_id=membership.pk) is False
    assert len(mail.outbox) == 1


def test_last_staff_member_cannot_be_removed(process, staff_user):
    membership = process.memberships.get(user=staff_user)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership, user=staff_user)
    assert process.memberships.filter(pk=membership.pk).exists()


def test_seed_demo_is_idempotent(demo_db):
    from django.core.management import call_command

    from participation.models import Organisation

    counts = (
        Process.objects.count(),
        Phase.objects.count(),
        Person.objects.count(),
        Organisation.objects.count(),
        ProcessMembership.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Process.objects.count(),
        Phase.objects.count(),
        Person.objects.count(),
        Organisation.objects.count(),
        ProcessMembership.objects.count(),
    )
    assert counts[0] == 1 and counts[1] == 7
