import pytest
from django.urls import reverse

from participation.models import Organisation, Person, Phase, Process
from tests.factories import PersonFactory, PhaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, process):
    for url in [
        reverse("participation:home"),
        reverse("participation:process_dashboard", args=[process.pk]),
        reverse("participation:person_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_sees_dashboard_with_phases(client, process, staff_user):
    PhaseFactory(process=process, title="Auftaktkonferenz", kind=Phase.Kind.CONFERENCE)
    client.force_login(staff_user)
    response = client.get(reverse("participation:process_dashboard", args=[process.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Auftaktkonferenz" in body and process.title in body
    assert 'lang="de"' in body


def test_facilitator_sees_dashboard_read_only(client, process, facilitator_user):
    client.force_login(facilitator_user)
    response = client.get(reverse("participation:process_dashboard", args=[process.pk]))
    assert response.status_code == 200
    assert reverse("participation:process_edit", args=[process.pk]) not in response.content.decode()
    assert client.get(reverse("participation:process_edit", args=[process.pk])).status_code == 403


@pytest.mark.parametrize("who", ["expert_user", "outsider"])
def test_expert_and_outsider_are_refused(client, process, who, request):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("participation:process_dashboard", args=[process.pk])).status_code == 403
    )
    assert (
        client.get(reverse("participation:process_members", args=[process.pk])).status_code == 403
    )
    assert client.get(reverse("participation:person_list")).status_code == 403
    assert client.get(reverse("participation:process_create")).status_code == 403
    assert (
        client.get(reverse("participation:catalogue_list", args=["target-groups"])).status_code
        == 403
    )


def test_home_lists_only_own_processes(client, process, staff_user):
    other = Process.objects.create(
        title="Fremder Prozess", territory="Y", period_start="2025-01-01", period_end="2025-12-31"
    )
    client.force_login(staff_user)
    body = client.get(reverse("participation:home")).content.decode()
    assert process.title in body and other.title not in body


def test_process_create_form(client, platform_staff):
    client.force_login(platform_staff)
    response = client.post(
        reverse("participation:process_create"),
        {
            "title": "Neues Konzept",
            "territory": "Stadt Z",
            "territory_key": "",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "status": "draft",
            "description": "",
        },
    )
    assert response.status_code == 302
    process = Process.objects.get(title="Neues Konzept")
    assert process.memberships.get().user == platform_staff


def test_process_form_bad_input_shows_error_summary_and_writes_nothing(client, platform_staff):
    client.force_login(platform_staff)
    response = client.post(
        reverse("participation:process_create"),
        {
            "title": "",
            "territory": "Stadt Z",
            "territory_key": "12ab",
            "period_start": "2025-05-01",
            "period_end": "2025-01-01",
            "status": "draft",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_title"' in body
    assert not Process.objects.exists()


def test_phase_create_and_bad_dates(client, process, staff_user):
    client.force_login(staff_user)
    url = reverse("participation:phase_create", args=[process.pk])
    bad = client.post(
        url,
        {
            "kind": "survey",
            "title": "Umfrage",
            "start_date": "2025-06-01",
            "end_date": "2025-05-01",
        },
    )
    assert bad.status_code == 400 and not process.phases.exists()
    ok = client.post(
        url,
        {
            "kind": "survey",
            "title": "Umfrage",
            "start_date": "2025-05-01",
            "end_date": "2025-06-01",
        },
    )
    assert ok.status_code == 302 and process.phases.get().order == 1


def test_facilitator_cannot_add_phase(client, process, facilitator_user):
    client.force_login(facilitator_user)
    response = client.post(
        reverse("participation:phase_create", args=[process.pk]),
        {"kind": "survey", "title": "x", "start_date": "2025-05-01", "end_date": "2025-06-01"},
    )
    assert response.status_code == 403 and not process.phases.exists()


def test_members_page_adds_role(client, process, staff_user, outsider):
    client.force_login(staff_user)
    url = reverse("participation:process_members", args=[process.pk])
    response = client.post(url, {"username": outsider.username, "role": "facilitator"})
    assert response.status_code == 302
    assert process.memberships.get(user=outsider).role == "facilitator"
    bad = client.post(url, {"username": "nobody", "role": "facilitator"})
    assert bad.status_code == 400 and "keinen aktiven Benutzer" in bad.content.decode()


def test_person_directory_and_erase(client, process, staff_user):
    person = PersonFactory(first_name="Olena", last_name="Koval")
    person.processes.add(process)
    client.force_login(staff_user)
    assert "Koval" in client.get(reverse("participation:person_list")).content.decode()
    refused = client.post(reverse("participation:person_erase", args=[person.pk]), {})
    assert refused.status_code == 400
    assert Person.objects.get(pk=person.pk).last_name == "Koval"
    done = client.post(reverse("participation:person_erase", args=[person.pk]), {"confirm": "on"})
    assert done.status_code == 302
    assert "Koval" not in client.get(reverse("participation:person_list")).content.decode()


def test_person_form_requires_name_or_email(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("participation:person_create"), {"language": "de"})
    assert response.status_code == 400 and not Person.objects.exists()


def test_organisation_duplicate_name_rejected(client, process, staff_user):
    Organisation.objects.create(name="Caritas")
    client.force_login(staff_user)
    response = client.post(
        reverse("participation:organisation_create"),
        {"name": "Caritas", "kind": "welfare", "processes": [process.pk]},
    )
    assert response.status_code == 400 and Organisation.objects.count() == 1


def test_catalogue_edit_and_unknown_catalogue(client, staff_user):
    client.force_login(staff_user)
    payload = {"code": "roma", "name": "Roma", "name_en": "Roma", "order": 5, "active": "on"}
    url = reverse("participation:catalogue_create", args=["target-groups"])
    assert client.post(url, payload).status_code == 403  # shared: platform administrators
    client.force_login(UserFactory(is_superuser=True))
    ok = client.post(
        reverse("participation:catalogue_create", args=["target-groups"]),
        {"code": "roma", "name": "Roma", "name_en": "Roma", "order": 5, "active": "on"},
    )
    assert ok.status_code == 302
    assert client.get("/catalogues/nonsense/").status_code == 404


def test_language_switch_to_english(client, staff_user, process):
    client.force_login(staff_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(
        reverse("participation:process_dashboard", args=[process.pk])
    ).content.decode()
    assert 'lang="en"' in body and "Phases" in body


def test_german_is_default(client, staff_user, process):
    client.force_login(staff_user)
    body = client.get(
        reverse("participation:process_dashboard", args=[process.pk])
    ).content.decode()
    assert "Phasen" in body


def test_dashboard_query_count_is_bounded(
    client, process, staff_user, django_assert_max_num_queries
):
    for i in range(10):
        PhaseFactory(process=process, order=100 + i)
    client.force_login(staff_user)
    with django_assert_max_num_queries(15):
        client.get(reverse("participation:process_dashboard", args=[process.pk]))


def test_directory_edit_refused_for_facilitator(client, process, facilitator_user):
    person = PersonFactory(last_name="Koval")
    client.force_login(facilitator_user)
    for url in [
        reverse("participation:person_edit", args=[person.pk]),
        reverse("participation:person_create"),
        reverse("participation:organisation_create"),
        reverse("participation:person_erase", args=[person.pk]),
    ]:
        assert client.post(url, {"last_name": "X", "name": "X", "confirm": "on"}).status_code == 403
    person.refresh_from_db()
    assert person.last_name == "Koval" and not person.is_erased
