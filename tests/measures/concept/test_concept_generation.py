"""Generation as a job: progress, versions with fingerprint, a failure that keeps the previous
version, the comparison of versions, chapter order and the summary's choice."""

import pytest
from django.core.exceptions import ValidationError

from measures.concept import compare, services
from measures.models import Chapter, ConceptVersion, GenerationJob, Measure

pytestmark = pytest.mark.django_db


def _generate(data, capture, variant="summary", **kwargs):
    services.summary_select(concept=data.concept, user=data.staff, findings=[data.finding])
    with capture(execute=True):
        job = services.concept_generate(
            concept=data.concept, user=data.staff, variant=variant, **kwargs
        )
    job.refresh_from_db()
    return job


def test_generation_stores_a_version_with_files_fingerprint_and_who_asked(
    concept_data,
    django_capture_on_commit_callbacks,
):
    job = _generate(concept_data, django_capture_on_commit_callbacks)
    assert job.status == GenerationJob.Status.DONE and job.progress == 100
    version = job.version
    assert version.number == 1 and version.created_by == concept_data.staff
    assert len(version.fingerprint) == 64
    assert version.pdf and version.docx and version.html
    assert version.pages >= 2 and version.measures >= 1 and version.endnotes >= 2
    assert version.pdf.read(5) == b"%PDF-"


def test_regenerating_keeps_old_versions_and_the_comparison_lists_what_changed(
    concept_data,
    django_capture_on_commit_callbacks,
):
    first = _generate(concept_data, django_capture_on_commit_callbacks).version
    concept_data.measure.title = "Kita-Lotsinnen, neu zugeschnitten"
    concept_data.measure.progress = 60
    concept_data.measure.save()
    Measure.objects.create(
        process=concept_data.process,
        number=3,
        title="Sprachcafés im Ehrenamt",
        field_of_action=concept_data.measure.field_of_action,
        priority="high",
    )
    concept_data.finding.current_state += " Ergänzt."
    concept_data.finding.save()
    second = _generate(concept_data, django_capture_on_commit_callbacks).version
    assert ConceptVersion.objects.filter(concept=concept_data.concept).count() == 2
    assert second.number == 2 and second.fingerprint != first.fingerprint
    diff = compare.diff(first.snapshot, second.snapshot)
    assert ("M-003", "Sprachcafés im Ehrenamt") in diff.measures_added
    changed = {code: changes for code, _t, changes in diff.measures_changed}
    assert ("Fortschritt", "40", "60") in changed["M-001"]
    assert concept_data.finding.title in diff.findings_edited


def test_same_data_gives_the_same_fingerprint(concept_data, django_capture_on_commit_callbacks):
    a = _generate(concept_data, django_capture_on_commit_callbacks).version
    b = _generate(concept_data, django_capture_on_commit_callbacks).version
    assert a.fingerprint == b.fingerprint
    assert compare.diff(a.snapshot, b.snapshot).empty


def test_a_failed_generation_keeps_the_previous_version_and_says_why(
    concept_data,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    good = _generate(concept_data, django_capture_on_commit_callbacks).version

    def broken(doc):
        raise RuntimeError("font missing")

    monkeypatch.setattr("measures.concept.render_pdf.render", broken)
    job = _generate(concept_data, django_capture_on_commit_callbacks)
    assert job.status == GenerationJob.Status.FAILED
    assert "font missing" in job.error and "konnte nicht erstellt werden" in job.error
    assert job.version is None
    assert list(ConceptVersion.objects.filter(concept=concept_data.concept)) == [good]
    good.refresh_from_db()
    assert good.pdf.read(5) == b"%PDF-"


def test_report_needs_a_year_and_a_second_job_waits(concept_data):
    with pytest.raises(ValidationError) as error:
        services.concept_generate(
            concept=concept_data.concept, user=concept_data.staff, variant="report"
        )
    assert "year" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.concept_generate(
            concept=concept_data.concept, user=concept_data.staff, variant="report", year=1800
        )
    services.concept_generate(concept=concept_data.concept, user=concept_data.staff, variant="full")
    with pytest.raises(ValidationError) as error:
        services.concept_generate(
            concept=concept_data.concept, user=concept_data.staff, variant="full"
        )
    assert "already" in str(error.value) or "bereits" in str(error.value)


def test_report_of_a_year_compares_with_last_years_report(
    concept_data, django_capture_on_commit_callbacks
):
    last = _generate(concept_data, django_capture_on_commit_callbacks, variant="report", year=2023)
    assert last.status == "done", last.error
    concept_data.measure.status = "completed"
    concept_data.measure.progress = 100
    concept_data.measure.save()
    built = services.build_files(
        concept_data.concept, variant="report", year=2024, language="de", formats=("html",)
    )
    html = built.files["html"].decode()
    assert "Im Vergleich zum Integrationsbericht 2023" in html
    assert "Geänderte Maßnahmen" in html and "M-001" in html
    assert "Veränderte Zahlen" in html  # 2024 figures differ from 2023's


def test_chapters_move_and_keep_unique_positions(concept_data):
    chapters = list(concept_data.concept.chapters.order_by("order"))
    second = chapters[1]
    services.chapter_move(chapter=second, user=concept_data.staff, direction="up")
    order = list(concept_data.concept.chapters.order_by("order").values_list("pk", flat=True))
    assert order[:2] == [second.pk, chapters[0].pk]
    with pytest.raises(ValidationError):
        services.chapter_move(
            chapter=Chapter.objects.get(pk=second.pk), user=concept_data.staff, direction="up"
        )
    services.chapters_reorder(
        concept=concept_data.concept, user=concept_data.staff, order=list(reversed(order))
    )
    assert list(
        concept_data.concept.chapters.order_by("order").values_list("pk", flat=True)
    ) == list(reversed(order))
    with pytest.raises(ValidationError):
        services.chapters_reorder(
            concept=concept_data.concept, user=concept_data.staff, order=order[:-1]
        )


def test_concept_ensure_adds_a_chapter_for_a_new_field_of_action(concept_data):
    from participation.models import FieldOfAction

    before = concept_data.concept.chapters.count()
    field = FieldOfAction.objects.exclude(
        pk__in=concept_data.process.fields_of_action.all()
    ).first()
    concept_data.process.fields_of_action.add(field)
    services.concept_ensure(process=concept_data.process)
    assert concept_data.concept.chapters.count() == before + 1
    assert concept_data.concept.chapters.filter(field_of_action=field).exists()


def test_summary_choice_must_stay_in_the_process(concept_data):
    from tests.measures.concept.helpers import build

    other = build("education")
    with pytest.raises(ValidationError):
        services.summary_select(
            concept=concept_data.concept, user=concept_data.staff, measures=[other.measure]
        )
    services.summary_select(
        concept=concept_data.concept, user=concept_data.staff, measures=[concept_data.measure]
    )
    assert list(concept_data.concept.summary_measures.all()) == [concept_data.measure]
