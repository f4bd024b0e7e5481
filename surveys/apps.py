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

        # Results (issue 6): permissions, the completion hook and the tasks.
        from .results import permissions as results_permissions  # noqa: F401
        from .results import signals as results_signals  # noqa: F401
        from .results import tasks as results_tasks  # noqa: F401
