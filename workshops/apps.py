from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from participation.dashboard import register_phase_counter
        from participation.models import Phase

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .selectors import phase_figures

        register_phase_counter(Phase.Kind.WORKSHOPS, phase_figures)
