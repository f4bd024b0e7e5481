"""The workshops API: same services and permissions as the pages, refusals included."""

import pytest
from rest_framework.test import APIClient

from workshops import services
from workshops.models import Card, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_facilitator_runs_the_board_through_the_api(api, workshop, facilitator):
    api.force_authenticate(facilitator)
    created = api.post(
        "/api/v1/workshop-cards/",
        {"workshop": workshop.pk, "text": "Idee A", "column": "ideas", "client_key": "c1"},
        format="json",
    )
    assert created.status_code == 201
    again = api.post(
        "/api/v1/workshop-cards/",
        {"workshop": workshop.pk, "text": "Idee A", "column": "ideas", "client_key": "c1"},
        format="json",
    )
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    b = api.post(
        "/api/v1/workshop-cards/",
        {"workshop": workshop.pk, "text": "Idee B", "column": "ideas"},
        format="json",
    ).json()
    a = created.json()
    edited = api.patch(
        f"/api/v1/workshop-cards/{a['id']}/", {"version": 1, "text": "Idee A2"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = api.patch(
        f"/api/v1/workshop-cards/{a['id']}/", {"version": 1, "text": "alt"}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["text"] == "Idee A2"
    moved = api.post(
        f"/api/v1/workshop-cards/{b['id']}/move/", {"version": 1, "position": 0}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["position"] == 0
    cluster = api.post(
        "/api/v1/workshop-clusters/",
        {
            "workshop": workshop.pk,
            "column": "ideas",
            "title": "Sprache",
            "cards": [a["id"], b["id"]],
        },
        format="json",
    )
    assert cluster.status_code == 201
    vote = api.post(
        "/api/v1/workshop-votes/",
        {"workshop": workshop.pk, "title": "Prio", "clusters": [cluster.json()["id"]], "cards": []},
        format="json",
    )
    assert vote.status_code == 400  # one cluster alone is not a choice
    c = api.post(
        "/api/v1/workshop-cards/",
        {"workshop": workshop.pk, "text": "Idee C", "column": "ideas"},
        format="json",
    ).json()
    vote = api.post(
        "/api/v1/workshop-votes/",
        {
            "workshop": workshop.pk,
            "title": "Prio",
            "clusters": [cluster.json()["id"]],
            "cards": [c["id"]],
        },
        format="json",
    )
    assert vote.status_code == 201
    board = api.get(f"/api/v1/workshops/{workshop.pk}/board/").json()
    assert board["vote"]["title"] == "Prio" and len(board["cards"]) == 3
    merged = api.post(
        "/api/v1/workshop-cards/merge/",
        {"workshop": workshop.pk, "cards": [a["id"], b["id"]]},
        format="json",
    )
    assert merged.status_code == 200
    closed = api.post(f"/api/v1/workshop-votes/{vote.json()['id']}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_participants_join_add_cards_and_vote_with_their_device_key(api, workshop, facilitator):
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("Eins", "Zwei")
    ]
    vote = services.vote_open(
        workshop=workshop,
        user=facilitator,
        title="P",
        cards=ideas,
        dots_per_participant=3,
        max_per_item=2,
    )
    first, second = vote.items.order_by("position")
    joined = api.post("/api/v1/workshop-join/", {"code": workshop.join_code}, format="json")
    assert joined.status_code == 201
    key = joined.json()["device_key"]
    headers = {"HTTP_X_WORKSHOP_DEVICE": key}
    card = api.post(
        "/api/v1/workshop-participant-cards/",
        {"code": workshop.join_code, "text": "Vom Handy"},
        format="json",
        **headers,
    )
    assert card.status_code == 201 and card.json()["status"] == "queued"
    bad = [
        ({"vote": vote.pk, "dots": {str(first.pk): 3}}, "At most 2"),
        ({"vote": vote.pk, "dots": {str(first.pk): 2, str(second.pk): 2}}, "you placed 4"),
        ({"vote": vote.pk, "dots": {"999999": 1}}, "not part of this vote"),
    ]
    for body, message in bad:
        response = api.post("/api/v1/workshop-ballots/", body, format="json", **headers)
        assert response.status_code == 400 and message in str(response.json()), body
    ok = api.post(
        "/api/v1/workshop-ballots/",
        {"vote": vote.pk, "dots": {str(first.pk): 2}},
        format="json",
        **headers,
    )
    assert ok.status_code == 201
    twice = api.post(
        "/api/v1/workshop-ballots/",
        {"vote": vote.pk, "dots": {str(second.pk): 1}},
        format="json",
        **headers,
    )
    assert twice.status_code == 400 and "already voted" in str(twice.json())
    anonymous = api.post(
        "/api/v1/workshop-ballots/", {"vote": vote.pk, "dots": {str(second.pk): 1}}, format="json"
    )
    assert anonymous.status_code == 403
    services.vote_close(vote=vote, user=facilitator)
    other = api.post("/api/v1/workshop-join/", {"code": workshop.join_code}, format="json").json()
    late = api.post(
        "/api/v1/workshop-ballots/",
        {"vote": vote.pk, "dots": {str(first.pk): 1}},
        format="json",
        HTTP_X_WORKSHOP_DEVICE=other["device_key"],
    )
    assert late.status_code == 400 and "closed" in str(late.json())
    assert Vote.objects.get().ballots.count() == 1
    assert api.post("/api/v1/workshop-join/", {"code": "NOPE99"}, format="json").status_code == 404


@pytest.mark.parametrize("who", ["other_facilitator", "foreign_staff", "expert_user", "outsider"])
def test_api_refuses_editing_to_everyone_else(api, workshop, facilitator, who, request):
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="A", column="ideas")
    api.force_authenticate(request.getfixturevalue(who))
    create = api.post(
        "/api/v1/workshop-cards/",
        {"workshop": workshop.pk, "text": "x", "column": "ideas"},
        format="json",
    )
    assert create.status_code in (403, 404)
    patch = api.patch(
        f"/api/v1/workshop-cards/{card.pk}/", {"version": 1, "text": "x"}, format="json"
    )
    assert patch.status_code in (403, 404)
    transition = api.post(
        f"/api/v1/workshops/{workshop.pk}/transition/", {"to": "documented"}, format="json"
    )
    assert transition.status_code in (403, 404)
    vote = api.post(
        "/api/v1/workshop-votes/", {"workshop": workshop.pk, "cards": [card.pk]}, format="json"
    )
    assert vote.status_code in (403, 404)
    assert Card.objects.get().text == "A" and not Vote.objects.exists()


@pytest.mark.parametrize("who", ["foreign_staff", "expert_user", "outsider"])
def test_api_hides_workshops_outside_the_users_processes(api, workshop, who, request):
    api.force_authenticate(request.getfixturevalue(who))
    listing = api.get("/api/v1/workshops/")
    assert listing.status_code in (200, 403)
    if listing.status_code == 200:
        assert listing.json()["count"] == 0
    assert api.get(f"/api/v1/workshops/{workshop.pk}/").status_code in (403, 404)
    assert api.get(f"/api/v1/workshops/{workshop.pk}/board/").status_code in (403, 404)


def test_staff_creates_a_workshop_and_a_facilitator_may_not(api, process, staff_user, facilitator):
    body = {
        "process": process.pk,
        "title": "Workshop Wohnen",
        "fields_of_action": ["housing"],
        "starts_at": "2025-11-04T14:00:00Z",
        "place": "Kreishaus",
        "capacity": 15,
        "facilitators": [facilitator.pk],
    }
    api.force_authenticate(facilitator)
    assert api.post("/api/v1/workshops/", body, format="json").status_code == 403
    api.force_authenticate(staff_user)
    response = api.post("/api/v1/workshops/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "planned" and len(response.json()["join_code"]) == 6
    refused = api.post(
        f"/api/v1/workshops/{response.json()['id']}/transition/", {"to": "closed"}, format="json"
    )
    assert refused.status_code == 400 and "cannot become" in str(refused.json())


def test_workshops_are_in_the_openapi_schema(api, staff_user):
    api.force_authenticate(staff_user)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/workshops/",
        "/api/v1/workshop-cards/{id}/move/",
        "/api/v1/workshop-cards/merge/",
        "/api/v1/workshop-votes/{id}/close/",
        "/api/v1/workshop-ballots/",
        "/api/v1/workshop-join/",
    ):
        assert path in paths, path


def test_dashboard_shows_the_workshop_phase_figures(
    client, workshop, facilitator, staff_user, process
):
    from tests.factories import PhaseFactory

    PhaseFactory(process=process, kind="workshops", title="Workshops")
    services.card_create(workshop=workshop, user=facilitator, text="A", column="ideas")
    client.force_login(staff_user)
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Workshop cards" in page or "Workshop-Karten" in page


def test_a_ballot_needs_a_device_that_joined_this_very_workshop(
    api, workshop, make_workshop, facilitator
):
    from workshops.models import Ballot

    other = make_workshop(title="Workshop Arbeit")
    ideas = [
        services.card_create(workshop=workshop, user=facilitator, text=t, column="ideas")[0]
        for t in ("Eins", "Zwei")
    ]
    vote = services.vote_open(
        workshop=workshop, user=facilitator, title="P", cards=ideas, dots_per_participant=3
    )
    item = vote.items.first()
    joined_other = api.post("/api/v1/workshop-join/", {"code": other.join_code}, format="json")
    headers = {"HTTP_X_WORKSHOP_DEVICE": joined_other.json()["device_key"]}
    body = {"vote": vote.pk, "dots": {str(item.pk): 1}}
    refused = api.post("/api/v1/workshop-ballots/", body, format="json", **headers)
    assert refused.status_code == 403
    unknown = api.post(
        "/api/v1/workshop-ballots/", {**body, "vote": 999999}, format="json", **headers
    )
    assert unknown.status_code == 404
    long_key = {"HTTP_X_WORKSHOP_DEVICE": "x" * 101}
    assert api.post("/api/v1/workshop-ballots/", body, format="json", **long_key).status_code == 403
    assert not Ballot.objects.exists()
