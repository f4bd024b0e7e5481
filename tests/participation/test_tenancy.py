"""The directory and catalogues keep counties apart; erasure touches only what it may; the
audit trail outlives its process."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from participation import services
from participation.interviews import services as interview_services
from participation.models import AuditEvent, Organisation, Person, Process, Statement, TargetGroup
from tests.factories import OrganisationFactory, PersonFactory, ProcessFactory, UserFactory

from .factories import CodeFactory, ConferenceFactory, InterviewFactory, RegistrationFactory


@pytest.fixture
def two(db, make_member):
    a, b = ProcessFactory(title="Prozess A"), ProcessFactory(title="Prozess B")
    return a, b, make_member(a, "staff"), make_member(b, "staff")


def _person(process, **kwargs):
    person = PersonFactory(**kwargs)
    person.processes.add(process)
    person.organisation.processes.add(process)
    return person


# --- directory --------------------------------------------------------------------------------


def test_staff_see_and_edit_only_their_processes_people_and_organisations(client, two):
    a, b, staff_a, _staff_b = two
    mine, theirs = _person(a, last_name="Eigen"), _person(b, last_name="Fremd")
    client.force_login(staff_a)
    listing = client.get(reverse("participation:person_list")).content.decode()
    assert "Eigen" in listing and "Fremd" not in listing
    orgs = client.get(reverse("participation:organisation_list")).content.decode()
    assert mine.organisation.name in orgs and theirs.organisation.name not in orgs
    for name, pk in [
        ("participation:person_edit", theirs.pk),
        ("participation:person_erase", theirs.pk),
        ("participation:organisation_edit", theirs.organisation.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse(name, args=[pk]), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_erased
    with pytest.raises(PermissionDenied):
        services.person_save(user=staff_a, person=theirs, last_name="Umbenannt")
    with pytest.raises(PermissionDenied):
        services.organisation_save(user=staff_a, organisation=theirs.organisation, name="X")
    with pytest.raises(PermissionDenied):
        services.person_erase(person=theirs, user=staff_a)


def test_the_api_directory_is_scoped_too(api_client, two):
    a, b, staff_a, _staff_b = two
    _person(a, last_name="Eigen")
    theirs = _person(b, last_name="Fremd")
    api_client.force_authenticate(staff_a)
    names = [p["last_name"] for p in api_client.get("/api/v1/people/").json()["results"]]
    assert names == ["Eigen"]
    assert api_client.get(f"/api/v1/people/{theirs.pk}/").status_code == 404
    assert api_client.patch(f"/api/v1/people/{theirs.pk}/", {"notes": "x"}).status_code == 404
    erase = api_client.post(f"/api/v1/people/{theirs.pk}/erase/", {"confirm": True})
    assert erase.status_code == 404
    org = theirs.organisation
    assert api_client.patch(f"/api/v1/organisations/{org.pk}/", {"name": "X"}).status_code == 404
    # a new entry must belong to one of the staff's own processes
    refused = api_client.post("/api/v1/people/", {"last_name": "Neu", "processes": [b.pk]})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "processes"
    made = api_client.post("/api/v1/people/", {"last_name": "Neu", "processes": [a.pk]})
    assert made.status_code == 201
    refused = api_client.post("/api/v1/organisations/", {"name": "Träger", "processes": []})
    assert refused.status_code == 400
    assert not Organisation.objects.filter(name="Träger").exists()


def test_editing_a_shared_person_keeps_the_other_process(two):
    a, b, staff_a, _staff_b = two
    shared = _person(a)
    shared.processes.add(b)
    services.person_save(user=staff_a, person=shared, processes=[a], notes="neu")
    assert set(shared.processes.all()) == {a, b}
    with pytest.raises(ValidationError):
        services.person_save(user=staff_a, person=shared, organisation=OrganisationFactory())


# --- catalogues -------------------------------------------------------------------------------


def test_shared_catalogue_entries_are_edited_by_platform_administrators_only(
    client, api_client, two
):
    _a, _b, staff_a, _staff_b = two
    group = TargetGroup.objects.first()
    client.force_login(staff_a)
    assert (
        client.get(reverse("participation:catalogue_list", args=["target-groups"])).status_code
        == 200
    )
    edit = reverse("participation:catalogue_edit", args=["target-groups", group.pk])
    assert client.post(edit, {"code": group.code, "name": "Umbenannt"}).status_code == 403
    api_client.force_authenticate(staff_a)
    assert api_client.patch(f"/api/v1/target-groups/{group.pk}/", {"name": "X"}).status_code == 403
    group.refresh_from_db()
    assert group.name not in ("Umbenannt", "X")
    root = UserFactory(is_superuser=True)
    api_client.force_authenticate(root)
    assert (
        api_client.patch(f"/api/v1/target-groups/{group.pk}/", {"name": "Neu"}).status_code == 200
    )


# --- erasure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_erasure_never_locks_out_a_staff_or_superuser_account(two, flag):
    a, _b, staff_a, _ = two
    account = UserFactory(**{flag: True})
    person = _person(a)
    Person.objects.filter(pk=person.pk).update(user=account)
    person.refresh_from_db()
    services.person_erase(person=person, user=staff_a)
    account.refresh_from_db()
    assert account.is_active and account.has_usable_password()
    assert not account.username.startswith("erased-")
    event = AuditEvent.objects.get(action="person.erase")
    assert event.detail["account_kept"] and not event.detail["account_erased"]


def test_erasure_spares_an_account_with_a_role_in_another_process(two, make_member):
    a, b, staff_a, _ = two
    account = make_member(b, "facilitator")
    person = _person(a)
    Person.objects.filter(pk=person.pk).update(user=account)
    person.refresh_from_db()
    services.person_erase(person=person, user=staff_a)
    account.refresh_from_db()
    assert account.is_active and Person.objects.get(pk=person.pk).user is None


def test_erasure_deactivates_the_account_its_process_gave(two, make_member):
    a, _b, staff_a, _ = two
    account = make_member(a, "expert")
    person = _person(a)
    Person.objects.filter(pk=person.pk).update(user=account)
    person.refresh_from_db()
    services.person_erase(person=person, user=staff_a)
    account.refresh_from_db()
    assert not account.is_active and account.email == "" and not account.has_usable_password()


def test_erasure_covers_registrations_and_names_in_coded_statements(two):
    a, b, staff_a, _ = two
    person = _person(a, first_name="Mira", last_name="Okafor", email="mira@example.org")
    mine = RegistrationFactory(
        conference=ConferenceFactory(process=a),
        name="Mira Okafor",
        email="MIRA@example.org",
        accessibility_needs="Rollstuhl",
    )
    elsewhere = RegistrationFactory(
        conference=ConferenceFactory(process=b), name="Mira Okafor", email="mira@example.org"
    )
    interview = InterviewFactory(
        process=a,
        interviewee=person,
        interviewee_pseudonym="",
        transcript="B: Ich bin Mira Okafor und Okafor ist mein Name. Mehr Kurse wären gut.",
    )
    passage = interview_services.passage_code(
        interview=interview,
        user=staff_a,
        start=3,
        end=len(interview.transcript),
        codes=[CodeFactory(process=a)],
    )
    services.person_erase(person=person, user=staff_a)
    mine.refresh_from_db()
    assert "Mira" not in mine.name and mine.email.endswith(".invalid")
    assert mine.accessibility_needs == "" and mine.organisation == ""
    elsewhere.refresh_from_db()  # another county's conference is theirs to handle
    assert elsewhere.name == "Mira Okafor"
    statement = Statement.objects.get(source_id=passage.pk)
    assert "Okafor" not in statement.text and "Mira" not in statement.text
    assert person.pseudonym in statement.text


# --- audit ------------------------------------------------------------------------------------


def test_the_audit_trail_survives_the_deletion_of_its_process(two):
    a, _b, staff_a, _ = two
    services.phase_save(
        process=a,
        user=staff_a,
        kind="survey",
        title="P",
        start_date="2025-01-01",
        end_date="2025-02-01",
    )
    pk, title = a.pk, a.title
    root = UserFactory(is_superuser=True)
    services.process_delete(process=a, user=root)
    assert not Process.objects.filter(pk=pk).exists()
    events = AuditEvent.objects.filter(process_ref=pk)
    assert {e.action for e in events} >= {"phase.save", "process.delete"}
    assert all(e.process_title == title and e.process_id is None for e in events)
    with pytest.raises(PermissionDenied):
        services.process_delete(process=two[1], user=staff_a)


def test_nobody_deletes_audit_events_in_the_admin(client, two):
    a, _b, staff_a, _ = two
    services.process_update(process=a, user=staff_a, title="Neu")
    event = AuditEvent.objects.first()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:participation_auditevent_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
