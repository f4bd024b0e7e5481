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
    _pdf_headings_without_codes()


def _pdf_headings_without_codes():
    """The briefing pack (with the figures of tagged survey questions) and the protocol of a
    documented demo workshop: headings in words, no question or indicator codes; their first
    pages land in test-artifacts to look at. (Part of the demo test: seeding is the slow
    part.)"""
    from django.utils import translation

    from monitoring.models import Indicator
    from surveys.models import Question, Survey
    from surveys.results.models import QuestionTopic
    from tests.e2e.conftest import ARTIFACTS
    from tests.pdf_headings import coded_headings, pdf_headings, render_pages
    from workshops import protocol

    workshop = Workshop.objects.filter(status="documented").order_by("pk").first()
    field = workshop.fields_of_action.get()
    survey = Survey.objects.filter(access_mode="public").first()
    for code in ("services", "german_level"):
        topic, _created = QuestionTopic.objects.get_or_create(survey=survey, question=code)
        topic.fields_of_action.add(field)
    codes = set(Indicator.objects.values_list("code", flat=True)) | set(
        Question.objects.values_list("code", flat=True)
    )
    with translation.override("de"):
        documents = {
            "briefing": protocol.briefing_pdf(workshop),
            "protocol": protocol.protocol_pdf(workshop),
        }
    for name, data in documents.items():
        headings = pdf_headings(data)
        assert len(headings) >= 3, (name, headings)
        assert not coded_headings(headings, codes), (name, coded_headings(headings, codes))
        assert render_pages(data, ARTIFACTS / "pdf" / f"workshop-{name}", first=1, last=2)
    briefing = pdf_headings(documents["briefing"])
    assert "Ergebnisse der Befragungen" in briefing
    assert any(h.startswith("Wie zufrieden sind Sie mit") for h in briefing), briefing
