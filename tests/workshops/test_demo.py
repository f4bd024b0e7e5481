"""The demo: a workshop per field of action, two documented with clusters, votes, protocol."""

from django.core.management import call_command

from participation.models import Statement
from workshops.models import Card, Cluster, Vote, Workshop


def test_seed_demo_holds_a_workshop_per_field_and_two_documented(demo_db, client):
    workshops = Workshop.objects.all()
    assert workshops.count() == 7
    assert {w.fields_of_action.get().code for w in workshops} == {
        "language",
        "education",
        "work",
        "housing",
        "health",
        "participation",
        "administration",
    }
    documented = workshops.filter(status="documented")
    assert documented.count() == 2
    for workshop in documented:
        assert Cluster.objects.filter(workshop=workshop).count() >= 2
        assert Vote.objects.filter(workshop=workshop, status="closed").exists()
        assert workshop.invitations.filter(checked_in_at__isnull=False).exists()
    language = documented.get(fields_of_action__code="language")
    top = Vote.objects.get(workshop=language, mode="dots").items.get(rank=1)
    assert top.label == "Niedrigschwellige Angebote" and top.dots == 8
    accepted = Card.objects.filter(status="accepted").count()
    assert Statement.objects.filter(source_type__model="card").count() == accepted
    call_command("seed_demo")
    assert (
        Workshop.objects.count() == 7 and Card.objects.filter(status="accepted").count() == accepted
    )

    client.login(username="facilitator", password="teilhabe-demo")
    page = client.get(f"/workshops/{language.pk}/protocol/").content.decode()
    assert "Niedrigschwellige Angebote" in page and "matrix-chart" in page
    briefing = client.get(f"/workshops/{language.pk}/briefing/").content.decode()
    assert "Sprachcafés in jeder Stadt" in briefing  # the conference card from the pool
