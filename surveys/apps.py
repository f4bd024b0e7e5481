from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from participation.dashboard import register_phase_counter
        from participation.models import Phase

        from . import permissions, signals  # noqa: F401  (rules permissions, receivers)
        from .selectors import phase_figures

        register_phase_counter(Phase.Kind.SURVEY, phase_figures)
