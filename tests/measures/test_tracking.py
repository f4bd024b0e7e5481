"""Implementation tracking: personal links, schedule and reminders, reports on own measures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from measures import services, tasks
from measures.models import Measure, MeasureDecision, ProgressReport, ReportingLink


@pytest.fixture
def link(adopted, staff, proc, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.reporting_link_create(
            user=staff,
            process=proc,
            organisation=org,
            contact_name="Frau Beispiel",
            contact_email="vhs@example.org",
        )


def test_link_is_mailed_once_on_creation(link):
    assert len(mail.outbox) == 1
    assert link.token in mail.outbox[0].body
    assert "M-001" in mail.outbox[0].body
    assert tasks.send_progress_request(link.pk) is False  # idempotent
    assert len(mail.outbox) == 1


def test_link_only_for_organisations_that_lead_a_measure(proc, staff, other_org, adopted):
    with pytest.raises(ValidationError):
        services.reporting_link_create(
            user=staff,
            process=proc,
            organisation=other_org,
            contact_name="x",
            contact_email="x@example.org",
        )


def test_link_creation_refused_for_facilitators(proc, facilitator, org, adopted):
    with pytest.raises(PermissionDenied):
        services.reporting_link_create(
            user=facilitator,
            process=proc,
            organisation=org,
            contact_name="x",
            contact_email="x@example.org",
        )


def test_beat_reminds_due_links_once_per_interval(link, settings):
    settings.MEASURES_REMINDER_DAYS = 7
    assert tasks.send_progress_requests() == 0  # just mailed
    # due for ten days, asked eight days ago: a reminder
    ReportingLink.objects.filter(pk=link.pk).update(
        next_due_on=timezone.localdate() - timedelta(days=10),
        last_reminded_at=timezone.now() - timedelta(days=8),
    )
    assert tasks.send_progress_requests() == 1
    assert "Reminder" in mail.outbox[-1].subject or "Erinnerung" in mail.outbox[-1].subject
    assert tasks.send_progress_requests() == 0
    link.refresh_from_db()
    assert link.reminders_sent == 1


def test_not_due_links_are_not_reminded(link):
    ReportingLink.objects.filter(pk=link.pk).update(
        next_due_on=timezone.localdate() + timedelta(days=30),
        last_reminded_at=timezone.now() - timedelta(days=60),
    )
    assert tasks.send_progress_requests() == 0


def test_report_through_link_updates_measure_and_schedule(link, adopted):
    report = services.progress_report_submit(
        link=link, measure=adopted, progress=40, note="Zwei Kurse laufen"
    )
    adopted.refresh_from_db()
    assert adopted.status == "in_progress" and adopted.progress == 40
    assert report.reporting_link == link and report.status == "in_progress"
    decision = MeasureDecision.objects.filter(measure=adopted).latest("id")
    assert decision.reporting_link == link and decision.actor is None
    link.refresh_from_db()
    assert link.next_due_on > timezone.localdate() and link.last_reported_at
    # nothing left to report this period: no reminder
    ReportingLink.objects.filter(pk=link.pk).update(last_reminded_at=None)
    assert tasks.send_progress_requests() == 0


def test_link_may_complete_but_not_decide_reviews(link, adopted):
    services.progress_report_submit(link=link, measure=adopted, progress=100, status="completed")
    adopted.refresh_from_db()
    assert adopted.status == "completed" and adopted.progress == 100
    with pytest.raises(ValidationError):
        services.progress_report_submit(link=link, measure=adopted, progress=100)


def test_link_refused_for_measure_of_another_organisation(link, make_measure, other_org, staff):
    foreign = make_measure(title="Jobcenter-Maßnahme", lead_organisation=other_org)
    for to in ("in_review", "adopted"):
        foreign = services.measure_transition(user=staff, measure=foreign, to=to, reason="x")
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(link=link, measure=foreign, progress=10)
    assert not ProgressReport.objects.filter(measure=foreign).exists()


def test_inactive_link_refused(link, adopted, staff):
    services.reporting_link_deactivate(user=staff, link=link)
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(link=link, measure=adopted, progress=10)


def test_bad_progress_and_future_date_rejected(link, adopted):
    with pytest.raises(ValidationError) as error:
        services.progress_report_submit(
            link=link,
            measure=adopted,
            progress=120,
            reported_on=timezone.localdate() + timedelta(days=3),
        )
    assert {"progress", "reported_on"} <= set(error.value.message_dict)
    assert Measure.objects.get(pk=adopted.pk).progress == 0


def test_attachment_type_checked(link, adopted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.progress_report_submit(
            link=link, measure=adopted, progress=10, attachment=SimpleUploadedFile("x.exe", b"MZ")
        )
    report = services.progress_report_submit(
        link=link,
        measure=adopted,
        progress=10,
        attachment=SimpleUploadedFile("bericht.pdf", b"%PDF-1.4"),
    )
    assert report.attachment.name.endswith("bericht.pdf")
    report.attachment.delete(save=False)


def test_beat_schedule_names_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["measures-progress-requests"]
    assert entry["task"] == tasks.send_progress_requests.name == "measures.send_progress_requests"
