import pytest

from participation.models import Person, Phase, Process, ProcessMembership
from tests.factories import OrganisationFactory, PersonFactory, PhaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, field):
    assert response.status_code == status, response.content
    body = response.json()
    assert "detail" in body and isinstance(body["errors"], list)
    assert field in [e["field"] for e in body["errors"]], body


def test_anonymous_refused(api_client, process):
    response = api_client.get("/api/v1/processes/")
    assert response.status_code in (401, 403)
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_token_auth(api_client, staff_user, process):
    bad = api_client.post("/api/v1/auth/token/", {"username": staff_user.username, "password": "x"})
    assert bad.status_code in (401, 403)
    missing = api_client.post("/api/v1/auth/token/", {"username": staff_user.username})
    assert_error(missing, 400, "password")
    ok = api_client.post(
        "/api/v1/auth/token/", {"username": staff_user.username, "password": "pw-12345-secret"}
    )
    token = ok.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = api_client.get("/api/v1/processes/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == process.pk


def test_process_list_only_own(api_client, process, staff_user):
    Process.objects.create(
        title="Fremd", territory="Y", period_start="2025-01-01", period_end="2025-12-31"
    )
    api_client.force_authenticate(staff_user)
    data = api_client.get("/api/v1/processes/").json()
    assert [p["title"] for p in data["results"]] == [process.title]


def test_process_create_requires_platform_staff(api_client, outsider, platform_staff):
    payload = {
        "title": "API-Prozess",
        "territory": "Kreis",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    api_client.force_authenticate(outsider)
    assert api_client.post("/api/v1/processes/", payload).status_code == 403
    api_client.force_authenticate(platform_staff)
    response = api_client.post("/api/v1/processes/", payload)
    assert response.status_code == 201, response.content
    assert Process.objects.get(title="API-Prozess").memberships.get().user == platform_staff


def test_process_create_bad_input(api_client, platform_staff):
    api_client.force_authenticate(platform_staff)
    response = api_client.post(
        "/api/v1/processes/",
        {"title": "x", "territory": "K", "period_start": "2025-06-01", "period_end": "2025-01-01"},
    )
    assert_error(response, 400, None)
    assert_error(api_client.post("/api/v1/processes/", {"territory": "K"}), 400, "title")
    bad_date = api_client.post(
        "/api/v1/processes/",
        {"title": "x", "territory": "K", "period_start": "gestern", "period_end": "2025-01-01"},
    )
    assert_error(bad_date, 400, "period_start")
    assert not Process.objects.exists()


def test_process_update_refused_for_facilitator(api_client, process, facilitator_user):
    api_client.force_authenticate(facilitator_user)
    assert api_client.get(f"/api/v1/processes/{process.pk}/").status_code == 200
    response = api_client.patch(f"/api/v1/processes/{process.pk}/", {"title": "neu"})
    assert response.status_code == 403
    process.refresh_from_db()
    assert process.title != "neu"


def test_expert_sees_no_process(api_client, process, expert_user):
    api_client.force_authenticate(expert_user)
    assert api_client.get("/api/v1/processes/").json()["count"] == 0
    assert api_client.get(f"/api/v1/processes/{process.pk}/").status_code == 404


def test_phase_crud_and_refusal(api_client, process, staff_user, facilitator_user):
    api_client.force_authenticate(staff_user)
    created = api_client.post(
        "/api/v1/phases/",
        {
            "process": process.pk,
            "kind": "survey",
            "title": "Umfrage",
            "start_date": "2025-05-01",
            "end_date": "2025-06-01",
        },
    )
    assert created.status_code == 201, created.content
    bad = api_client.post(
        "/api/v1/phases/",
        {
            "process": process.pk,
            "kind": "nonsense",
            "title": "x",
            "start_date": "2025-05-01",
            "end_date": "2025-06-01",
        },
    )
    assert_error(bad, 400, "kind")
    taken = api_client.post(
        "/api/v1/phases/",
        {
            "process": process.pk,
            "kind": "survey",
            "title": "x",
            "order": created.json()["order"],
            "start_date": "2025-05-01",
            "end_date": "2025-06-01",
        },
    )
    assert_error(taken, 400, "order")
    api_client.force_authenticate(facilitator_user)
    refused = api_client.post(
        "/api/v1/phases/",
        {
            "process": process.pk,
            "kind": "survey",
            "title": "Nope",
            "start_date": "2025-05-01",
            "end_date": "2025-06-01",
        },
    )
    assert refused.status_code == 403
    assert api_client.delete(f"/api/v1/phases/{created.json()['id']}/").status_code == 403
    assert Phase.objects.filter(process=process).count() == 1


def test_phase_filter_by_process(api_client, process, staff_user):
    PhaseFactory(process=process, kind=Phase.Kind.WORKSHOPS)
    api_client.force_authenticate(staff_user)
    data = api_client.get(f"/api/v1/phases/?process={process.pk}&kind=workshops").json()
    assert data["count"] == 1
    assert_error(api_client.get("/api/v1/phases/?process=abc"), 400, "process")


def test_catalogues_read_for_all_write_for_staff(api_client, process, facilitator_user, staff_user):
    api_client.force_authenticate(facilitator_user)
    assert api_client.get("/api/v1/target-groups/").json()["count"] == 4
    payload = {"code": "roma", "name": "Roma"}
    assert api_client.post("/api/v1/target-groups/", payload).status_code == 403
    api_client.force_authenticate(staff_user)
    assert api_client.post("/api/v1/target-groups/", payload).status_code == 403
    api_client.force_authenticate(UserFactory(is_superuser=True))
    assert api_client.post("/api/v1/target-groups/", payload).status_code == 201
    assert_error(api_client.post("/api/v1/target-groups/", payload), 400, "code")
    assert_error(
        api_client.post("/api/v1/fields-of-action/", {"code": "a b", "name": "x"}), 400, "code"
    )


def test_people_directory_and_erase(api_client, process, staff_user, facilitator_user):
    person = PersonFactory(first_name="Olena", last_name="Koval")
    person.processes.add(process)
    api_client.force_authenticate(facilitator_user)
    assert api_client.get("/api/v1/people/").status_code == 403
    assert (
        api_client.post(f"/api/v1/people/{person.pk}/erase/", {"confirm": True}).status_code == 403
    )
    api_client.force_authenticate(staff_user)
    assert api_client.get("/api/v1/people/?search=Koval").json()["count"] == 1
    assert_error(api_client.post("/api/v1/people/", {"phone": "1"}), 400, "last_name")
    assert_error(
        api_client.post("/api/v1/people/", {"last_name": "X", "email": "nope"}), 400, "email"
    )
    assert_error(api_client.post(f"/api/v1/people/{person.pk}/erase/", {}), 400, "confirm")
    erased = api_client.post(f"/api/v1/people/{person.pk}/erase/", {"confirm": True})
    assert erased.status_code == 200 and erased.json()["last_name"] == ""
    assert Person.objects.get(pk=person.pk).is_erased


def test_organisations(api_client, process, staff_user, outsider):
    OrganisationFactory(name="Caritas")
    api_client.force_authenticate(outsider)
    assert api_client.get("/api/v1/organisations/").status_code == 403
    api_client.force_authenticate(staff_user)
    assert_error(api_client.post("/api/v1/organisations/", {"name": "Caritas"}), 400, "name")
    assert_error(api_client.post("/api/v1/organisations/", {"name": "X", "kind": "?"}), 400, "kind")
    assert (
        api_client.post(
            "/api/v1/organisations/",
            {"name": "Diakonie", "kind": "welfare", "processes": [process.pk]},
        ).status_code
        == 201
    )


def test_memberships(api_client, process, staff_user, facilitator_user):
    newcomer = UserFactory()
    api_client.force_authenticate(facilitator_user)
    assert (
        api_client.post(
            "/api/v1/memberships/",
            {"process": process.pk, "username": newcomer.username, "role": "staff"},
        ).status_code
        == 403
    )
    api_client.force_authenticate(staff_user)
    assert_error(
        api_client.post(
            "/api/v1/memberships/", {"process": process.pk, "username": "ghost", "role": "staff"}
        ),
        400,
        "username",
    )
    created = api_client.post(
        "/api/v1/memberships/",
        {"process": process.pk, "username": newcomer.username, "role": "expert"},
    )
    assert created.status_code == 201, created.content
    assert ProcessMembership.objects.get(user=newcomer).role == "expert"
    own = ProcessMembership.objects.get(user=staff_user)
    assert_error(api_client.delete(f"/api/v1/memberships/{own.pk}/"), 400, None)


def test_list_query_count(api_client, process, staff_user, django_assert_max_num_queries):
    for _ in range(20):
        PersonFactory()
    api_client.force_authenticate(staff_user)
    with django_assert_max_num_queries(8):
        api_client.get("/api/v1/people/")
    with django_assert_max_num_queries(10):
        api_client.get("/api/v1/processes/")


def test_only_superuser_deletes_process(api_client, process, staff_user, django_user_model):
    api_client.force_authenticate(staff_user)
    assert api_client.delete(f"/api/v1/processes/{process.pk}/").status_code == 403
    assert Process.objects.filter(pk=process.pk).exists()
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    api_client.force_authenticate(admin)
    assert api_client.delete(f"/api/v1/processes/{process.pk}/").status_code == 204
    assert not Process.objects.filter(pk=process.pk).exists()


def test_directory_writes_refused_without_right(api_client, process, facilitator_user):
    person = PersonFactory(last_name="Koval")
    api_client.force_authenticate(facilitator_user)
    assert api_client.post("/api/v1/people/", {"last_name": "Neu"}).status_code == 403
    assert api_client.patch(f"/api/v1/people/{person.pk}/", {"last_name": "X"}).status_code == 403
    assert api_client.post("/api/v1/organisations/", {"name": "Neu"}).status_code == 403
    person.refresh_from_db()
    assert person.last_name == "Koval" and Person.objects.count() == 1
