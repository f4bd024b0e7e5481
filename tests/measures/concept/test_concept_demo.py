"""`make run` shows a generated full concept, management summary and 2024 integration report."""

from django.core.management import call_command

from measures.models import ConceptVersion


def test_seed_demo_generates_and_publishes_the_three_documents(
    demo_db, settings, tmp_path, client, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONCEPT_DEMO_DOCUMENTS = True
    # The session's demo was seeded without the documents; seeding again with them generates
    # them, in tasks that start when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    versions = {(v.variant, v.year): v for v in ConceptVersion.objects.all()}
    assert set(versions) == {("full", None), ("summary", None), ("report", 2024)}
    full, summary, report = (
        versions[("full", None)],
        versions[("summary", None)],
        versions[("report", 2024)],
    )
    assert all(v.published and v.pdf and v.docx and v.html for v in versions.values())
    assert summary.pages <= 12 < full.pages
    assert full.measures >= 10 and full.endnotes >= 7
    assert report.pages > 2
    _headings_without_codes(versions.values())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)  # idempotent: nothing generated twice
    assert ConceptVersion.objects.count() == 3
    process = full.concept.process
    client.login(username="expert", password="teilhabe-demo")
    page = client.get(f"/measures/{process.pk}/concept/").content.decode()
    assert (
        "Langfassung" in page and "Managementfassung" in page and "Integrationsbericht 2024" in page
    )
    public = client.get(f"/measures/concept/public/{process.pk}/")
    assert public.status_code == 200


def _headings_without_codes(versions) -> None:
    """The PDFs' headings (their bookmarks) name indicators, measures and questions by their
    words, never by internal codes; the first pages land in test-artifacts to look at."""
    from monitoring.models import Indicator
    from surveys.models import Question
    from tests.e2e.conftest import ARTIFACTS
    from tests.pdf_headings import coded_headings, pdf_headings, render_pages

    codes = set(Indicator.objects.values_list("code", flat=True)) | set(
        Question.objects.values_list("code", flat=True)
    )
    for version in versions:
        with version.pdf.open("rb") as handle:
            data = handle.read()
        headings = pdf_headings(data)
        assert len(headings) > 5, (version.variant, headings)
        assert not coded_headings(headings, codes), (
            version.variant,
            coded_headings(headings, codes),
        )
        name = f"concept-{version.variant}"
        assert render_pages(data, ARTIFACTS / "pdf" / name, first=3, last=4)
