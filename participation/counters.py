"""Dashboard figures of the interview and conference phases (registered in apps.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _


def interview_figures(phase) -> list[tuple[str, int]]:
    from .models import CodedPassage, Interview

    interviews = Interview.objects.filter(process_id=phase.process_id).aggregate(
        held=Count("id"), transcribed=Count("id", filter=~Q(transcript=""))
    )
    passages = CodedPassage.objects.filter(interview__process_id=phase.process_id).count()
    return [
        (_("Interviews held"), interviews["held"]),
        (_("With transcript"), interviews["transcribed"]),
        (_("Coded passages"), passages),
    ]


def conference_figures(phase) -> list[tuple[str, int]]:
    from .models import ConferenceCard, Registration

    registrations = Registration.objects.filter(conference__process_id=phase.process_id).aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        attended=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    cards = ConferenceCard.objects.filter(table__conference__process_id=phase.process_id).count()
    return [
        (_("Registrations"), registrations["registered"]),
        (_("Waiting list"), registrations["waitlisted"]),
        (_("Attendance"), registrations["attended"]),
        (_("Table cards"), cards),
    ]


def interview_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    process = phases[0].process
    if not user.has_perm("participation.view_process", process):
        return {}
    url = reverse("participation:interview_list", args=[process.pk])
    return {phase.pk: [(_("Interviews"), url)] for phase in phases}


def conference_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    from .models import Conference

    items = [
        (conference.title, conference.get_absolute_url())
        for conference in Conference.objects.filter(process_id=phases[0].process_id).order_by(
            "date"
        )
        if user.has_perm("participation.view_conference", conference)
    ]
    return {phase.pk: items for phase in phases}
