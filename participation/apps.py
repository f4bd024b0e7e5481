from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation process")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .counters import conference_figures, interview_figures
        from .dashboard import register_phase_counter

        register_phase_counter("interviews", interview_figures)
        register_phase_counter("conference", conference_figures)
