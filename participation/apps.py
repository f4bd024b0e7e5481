from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation process")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .counters import (
            conference_figures,
            conference_links,
            interview_figures,
            interview_links,
        )
        from .dashboard import register_phase_counter, register_phase_links

        register_phase_counter("interviews", interview_figures)
        register_phase_counter("conference", conference_figures)
        register_phase_links("interviews", interview_links)
        register_phase_links("conference", conference_links)
