from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _drafting_counter(phase):
    from .selectors import phase_figures

    return phase_figures(phase.process_id)


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Findings, goals and measures")

    def ready(self):
        from participation.dashboard import register_phase_counter

        from . import permissions  # noqa: F401  (registers the rules permissions)

        register_phase_counter("drafting", _drafting_counter)
