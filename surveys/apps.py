from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from participation.dashboard import register_phase_counter
        from participation.models import Phase
        from participation.services import register_person_eraser

        from . import permissions  # noqa: F401  (rules permissions)
        from .results import permissions as results_permissions  # noqa: F401
        from .results import tasks as results_tasks  # noqa: F401
        from .selectors import phase_figures
        from .services.invitations import erase_for_person

        register_phase_counter(Phase.Kind.SURVEY, phase_figures)
        # Erasing a person blanks the copies of their name and address on invitations.
        register_person_eraser(erase_for_person)
