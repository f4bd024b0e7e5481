from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _survey_links(phases, user) -> dict[int, list[tuple[str, str]]]:
    """Each phase's surveys (and those of the process not placed in any phase)."""
    from django.urls import reverse

    from .models import Survey

    process = phases[0].process
    if not user.has_perm("surveys.view_survey", process):
        return {}
    surveys = list(Survey.objects.filter(process=process).order_by("id"))
    return {
        phase.pk: [
            (str(s), reverse("surveys:survey_detail", args=[s.pk]))
            for s in surveys
            if s.phase_id in (phase.pk, None)
        ]
        for phase in phases
    }


def _invited_surveys(user) -> list[tuple[str, str]]:
    """The open surveys a signed-in user is invited to, for their home page."""
    from .services.invitations import invitations_for_user

    return [
        (str(_("Survey: %(title)s")) % {"title": invitation.survey}, url)
        for invitation, url in invitations_for_user(user)
    ]


def _answer_url(answer) -> str:
    """The free-text answers of the question, narrowed to this answer."""
    from django.urls import reverse

    response = answer.response
    url = reverse(
        "surveys:results_free_texts",
        args=[response.survey_id, response.version.number, answer.question.code],
    )
    return f"{url}?answer={answer.pk}#answer-{answer.pk}"


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from participation.dashboard import (
            register_home_links,
            register_phase_counter,
            register_phase_links,
        )
        from participation.models import Phase
        from participation.services import register_person_eraser

        from . import permissions  # noqa: F401  (rules permissions)
        from .results import permissions as results_permissions  # noqa: F401
        from .results import tasks as results_tasks  # noqa: F401
        from .selectors import phase_figures
        from .services.invitations import erase_for_person

        register_phase_counter(Phase.Kind.SURVEY, phase_figures)
        register_phase_links(Phase.Kind.SURVEY, _survey_links)
        register_home_links(_invited_surveys)

        from participation.sources import register_source_url

        register_source_url("surveys.answer", _answer_url)
        # Erasing a person blanks the copies of their name and address on invitations.
        register_person_eraser(erase_for_person)
